/**
 * `generation`, which both token resources carry under the same name: 1 for a resource's first
 * object, one more at every rotation (or re-issue) done in place.
 */
import type { ObjectValue } from '../codec';

const GENERATION = 'generation';

/** The `generation` of a resource's first object (a create, a replacement, an import). */
export const FIRST_GENERATION = 1;

/** A state's generation: a state written before the attribute existed holds null, which counts as the first. */
export function generationOf(state: ObjectValue): number {
  const g = state[GENERATION];
  return typeof g === 'number' && Number.isSafeInteger(g) && g >= FIRST_GENERATION ? g : FIRST_GENERATION;
}

/** The state with its generation set (refresh of a state written before the attribute existed). */
export function withGeneration(state: ObjectValue): ObjectValue {
  return (state[GENERATION] ?? null) === null ? { ...state, [GENERATION]: FIRST_GENERATION } : state;
}
