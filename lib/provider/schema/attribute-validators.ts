/**
 * The validators an attribute declares (the framework's `validator.String`, ...): each gets a known,
 * non-null configured value and answers with the diagnostics it finds, and says its rule in one
 * sentence for the docs. The words of a problem come from the contract's `...Problem()` rules where
 * there is one, so the provider, the client and the constructs say the same thing.
 */
import { durationProblem, parseDuration } from '../../contract/duration';
import type { Value } from '../codec';
import { type Diagnostic, diag } from '../diagnostics';
import type { AttributeValidator } from './model';

/**
 * A value checked by a contract rule (`nameProblem`, `durationProblem`, ...): its problem becomes
 * an "Invalid <attribute>" error (with `fix` appended), or the diagnostic `report` makes of it.
 */
export function satisfies(
  problem: (value: string) => string | undefined,
  description: string,
  options: { readonly fix?: string; readonly report?: (problem: string) => Diagnostic } = {},
): AttributeValidator {
  return {
    description,
    validate({ attribute, value }) {
      if (typeof value !== 'string') return [];
      const found = problem(value);
      if (found === undefined) return [];
      return [options.report ? options.report(found) : diag.invalidAttribute([attribute], found, options.fix)];
    },
  };
}

/** A Go-style duration within the lifetime limit. */
export function duration(): AttributeValidator {
  return satisfies(durationProblem, 'A Go-style duration (`720h`, `90m`, `2h45m30s`).');
}

/** A duration no longer than `max`; a longer one gets the diagnostic `report` makes. */
export function durationAtMost(max: string, report: (value: string, max: string) => Diagnostic): AttributeValidator {
  return {
    description: `At most \`${max}\`.`,
    validate({ value }) {
      if (typeof value !== 'string' || durationProblem(value)) return [];
      return parseDuration(value) > parseDuration(max) ? [report(value, max)] : [];
    },
  };
}

/** One of `values`; `noun` names what the value is ("role"). */
export function oneOf(values: readonly string[], noun: string): AttributeValidator {
  return {
    description: `One of ${values.map((v) => `\`${v}\``).join(', ')}.`,
    validate({ attribute, value }) {
      if (typeof value !== 'string' || values.includes(value)) return [];
      return [
        diag.invalidAttribute(
          [attribute],
          `${JSON.stringify(value)} is not a ${noun}`,
          `Use ${values.map((v) => JSON.stringify(v)).join(' or ')}`,
        ),
      ];
    },
  };
}

/** Not empty, nor only white space; `fix` says what to set instead. */
export function notBlank(fix: string): AttributeValidator {
  return {
    description: 'Not empty.',
    validate({ attribute, value }) {
      if (typeof value !== 'string' || value.trim() !== '') return [];
      return [diag.invalidAttribute([attribute], `${attribute} is empty`, fix)];
    },
  };
}

/** A whole number from `min` to `max`. */
export function wholeNumberBetween(min: number, max: number): AttributeValidator {
  return {
    description: `A whole number from ${min} to ${max}.`,
    validate({ attribute, value }) {
      if (typeof value !== 'number' || (Number.isInteger(value) && value >= min && value <= max)) return [];
      return [diag.invalidAttribute([attribute], `${attribute} is ${value}; it must be a whole number from ${min} to ${max}`)];
    },
  };
}

/** A check of its own, named for what it checks (the words are the check's). */
export function custom(description: string, validate: (attribute: string, value: Value) => readonly Diagnostic[]): AttributeValidator {
  return { description, validate: ({ attribute, value }) => validate(attribute, value) };
}
