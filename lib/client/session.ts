/**
 * The bearer session: the configured access token is exchanged for a short-lived bearer, which is
 * cached until shortly before it expires. Concurrent calls share one exchange (single flight), so a
 * burst of calls costs one exchange and the API's rate limit is not spent on duplicates; a 401 drops
 * the rejected bearer, and the call loop then asks for a fresh one once.
 */
import type { BearerSource, CallSpec, RunCall } from './call';
import type { Deadline } from './deadline';
import { errorForDeadline } from './error-mapping';
import { MlpConfigurationError, type MlpCallContext, describeCall } from './errors';
import { FIELDS, PATHS } from '../contract/routes';
import { exchangeResponseSchema, type ExchangeResponse } from '../contract/wire-schemas';
import { Secret } from './secret';

/** A bearer is refreshed this long before it expires: min(30 s, 10% of its lifetime). */
export function bearerRefreshMargin(lifetimeMs: number): number {
  return Math.min(30_000, Math.floor(lifetimeMs / 10));
}

interface Bearer {
  readonly value: Secret;
  /** Local epoch ms after which the cached bearer is not used any more. */
  readonly refreshAt: number;
}

export interface BearerSessionOptions {
  /** The configured access token; `undefined`: every call that needs a bearer fails before sending. */
  readonly token: Secret | undefined;
  /** The local clock in epoch milliseconds. */
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** Runs the exchange call (through the call loop, with its own deadline and retries). */
  readonly run: RunCall;
}

/** One client's bearer: cached, exchanged one at a time, forgotten on a 401 or on close. */
export class BearerSession implements BearerSource {
  readonly #token: Secret | undefined;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #run: RunCall;
  #bearer: Bearer | undefined;
  #exchanging: Promise<Secret> | undefined;

  constructor(options: BearerSessionOptions) {
    this.#token = options.token;
    this.#now = options.now;
    this.#log = options.log;
    this.#run = options.run;
  }

  /** Whether a token was configured. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** A valid bearer: the cached one, the exchange in flight, or a new exchange (one at a time). */
  async bearerFor(ctx: MlpCallContext, deadline: Deadline): Promise<Secret> {
    if (!this.#token) {
      throw new MlpConfigurationError(
        `${describeCall(ctx)} needs an access token, and the client has none: set the provider's token (or MLP_TOKEN) to an access token value`,
        'missing-token',
        ctx,
      );
    }
    const cached = this.#bearer;
    if (cached && this.#now() < cached.refreshAt) return cached.value;
    if (!this.#exchanging) {
      const exchange = this.#exchange(this.#token).finally(() => {
        if (this.#exchanging === exchange) this.#exchanging = undefined;
      });
      this.#exchanging = exchange;
    }
    // The exchange has its own deadline; this call stops waiting at its own, and others may still use it.
    return deadline.race(this.#exchanging, () =>
      errorForDeadline(ctx, deadline.timeoutMs, { attempts: 0, outcomeUnknown: false, cause: undefined }),
    );
  }

  invalidate(rejected: Secret): void {
    if (this.#bearer && this.#bearer.value === rejected) this.#bearer = undefined;
  }

  /** Drops the cached bearer (on close), so nothing holds it any longer than needed. */
  forget(): void {
    this.#bearer = undefined;
  }

  async #exchange(token: Secret): Promise<Secret> {
    const startedAt = this.#now();
    const spec: CallSpec<ExchangeResponse> = {
      route: 'exchange',
      path: PATHS.exchange,
      auth: false,
      body: { [FIELDS.refreshToken]: token.reveal() },
      schema: exchangeResponseSchema,
      secretFields: [FIELDS.accessToken],
    };
    const wire = (await this.#run(spec)).data!;
    const value = new Secret(wire.access_token);
    const lifetimeMs = wire.expires_in * 1000;
    // Lifetimes are measured from before the exchange was sent, so the bearer is renewed early rather than late.
    this.#bearer = { value, refreshAt: startedAt + lifetimeMs - bearerRefreshMargin(lifetimeMs) };
    this.#log(`exchanged the token for a bearer valid ${wire.expires_in}s`);
    return value;
  }
}
