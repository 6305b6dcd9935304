/**
 * When the client repeats a request, in one place.
 *
 * The rule follows the contract's "which calls are safe to repeat" section: an operation that is
 * safe to repeat (who am I, list, delete, exchange, mint) is retried on every transient failure; the
 * one that is not (redeem) is retried only when the request surely never reached the server: a
 * connection that was never made, or a 429 / 503 answer, which the API gives before processing.
 *
 * | failure                                                    | whoami, list, delete, exchange, mint | redeem                  |
 * |------------------------------------------------------------|--------------------------------------|-------------------------|
 * | 429 (waits `Retry-After` when given)                        | retry                                | retry                   |
 * | 503                                                        | retry                                | retry                   |
 * | 502, 504                                                   | retry                                | no; outcome unknown     |
 * | 500 on who am I, list, exchange (they change nothing)     | retry                                | n/a                     |
 * | 500 on delete, mint; other 5xx                             | no (outcome unknown)                 | no; outcome unknown     |
 * | not connected: refused, DNS, unreachable, connect timeout  | retry                                | retry                   |
 * | after sending: reset, dropped, headers or body timeout      | retry                                | no; outcome unknown     |
 * | 401                                                        | once, after a fresh exchange (not counted as a retry) |  n/a (no credentials) |
 * | 400, 403, 404, 409                                         | no                                   | no                      |
 *
 * Every call also has a total deadline (`requestTimeoutMs`) covering all its attempts and waits; a
 * wait that would pass it is not started and the last error is thrown instead.
 */
import type { RouteName } from '../contract/routes';

/** Operations whose blind repeat does no harm (see the contract). */
export const SAFE_TO_REPEAT: Readonly<Record<RouteName, boolean>> = {
  exchange: true,
  whoami: true,
  list: true,
  mint: true,
  delete: true,
  redeem: false,
};

/** Operations that change state on the server, so a lost answer leaves their outcome unknown. */
export const CHANGES_STATE: Readonly<Record<RouteName, boolean>> = {
  exchange: false,
  whoami: false,
  list: false,
  mint: true,
  delete: true,
  redeem: true,
};

/** How one attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  | { readonly kind: 'status'; readonly status: number }
  /** `sent: 'no'`: the connection was never made; `'maybe'`: the request may have reached the server. */
  | { readonly kind: 'transport'; readonly sent: 'no' | 'maybe'; readonly retryable: boolean };

/** Statuses the API answers before processing a request. */
const ANSWERED_BEFORE_PROCESSING = new Set([429, 503]);
/** Statuses worth repeating for an operation that is safe to repeat. */
const TRANSIENT = new Set([429, 502, 503, 504]);

/** Whether an attempt that ended this way may be repeated. */
export function isRetryable(route: RouteName, outcome: AttemptOutcome): boolean {
  const safe = SAFE_TO_REPEAT[route];
  if (outcome.kind === 'status') {
    if (ANSWERED_BEFORE_PROCESSING.has(outcome.status)) return true;
    // A 500 says nothing about what the server did; repeating is harmless only where it did nothing.
    if (outcome.status === 500) return !CHANGES_STATE[route];
    return safe && TRANSIENT.has(outcome.status);
  }
  if (!outcome.retryable) return false;
  return outcome.sent === 'no' || safe;
}

/**
 * Whether an attempt that ended this way may have changed state on the server without the client
 * learning the result. Only meaningful for operations in {@link CHANGES_STATE}.
 */
export function mayHaveApplied(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'status') return outcome.status >= 500 && !ANSWERED_BEFORE_PROCESSING.has(outcome.status);
  return outcome.sent === 'maybe';
}

/** Exponential backoff with full jitter: a uniform wait in `[0, min(max, base * 2^retry))`. */
export function backoffDelay(retryIndex: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** retryIndex);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from now. An HTTP date is
 * measured against `serverNowMs` (the response's own `Date`, when it has one) so a skewed local clock
 * does not distort it. `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, serverNowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names a weekday and a month; `Date.parse` would read "-1" as a year.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - serverNowMs);
}
