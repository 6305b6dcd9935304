/**
 * The one loop every API call goes through: it sends the attempts, asks the session for a bearer
 * (and for a fresh one, once, on a 401), repeats what the rule of `retry.ts` allows within the call's
 * deadline, and turns the final answer into data or a typed error. Keeping it in one place is what
 * makes "which calls are safe to repeat" and "the outcome is unknown" hold for every operation alike.
 */
import type { Dispatcher } from 'undici';
import { Deadline } from './deadline';
import {
  errorForDeadline,
  errorForStatus,
  errorForTransportFailure,
  formatMs,
  isContractNotFound,
  type TransportTarget,
} from './error-mapping';
import { MlpClosedError, type MlpCallContext, type MlpError } from './errors';
import { classifyTransportError, sendOnce, type HttpResponse } from './http';
import type { ClientSettings } from './options';
import { parseResponseBody, type ExpectedBody } from './response-body';
import { CHANGES_STATE, backoffDelay, isRetryable, mayHaveApplied, parseRetryAfter, type AttemptOutcome } from './retry';
import { ROUTES, type RouteName } from '../contract/routes';
import type { Secret } from './secret';

/** Labels used in messages and logs. */
export const OPERATION_LABELS: Readonly<Record<RouteName, string>> = {
  exchange: 'exchange the token for a bearer',
  whoami: 'who am I',
  list: 'list tokens',
  mint: 'mint registration token',
  redeem: 'redeem registration token',
  delete: 'delete token',
};

/** Where a call goes, as errors name it. */
export function callContext(route: RouteName, path: string): MlpCallContext {
  return { operation: OPERATION_LABELS[route], route, method: ROUTES[route].method, path };
}

/** One call: where it goes, what it sends and what it expects back. */
export interface CallSpec<T> extends ExpectedBody<T> {
  readonly route: RouteName;
  readonly path: string;
  readonly body?: Record<string, unknown> | undefined;
  /** Send a bearer (every route but exchange and redeem). */
  readonly auth: boolean;
  /** Return 404 as a result instead of throwing. */
  readonly tolerate404?: boolean | undefined;
  /** The token name the call is about, for messages. */
  readonly tokenName?: string | undefined;
}

export interface CallResult<T> {
  readonly status: number;
  readonly data: T | undefined;
  /** An earlier attempt of this call may have been applied (its answer never arrived). */
  readonly earlierAttemptMayHaveApplied: boolean;
}

/** Runs one call to its end (used by the session for its own exchange call). */
export type RunCall = <T>(spec: CallSpec<T>) => Promise<CallResult<T>>;

/** Where the loop gets bearers: the session, which caches and renews them. */
export interface BearerSource {
  /** A bearer that should be valid now; waiting for it counts against the call's deadline. */
  bearerFor(ctx: MlpCallContext, deadline: Deadline): Promise<Secret>;
  /** The API refused this bearer (401): the next {@link bearerFor} must not return it. */
  invalidate(rejected: Secret): void;
}

/** The call loop of one client: its dispatcher, its patience, and what it learned of the API's clock. */
export class CallLoop {
  readonly #settings: ClientSettings;
  readonly #dispatcher: Dispatcher;
  readonly #bearers: BearerSource;
  readonly #target: TransportTarget;
  #clockOffsetMs = 0;
  #closed = false;

  constructor(settings: ClientSettings, dispatcher: Dispatcher, bearers: BearerSource) {
    this.#settings = settings;
    this.#dispatcher = dispatcher;
    this.#bearers = bearers;
    const { connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs } = settings;
    this.#target = { origin: settings.endpoint.origin, connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs };
  }

