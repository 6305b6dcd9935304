/**
 * The validators a block declares (the framework's `resourcevalidator.Conflicting`, `AtLeastOneOf`,
 * `ExactlyOneOf` and `AlsoRequires`, and relations between values): each names the attributes it reads, says its
 * rule for the docs of each, and reports with the provider's named diagnostics. "Set" means not
 * null: an unknown value is set, it only has no value yet.
 */
import { durationProblem, parseDuration } from '../../contract/duration';
import { type ObjectValue, UNKNOWN } from '../codec';
import { type Diagnostic, diag } from '../diagnostics';
import type { BlockValidator } from './model';

const isSet = (config: ObjectValue, name: string) => (config[name] ?? null) !== null;
const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/**
 * `attribute` cannot be set with any of `others` (reported once, against the first of them set);
 * `why` ends the message.
 */
export function conflicting(attribute: string, others: string | readonly string[], why: string): BlockValidator {
  const list = typeof others === 'string' ? [others] : others;
  return {
    kind: 'presence',
    attributes: [attribute, ...list],
    conflictsWith: (name) => (name === attribute ? list : list.includes(name) ? [attribute] : []),
    validate(config) {
      if (!isSet(config, attribute)) return [];
      const other = list.find((o) => isSet(config, o));
      return other === undefined ? [] : [diag.conflictingAttributes(attribute, other, why)];
    },
  };
}

/**
 * At least one of `attributes` is set; `alsoCounting` are attributes that count too without being
 * named in the message (the write-only twin of one of them).
 */
export function atLeastOneOf(attributes: readonly string[], why: string, alsoCounting: readonly string[] = []): BlockValidator {
  const all = [...attributes, ...alsoCounting];
  return {
    kind: 'presence',
    attributes: all,
    describe: (name) => (all.includes(name) ? `At least one of ${code(all)} is set.` : undefined),
    validate(config) {
      return all.some((a) => isSet(config, a)) ? [] : [diag.missingOneOf(attributes, why)];
    },
  };
}

/**
 * Exactly one of `attributes` is set (the framework's `ExactlyOneOf`): none set is reported as
 * missing (`why.missing`), two set as a conflict of the first two (`why.conflict`).
 */
export function exactlyOneOf(attributes: readonly string[], why: { readonly conflict: string; readonly missing: string }): BlockValidator {
  return {
    kind: 'presence',
    attributes,
    describe: (name) => (attributes.includes(name) ? `Exactly one of ${code(attributes)} is set.` : undefined),
    validate(config) {
      const set = attributes.filter((a) => isSet(config, a));
      if (set.length === 0) return [diag.missingOneOf(attributes, why.missing)];
      return set.length > 1 ? [diag.conflictingAttributes(set[0]!, set[1]!, why.conflict)] : [];
    },
  };
}

/** With `attribute` set, `required` must be too; the message says `problem`, then `fix`. */
export function alsoRequires(attribute: string, required: string, problem: string, fix: string): BlockValidator {
  return {
    kind: 'presence',
    attributes: [attribute, required],
    describe: (name) => (name === attribute ? `Requires \`${required}\`.` : undefined),
    validate(config) {
      return isSet(config, attribute) && !isSet(config, required) ? [diag.invalidAttribute([required], problem, fix)] : [];
    },
  };
}

/** `attribute` does nothing unless one of `needs` is set: a warning that says `why`. */
export function noEffectWithout(attribute: string, needs: readonly string[], why: string): BlockValidator {
  return {
    kind: 'presence',
    attributes: [attribute, ...needs],
    describe: (name) => (name === attribute ? `Has an effect only with ${needs.length > 1 ? 'one of ' : ''}${code(needs)}.` : undefined),
    validate(config) {
      return isSet(config, attribute) && !needs.some((n) => isSet(config, n)) ? [diag.uselessAttribute(attribute, why)] : [];
    },
  };
}

/**
 * The duration `shorter` is shorter than the duration `longer` when both are known: otherwise the
 * message says `${shorter} (v) is not shorter than ${longer} (w), ${consequence}` and then `fix`.
 * `waitsFor`: other attributes of the same schedule whose own errors are said first, alone.
 */
export function shorterThan(
  shorter: string,
  longer: string,
  consequence: string,
  fix: string,
  waitsFor: readonly string[] = [],
): BlockValidator {
  return {
    kind: 'values',
    attributes: [shorter, longer, ...waitsFor],
    describe: (name) => (name === shorter ? `Shorter than \`${longer}\`.` : undefined),
    validate(config) {
      const [a, b] = [config[shorter] ?? null, config[longer] ?? null];
      if (typeof a !== 'string' || typeof b !== 'string' || durationProblem(a) || durationProblem(b)) return [];
      if (parseDuration(a) < parseDuration(b)) return [];
      return [diag.invalidAttribute([shorter], `${shorter} (${a}) is not shorter than ${longer} (${b}), ${consequence}`, fix)];
    },
  };
}

/**
 * A relation between values with a name of its own (the grace a schedule leaves): it reads
 * `attributes`, says `sentence` in the docs of the first, and reports what `check` finds.
 */
export function relation(
  attributes: readonly string[],
  sentence: string,
  check: (config: ObjectValue) => readonly Diagnostic[],
): BlockValidator {
  return {
    kind: 'values',
    attributes,
    describe: (name) => (name === attributes[0] ? sentence : undefined),
    validate: check,
  };
}

/** Whether any of `names` is still unknown in `config` (a relation waits for them). */
export function anyUnknown(config: ObjectValue, names: readonly string[]): boolean {
  return names.some((n) => config[n] === UNKNOWN);
}
