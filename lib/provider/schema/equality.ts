/**
 * Equalities for attributes whose values can differ in spelling and still mean the same (the
 * framework's semantic equality): a plan modifier that compares the planned value with the prior one
 * (`requiresReplace`) uses the attribute's, so `ttl = "60m"` -> `"1h"` replaces nothing.
 */
import { type Value, UNKNOWN } from '../codec';
import { type Maybe, getStringMap, sameDuration, triggersChanged } from '../values';
import type { ValueEquality } from './model';

function asMaybeString(v: Value): Maybe<string> {
  if (v === null || v === UNKNOWN || typeof v === 'string') return v;
  throw new TypeError('a duration attribute holds a string');
}

/** Durations: the same length, however spelt (an unknown one equals nothing). */
export const durationEquality: ValueEquality = {
  description: 'Compared as a duration: `60m` and `1h` are the same, so respelling it changes nothing.',
  equal: (planned, prior) => sameDuration(asMaybeString(planned), asMaybeString(prior)),
};

/** A map of strings that is only ever compared: empty counts as none, an unknown element as a change. */
export const keepersEquality: ValueEquality = {
  description: 'An empty map counts as none.',
  equal: (planned, prior) => !triggersChanged(prior, getStringMap({ planned }, 'planned')),
};
