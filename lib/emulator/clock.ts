/**
 * The emulator's one clock. Every time decision (token and bearer expiry, `created_at`, the `Date`
 * header) reads `now()`, so tests and the control API can move time instead of waiting for it.
 */
import { durationProblem, parseDurationMs } from '../contract/duration';
import { EmulatorError } from './errors';

/** What the emulator needs from a clock: the time, and a way for tests to move it. */
export interface EmulatorClock {
  now(): Date;
  /** Moves time forward by a duration (`"1h"`, `"90m"`) or by a number of milliseconds (negative moves back). */
  advance(by: string | number): void;
  /** Jumps to an instant. */
  set(at: Date): void;
}

/**
 * Real time plus an offset: time keeps flowing as it does outside, and `advance`/`set` shift it.
 * The default clock, because a client under test measures real timeouts while the API's expiry
 * decisions follow the shifted time. The offset is what persistence saves.
 */
export class SettableClock implements EmulatorClock {
  #offsetMs: number;
  readonly #realNow: () => number;

  constructor(offsetMs = 0, realNow: () => number = Date.now) {
    this.#offsetMs = offsetMs;
    this.#realNow = realNow;
  }

  /** How far this clock is ahead of real time, in milliseconds. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  now(): Date {
    return new Date(this.#realNow() + this.#offsetMs);
  }

  advance(by: string | number): void {
    this.#offsetMs += toMilliseconds(by);
  }

  set(at: Date): void {
    this.#offsetMs = checkedInstant(at).getTime() - this.#realNow();
  }
}

/** A clock that stands still until told to move: for tests that need exact instants. */
export class ManualClock implements EmulatorClock {
  #nowMs: number;

  constructor(start: Date = new Date()) {
    this.#nowMs = checkedInstant(start).getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  advance(by: string | number): void {
    this.#nowMs += toMilliseconds(by);
  }

  set(at: Date): void {
    this.#nowMs = checkedInstant(at).getTime();
  }
}

/** A duration string (`"2h45m30s"`) or a number of milliseconds, as milliseconds. */
export function toMilliseconds(by: string | number): number {
  if (typeof by === 'number') {
    if (!Number.isFinite(by)) throw EmulatorError.validation('advance', `${by} is not a number of milliseconds`);
    return by;
  }
  const problem = durationProblem(by);
  if (problem) throw EmulatorError.validation('advance', problem);
  return parseDurationMs(by);
}

function checkedInstant(at: Date): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw EmulatorError.validation('set', `${String(at)} is not a valid instant; pass a Date or an ISO 8601 string`);
  }
  return at;
}
