/**
 * Go-style durations as the MLP API takes them (`2h45m30s`, `90m`): one or more `<integer><unit>`
 * groups with units `h`, `m`, `s`, each unit at most once and in that order, and a total above zero.
 * One module parses, formats and validates them, so every layer rejects the same strings with the
 * same words. No zod here (the provider starts without it): `durationSchema` lives in
 * `rule-schemas.ts` and is exported from here too, loaded on first use.
 */
import type { ZodString } from 'zod';

const DURATION_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_SECONDS = { h: 3600, m: 60, s: 1 } as const;

/** Why a string is not a duration, in words a user can act on; `undefined` when it is one. */
export function durationProblem(text: string): string | undefined {
  if (typeof text !== 'string') return `a duration must be a string such as "2h", "90m" or "2h45m30s", not ${typeof text}`;
  if (text.length === 0) return 'a duration cannot be empty; write e.g. "2h", "90m" or "2h45m30s"';
  const match = DURATION_PATTERN.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) {
    return `"${text}" is not a duration: use whole numbers with the units h, m and s in that order, e.g. "2h", "90m" or "2h45m30s"`;
  }
  const seconds = secondsOf(match);
  if (seconds <= 0) return `"${text}" is zero: a duration must be greater than zero`;
  if (!Number.isSafeInteger(seconds)) return `"${text}" is too long to represent`;
  return undefined;
}

/** Parses a duration into whole seconds; throws `RangeError` with {@link durationProblem}'s words. */
export function parseDuration(text: string): number {
  const problem = durationProblem(text);
  if (problem) throw new RangeError(problem);
  return secondsOf(DURATION_PATTERN.exec(text)!);
}

/** Parses a duration into milliseconds. */
export function parseDurationMs(text: string): number {
  return parseDuration(text) * 1000;
}

/** Formats whole seconds in the canonical form (`9930` -> `2h45m30s`, `3600` -> `1h`). */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isSafeInteger(totalSeconds) || totalSeconds <= 0) {
    throw new RangeError(`cannot format ${totalSeconds} as a duration: it must be a whole number of seconds above zero`);
  }
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** `true` when the text is a valid duration. */
export function isDuration(text: string): boolean {
  return durationProblem(text) === undefined;
}

/** zod schema for a duration string; its issue message is {@link durationProblem}'s. Loads zod on first use. */
export declare const durationSchema: ZodString;
Object.defineProperty(exports, 'durationSchema', {
  enumerable: true,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  get: () => (require('./rule-schemas') as typeof import('./rule-schemas')).durationSchema,
});

function secondsOf(match: RegExpExecArray): number {
  const [, h, m, s] = match;
  return Number(h ?? 0) * UNIT_SECONDS.h + Number(m ?? 0) * UNIT_SECONDS.m + Number(s ?? 0) * UNIT_SECONDS.s;
}
