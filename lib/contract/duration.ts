/**
 * Go-style durations as the MLP API takes them (`2h45m30s`, `90m`): one or more `<integer><unit>`
 * groups with units `h`, `m`, `s`, each unit at most once and in that order, and a total above zero.
 * One module parses, formats and validates them, so every layer rejects the same strings with the
 * same words.
 *
 * Every duration is capped, so that what it computes stays representable everywhere it goes: a
 * lifetime at {@link MAX_DURATION} (100 years: an expiry stays below year 9999, which ISO 8601 and the
 * API's timestamps can carry, for any clock before 9899), and a timeout at {@link MAX_TIMEOUT} (Node's
 * timers hold at most 2^31-1 ms, and a longer one fires at once).
 *
 * No zod here, not even in the types (the provider starts without it, and the public `.d.ts` files
 * must not reach zod's): `durationSchema` and `timeoutSchema` live in `rule-schemas.ts`.
 */
import { quoteValue } from './text';

const DURATION_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_SECONDS = { h: 3600, m: 60, s: 1 } as const;

/** The longest lifetime (`ttl`, `rotate_after`, `early_rotation_window`, `access_ttl`): 100 years of 365 days. */
export const MAX_DURATION_SECONDS = 876_000 * 3600;
/** {@link MAX_DURATION_SECONDS} as users write it. */
export const MAX_DURATION = '876000h';
/** The longest timer Node.js runs as asked (a longer delay fires after 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest timeout (`request_timeout`), in whole seconds: 596h31m23s. */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
/** {@link MAX_TIMEOUT_SECONDS} as users write it. */
export const MAX_TIMEOUT = '596h31m23s';

/** The upper bound a duration is checked against, and how a message names it. */
export interface DurationLimit {
  readonly maxSeconds: number;
  /** Why the bound exists, e.g. `100 years`. */
  readonly why: string;
}
/** Lifetimes: ttl, rotate_after, early_rotation_window, access_ttl. */
export const LIFETIME_LIMIT: DurationLimit = {
  maxSeconds: MAX_DURATION_SECONDS,
  why: '100 years; an expiry must stay before the year 9999',
};
/** Timeouts: request_timeout. */
export const TIMEOUT_LIMIT: DurationLimit = { maxSeconds: MAX_TIMEOUT_SECONDS, why: 'the longest timer Node.js can run, 2^31-1 ms' };

/**
 * Why a string is not a duration, in words a user can act on; `undefined` when it is one. `limit`
 * is the upper bound (default: {@link LIFETIME_LIMIT}).
 */
export function durationProblem(text: string, limit: DurationLimit = LIFETIME_LIMIT): string | undefined {
  if (typeof text !== 'string') return `a duration must be a string such as "2h", "90m" or "2h45m30s", not ${typeof text}`;
  if (text.length === 0) return 'a duration cannot be empty; write e.g. "2h", "90m" or "2h45m30s"';
  const match = DURATION_PATTERN.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) {
    return `${showDuration(text)} is not a duration: use whole numbers with the units h, m and s in that order, e.g. "2h", "90m" or "2h45m30s"`;
  }
  const seconds = secondsOf(match);
  if (seconds <= 0) return `"${text}" is zero: a duration must be greater than zero`;
  if (!Number.isSafeInteger(seconds) || seconds > limit.maxSeconds) {
    return `${showDuration(text)} is too long: a duration here is at most ${formatDuration(limit.maxSeconds)} (${limit.why})`;
  }
  return undefined;
}

/** Why a string is not a usable timeout (a duration of at most {@link MAX_TIMEOUT}); `undefined` when it is one. */
export function timeoutProblem(text: string): string | undefined {
  return durationProblem(text, TIMEOUT_LIMIT);
}

/** Parses a duration into whole seconds; throws `RangeError` with {@link durationProblem}'s words. */
export function parseDuration(text: string, limit: DurationLimit = LIFETIME_LIMIT): number {
  const problem = durationProblem(text, limit);
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

/** A duration as a message quotes it: quoted, control characters escaped, cut when very long. */
function showDuration(text: string): string {
  return quoteValue(text, 40);
}

function secondsOf(match: RegExpExecArray): number {
  const [, h, m, s] = match;
  return Number(h ?? 0) * UNIT_SECONDS.h + Number(m ?? 0) * UNIT_SECONDS.m + Number(s ?? 0) * UNIT_SECONDS.s;
}