  /** The API's clock minus the local one, learned from the last response's `Date` (0 before any). */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** From now on every call (and every call's next attempt) fails with `MlpClosedError`. */
  close(): void {
    this.#closed = true;
  }

  /** Runs one call within its own total deadline. */
  async run<T>(spec: CallSpec<T>): Promise<CallResult<T>> {
    const deadline = new Deadline(this.#settings.requestTimeoutMs);
    try {
      return await this.#call(spec, deadline);
    } finally {
      deadline.dispose();
    }
  }

  async #call<T>(spec: CallSpec<T>, deadline: Deadline): Promise<CallResult<T>> {
    const settings = this.#settings;
    const ctx = callContext(spec.route, spec.path);
    const changesState = CHANGES_STATE[spec.route];
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let attempts = 0;
    let retries = 0;
    let reauthenticated = false;
    let maybeApplied = false;

    for (;;) {
      if (this.#closed) throw new MlpClosedError(ctx);
      const bearer = spec.auth ? await this.#bearers.bearerFor(ctx, deadline) : undefined;
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': settings.userAgent };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (bearer) headers.authorization = `Bearer ${bearer.reveal()}`;

      attempts++;
      const started = performance.now();
      let response: HttpResponse;
      try {
        response = await sendOnce(this.#dispatcher, {
          origin: settings.endpoint.origin,
          path: settings.endpoint.basePath + spec.path,
          method: ctx.method,
          headers,
          body,
          signal: deadline.signal,
          headersTimeoutMs: settings.headersTimeoutMs,
          bodyTimeoutMs: settings.bodyTimeoutMs,
        });
      } catch (err) {
        if (deadline.expired || this.#closed) {
          // The deadline aborted a request in flight: for a state-changing call it may have landed.
          if (this.#closed) throw new MlpClosedError(ctx);
          throw errorForDeadline(ctx, deadline.timeoutMs, { attempts, outcomeUnknown: changesState, cause: err });
        }
        const failure = classifyTransportError(err);
        const outcome: AttemptOutcome = { kind: 'transport', sent: failure.sent, retryable: failure.retryable };
        if (changesState && mayHaveApplied(outcome)) maybeApplied = true;
        const error = errorForTransportFailure(
          ctx,
          failure,
          { attempts, outcomeUnknown: changesState && maybeApplied, cause: err },
          this.#target,
        );
        settings.log(
          `${ctx.operation}: ${ctx.method} ${ctx.path} failed: ${failure.errno ?? 'error'} (attempt ${attempts}, ${elapsed(started)})`,
        );
        if (isRetryable(spec.route, outcome) && retries < settings.maxRetries) {
          retries++;
          await this.#wait(ctx, this.#backoff(retries), deadline, error);
          continue;
        }
        throw error;
      }

      const receivedAt = settings.now();
      this.#learnClock(response, receivedAt);
      settings.log(`${ctx.operation}: ${ctx.method} ${ctx.path} -> ${response.status} (attempt ${attempts}, ${elapsed(started)})`);

      if (response.status >= 200 && response.status < 300) {
        return {
          status: response.status,
          data: parseResponseBody(spec, ctx, response, attempts),
          earlierAttemptMayHaveApplied: maybeApplied,
        };
      }
      if (response.status === 401 && bearer && !reauthenticated) {
        // The bearer went stale (expired early, revoked, server restarted): exchange once more.
        reauthenticated = true;
        this.#bearers.invalidate(bearer);
        settings.log(`${ctx.operation}: bearer rejected (401); exchanging the token again`);
        continue;
      }
      if (response.status === 404 && spec.tolerate404 && isContractNotFound(response)) {
        return { status: 404, data: undefined, earlierAttemptMayHaveApplied: maybeApplied };
      }

      const outcome: AttemptOutcome = { kind: 'status', status: response.status };
      if (changesState && mayHaveApplied(outcome)) maybeApplied = true;
      const retryAfterMs =
        response.status === 429 || response.status === 503
          ? parseRetryAfter(response.headers['retry-after'], serverDateOf(response) ?? receivedAt)
          : undefined;
      const retryable = isRetryable(spec.route, outcome) && retries < settings.maxRetries;
      const error = errorForStatus({
        ctx,
        response,
        auth: spec.auth,
        tokenName: spec.tokenName,
        endpoint: settings.endpoint.href,
        attempts,
        outcomeUnknown: changesState && maybeApplied,
        retryAfterMs,
        retriesExhausted: !retryable && isRetryable(spec.route, outcome),
      });
      if (retryable) {
        retries++;
        await this.#wait(ctx, retryAfterMs ?? this.#backoff(retries), deadline, error);
        continue;
      }
      throw error;
    }
  }

  /** The jittered wait before retry number `retries` (1 for the first). */
  #backoff(retries: number): number {
    const { retryBaseDelayMs, retryMaxDelayMs, random } = this.#settings;
    return backoffDelay(retries - 1, retryBaseDelayMs, retryMaxDelayMs, random);
  }

  /** Waits before a retry; throws `lastError` at once when the wait would pass the deadline. */
  async #wait(ctx: MlpCallContext, delayMs: number, deadline: Deadline, lastError: MlpError): Promise<void> {
    const { log } = this.#settings;
    if (delayMs >= deadline.remainingMs()) {
      log(`${ctx.operation}: not retrying: waiting ${delayMs} ms would pass the ${formatMs(deadline.timeoutMs)} deadline`);
      throw lastError;
    }
    log(`${ctx.operation}: retrying in ${delayMs} ms after ${lastError.code}`);
    if (delayMs <= 0) return;
    await deadline.sleep(delayMs);
    if (deadline.expired) throw lastError;
  }

  #learnClock(response: HttpResponse, receivedAt: number): void {
    const serverDate = serverDateOf(response);
    // `Date` has whole-second resolution; the answer was written during the second it names.
    if (serverDate !== undefined) this.#clockOffsetMs = serverDate + 500 - receivedAt;
  }
}

function serverDateOf(response: HttpResponse): number | undefined {
  const header = response.headers.date;
  if (!header) return undefined;
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : ms;
}

function elapsed(startedAt: number): string {
  return `${Math.round(performance.now() - startedAt)} ms`;
}
