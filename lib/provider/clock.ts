/**
 * The provider's one clock. Every time decision (is the token inside its rotation window, has it
 * expired) reads `clock.now()`; nothing in a resource calls `Date.now()` (terraform-provider-time's
 * `internal/clock`).
 *
 * "Now" is the API's time: tokens expire by the API's clock, so the provider asks the client for its
 * estimate (the local clock corrected by the `Date` header of the last response), and uses the local
 * clock only until the first response arrived. Tests use {@link FakeClock}.
 */
import { parseDuration } from '../contract/duration';

export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => new Date(),
};

/** Anything that knows the API's time (the MLP client does). */
export interface ServerTimeSource {
  serverNow(): Date;
}

/**
 * The API's clock as the client last saw it; the local clock while no client exists (the offset
 * starts at zero inside the client, too).
 */
export class ApiClock implements Clock {
  constructor(private readonly source: () => ServerTimeSource | undefined) {}
  now(): Date {
    return this.source()?.serverNow() ?? systemClock.now();
  }
}

/** A clock tests set and advance by hand. */
export class FakeClock implements Clock {
  #ms: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves forward by milliseconds or a Go-style duration (`"1h30m"`). */
  advance(by: number | string): void {
    this.#ms += typeof by === 'number' ? by : parseDuration(by) * 1000;
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
  }
}
