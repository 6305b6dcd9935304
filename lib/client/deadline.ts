/**
 * One call's total time budget (`requestTimeoutMs`). It covers the bearer exchange, every attempt and
 * every wait between them, so a caller learns of a failure within the time it set, however many
 * retries the rule of `retry.ts` would allow. Attempts end through its abort signal; waits end early
 * when it expires, and the loop decides what to throw.
 */

/** One call's deadline: an abort signal for the attempts and the time left for waits between them. */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #startedAt: number;

  constructor(readonly timeoutMs: number) {
    this.#startedAt = performance.now();
    this.#timer = setTimeout(() => this.#controller.abort(), timeoutMs);
    // A pending deadline must not keep a finished program alive.
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.timeoutMs - (performance.now() - this.#startedAt));
  }

  /** Resolves after `delayMs`, or as soon as the deadline expires (check {@link expired} after). */
  async sleep(delayMs: number): Promise<void> {
    if (delayMs <= 0) return;
    const signal = this.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delayMs);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /**
   * What `pending` settles with, unless the deadline expires first: then `onExpired()`'s error. The
   * work behind `pending` goes on (other calls may be waiting for it); only this call stops waiting.
   */
  async race<T>(pending: Promise<T>, onExpired: () => Error): Promise<T> {
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(onExpired());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
