/**
 * The typed client of the MLP token API (the modeled contract v1 in `routes.ts` / `schemas.ts`).
 *
 * Every operation goes through one loop ({@link MlpClient.#call}) that owns the bearer, the retry
 * rule of `retry.ts`, the total deadline, and the mapping of answers to typed errors. Secrets (the
 * configured token, bearers, registration tokens) live in `#private` fields or `Secret`s and every
 * message passes the redactor, so nothing this module says or throws can leak one.
 */
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { Deadline } from './deadline';
import { durationProblem } from './duration';
import { errorForDeadline, errorForStatus, errorForTransportFailure, formatMs, isContractNotFound, type TransportTarget } from './error-mapping';
import { MlpArgumentError, type MlpCallContext, MlpClosedError, MlpConfigurationError, MlpError, describeCall } from './errors';
import { classifyTransportError, createAgent, sendOnce, type HttpResponse } from './http';
import { resolveOptions, type MlpClientOptions } from './options';
import { redact } from './redact';
import { parseResponseBody } from './response-body';
import { CHANGES_STATE, backoffDelay, isRetryable, mayHaveApplied, parseRetryAfter, type AttemptOutcome } from './retry';
import { FIELDS, PATHS, ROUTES, type RouteName } from './routes';
import { exchangeResponseSchema, mintResponseSchema, redeemResponseSchema, tokenInfoSchema, tokenListSchema, type TokenInfoWire } from './schemas';
import { Secret } from './secret';
import { warnIfTlsVerificationDisabled } from './tls-warning';
import type { IssuedAccessToken, MintRegisterTokenRequest, MintedRegisterToken, TokenInfo } from './types';
import { roleSchema } from './rule-schemas';
import { nameProblem, roleFromApi, roleToApi } from './validation';

export { DEFAULTS, type MlpClientOptions } from './options';
export { formatMs } from './error-mapping';
export { formatPath } from './response-body';

/** Labels used in messages and logs. */
export const OPERATION_LABELS: Readonly<Record<RouteName, string>> = {
  exchange: 'exchange the token for a bearer',
  whoami: 'who am I',
  list: 'list tokens',
  mint: 'mint registration token',
  redeem: 'redeem registration token',
  delete: 'delete token',
};

/** A bearer is refreshed this long before it expires: min(30 s, 10% of its lifetime). */
export function bearerRefreshMargin(lifetimeMs: number): number {
  return Math.min(30_000, Math.floor(lifetimeMs / 10));
}

interface CallSpec<T> {
  readonly route: RouteName;
  readonly path: string;
  readonly body?: Record<string, unknown> | undefined;
  /** Send a bearer (every route but exchange and redeem). */
  readonly auth: boolean;
  /** The schema of a 2xx body; absent: the body is ignored (204). */
  readonly schema?: z.ZodType<T> | undefined;
  /** Response fields holding secrets: registered with the redactor before validation. */
  readonly secretFields?: readonly string[] | undefined;
  /** Return 404 as a result instead of throwing. */
  readonly tolerate404?: boolean | undefined;
  /** The token name the call is about, for messages. */
  readonly tokenName?: string | undefined;
}

interface CallResult<T> {
  readonly status: number;
  readonly data: T | undefined;
  /** An earlier attempt of this call may have been applied (its answer never arrived). */
  readonly earlierAttemptMayHaveApplied: boolean;
}

interface Bearer {
  readonly value: Secret;
  /** Local epoch ms after which the cached bearer is not used any more. */
  readonly refreshAt: number;
}

/**
 * A typed client of the MLP token API (the modeled contract in `routes.ts`): who-am-I, list, mint,
 * redeem, delete. It exchanges its token for a short-lived bearer (cached, single-flight, renewed once
 * on a 401), retries what is safe to repeat (see `retry.ts`), checks every response with zod, and
 * returns token values as {@link Secret}s. Errors are `MlpError` subclasses whose messages say what
 * to do and never contain a secret.
 */
export class MlpClient {
  readonly #endpoint: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #token: Secret | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #headersTimeoutMs: number;
  readonly #bodyTimeoutMs: number;
  readonly #transportTarget: TransportTarget;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #userAgent: string;
  readonly #logger: ((line: string) => void) | undefined;
  #bearer: Bearer | undefined;
  #exchanging: Promise<Secret> | undefined;
  #clockOffsetMs = 0;
  #closed = false;

  constructor(options: MlpClientOptions) {
    const settings = resolveOptions(options);
    this.#endpoint = settings.endpoint.href;
    this.#origin = settings.endpoint.origin;
    this.#basePath = settings.endpoint.basePath;
    this.#token = settings.token;
    this.#requestTimeoutMs = settings.requestTimeoutMs;
    this.#connectTimeoutMs = settings.connectTimeoutMs;
    this.#headersTimeoutMs = settings.headersTimeoutMs;
    this.#bodyTimeoutMs = settings.bodyTimeoutMs;
    this.#transportTarget = { origin: this.#origin, ...settings };
    this.#maxRetries = settings.maxRetries;
    this.#retryBaseDelayMs = settings.retryBaseDelayMs;
    this.#retryMaxDelayMs = settings.retryMaxDelayMs;
    this.#random = settings.random;
    this.#now = settings.now;
    this.#userAgent = settings.userAgent;
    this.#logger = settings.logger;
    this.#ownsDispatcher = settings.dispatcher === undefined;
    this.#dispatcher = settings.dispatcher ?? createAgent(this.#connectTimeoutMs);
    warnIfTlsVerificationDisabled();
  }

  /** The endpoint calls go to (never contains a secret). */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** Whether a token was configured. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** The current token's metadata. Any role. */
  async whoAmI(): Promise<TokenInfo> {
    const result = await this.#run({ route: 'whoami', path: PATHS.whoAmI, auth: true, schema: tokenInfoSchema });
    return toTokenInfo(result.data!);
  }

  /** Every access token of the project. Needs an Administrator token. */
  async listTokens(): Promise<TokenInfo[]> {
    const result = await this.#run({ route: 'list', path: PATHS.tokens, auth: true, schema: tokenListSchema });
    return result.data!.tokens.map(toTokenInfo);
  }

  /** The access token with this name, or `undefined`. Lists the tokens; needs an Administrator token. */
  async findToken(name: string): Promise<TokenInfo | undefined> {
    requireName(name, 'list', PATHS.tokens);
    const tokens = await this.listTokens();
    return tokens.find((t) => t.name === name);
  }

  /**
   * Mints a one-time registration token for an access token named `clientName`. Needs an
   * Administrator token. Safe to repeat: a duplicate registration token expires unused.
   */
  async mintRegisterToken(req: MintRegisterTokenRequest): Promise<MintedRegisterToken> {
    const ctx = this.#context('mint', PATHS.mintRegisterToken);
    if (!req || typeof req !== 'object') throw new MlpArgumentError('request', 'pass { clientName, accessTtl, refreshTtl?, role }', ctx);
    const nameIssue = nameProblem(req.clientName);
    if (nameIssue) throw new MlpArgumentError('clientName', nameIssue, ctx);
    const accessIssue = durationProblem(req.accessTtl);
    if (accessIssue) throw new MlpArgumentError('accessTtl', `accessTtl (the registration token's lifetime): ${accessIssue}`, ctx);
    if (req.refreshTtl !== undefined) {
      const refreshIssue = durationProblem(req.refreshTtl);
      if (refreshIssue) throw new MlpArgumentError('refreshTtl', `refreshTtl (the access token's lifetime): ${refreshIssue}`, ctx);
    }
    const role = roleSchema.safeParse(req.role);
    if (!role.success) throw new MlpArgumentError('role', role.error.issues[0]?.message ?? 'role must be "user" or "admin"', ctx);

    const body: Record<string, unknown> = {
      [FIELDS.clientName]: req.clientName,
      [FIELDS.accessTtl]: req.accessTtl,
      [FIELDS.tokenType]: roleToApi(role.data),
    };
    if (req.refreshTtl !== undefined) body[FIELDS.refreshTtl] = req.refreshTtl;
    const result = await this.#run({
      route: 'mint',
      path: PATHS.mintRegisterToken,
      auth: true,
      body,
      schema: mintResponseSchema,
      secretFields: [FIELDS.registerToken],
      tokenName: req.clientName,
    });
    const wire = result.data!;
    return {
      value: new Secret(wire.register_token),
      name: wire.client_name,
      role: roleFromApi(wire.token_type),
      accessTokenTtl: wire.refresh_ttl,
      expiresAt: new Date(wire.expires_at),
    };
  }

  /**
   * Redeems a registration token for the access token it describes. Sends no credentials, so it
   * works on a client without a token. NOT safe to repeat: when the answer is lost the error has
   * `outcomeUnknown === true`; reconcile by name (find the token, delete it, mint afresh).
   */
  async redeemRegisterToken(registerToken: string | Secret): Promise<IssuedAccessToken> {
    const ctx = this.#context('redeem', PATHS.redeemRegisterToken);
    if (!(registerToken instanceof Secret) && (typeof registerToken !== 'string' || registerToken.length === 0)) {
      throw new MlpArgumentError('registerToken', 'a registration token value is required', ctx);
    }
    const secret = Secret.from(registerToken);
    const result = await this.#run({
      route: 'redeem',
      path: PATHS.redeemRegisterToken,
      auth: false,
      body: { [FIELDS.registerToken]: secret.reveal() },
      schema: redeemResponseSchema,
      secretFields: [FIELDS.refreshToken],
    });
    const wire = result.data!;
    return { ...toTokenInfo(wire), value: new Secret(wire.refresh_token) };
  }

  /**
   * Deletes an access token by name. Needs an Administrator token. `true`: deleted by this call;
   * `false`: there was no such token. A 404 that follows an attempt whose answer was lost counts
   * as deleted (`true`): that attempt did it.
   */
  async deleteToken(name: string): Promise<boolean> {
    // The name becomes a path segment: "..", "." or a "/" would address another resource through a
    // normalising proxy. Every caller (the provider's deletes of names read from state too) passes here.
    requireName(name, 'delete', ROUTES.delete.path);
    const result = await this.#run({ route: 'delete', path: PATHS.tokenByName(name), auth: true, tolerate404: true, tokenName: name });
    if (result.status === 404) return result.earlierAttemptMayHaveApplied;
    return true;
  }

  /** The API's clock: the local clock plus the offset learned from the last response's `Date`. */
  serverNow(): Date {
    return new Date(this.#now() + this.#clockOffsetMs);
  }

  /** Forgets the bearer and closes the client's own connection pool (not a shared dispatcher). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#bearer = undefined;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  toJSON(): Record<string, unknown> {
    return { endpoint: this.#endpoint, hasToken: this.hasToken };
  }

  [inspect.custom](): string {
    return `MlpClient { endpoint: ${JSON.stringify(this.#endpoint)}, token: ${this.#token ? '[secret]' : 'none'} }`;
  }

  // ---- the call loop -------------------------------------------------------------------------

  async #run<T>(spec: CallSpec<T>): Promise<CallResult<T>> {
    const deadline = new Deadline(this.#requestTimeoutMs);
    try {
      return await this.#call(spec, deadline);
    } finally {
      deadline.dispose();
    }
  }

  async #call<T>(spec: CallSpec<T>, deadline: Deadline): Promise<CallResult<T>> {
    const ctx = this.#context(spec.route, spec.path);
    const changesState = CHANGES_STATE[spec.route];
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let attempts = 0;
    let retries = 0;
    let reauthenticated = false;
    let maybeApplied = false;

    for (;;) {
      if (this.#closed) throw new MlpClosedError(ctx);
      const bearer = spec.auth ? await this.#bearerFor(ctx, deadline) : undefined;
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#userAgent };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (bearer) headers.authorization = `Bearer ${bearer.reveal()}`;

      attempts++;
      const started = performance.now();
      let response: HttpResponse;
      try {
        response = await sendOnce(this.#dispatcher, {
          origin: this.#origin,
          path: this.#basePath + spec.path,
          method: ctx.method,
          headers,
          body,
          signal: deadline.signal,
          headersTimeoutMs: this.#headersTimeoutMs,
          bodyTimeoutMs: this.#bodyTimeoutMs,
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
        const error = errorForTransportFailure(ctx, failure, { attempts, outcomeUnknown: changesState && maybeApplied, cause: err }, this.#transportTarget);
        this.#log(`${ctx.operation}: ${ctx.method} ${ctx.path} failed: ${failure.errno ?? 'error'} (attempt ${attempts}, ${elapsed(started)})`);
        if (isRetryable(spec.route, outcome) && retries < this.#maxRetries) {
          retries++;
          await this.#wait(ctx, backoffDelay(retries - 1, this.#retryBaseDelayMs, this.#retryMaxDelayMs, this.#random), deadline, error);
          continue;
        }
        throw error;
      }

      const receivedAt = this.#now();
      this.#learnClock(response, receivedAt);
      this.#log(`${ctx.operation}: ${ctx.method} ${ctx.path} -> ${response.status} (attempt ${attempts}, ${elapsed(started)})`);

      if (response.status >= 200 && response.status < 300) {
        return { status: response.status, data: parseResponseBody(spec, ctx, response, attempts), earlierAttemptMayHaveApplied: maybeApplied };
      }
      if (response.status === 401 && bearer && !reauthenticated) {
        // The bearer went stale (expired early, revoked, server restarted): exchange once more.
        reauthenticated = true;
        this.#invalidateBearer(bearer);
        this.#log(`${ctx.operation}: bearer rejected (401); exchanging the token again`);
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
      const retryable = isRetryable(spec.route, outcome) && retries < this.#maxRetries;
      const error = errorForStatus({
        ctx,
        response,
        auth: spec.auth,
        tokenName: spec.tokenName,
        endpoint: this.#endpoint,
        attempts,
        outcomeUnknown: changesState && maybeApplied,
        retryAfterMs,
        retriesExhausted: !retryable && isRetryable(spec.route, outcome),
      });
      if (retryable) {
        retries++;
        const delay = retryAfterMs ?? backoffDelay(retries - 1, this.#retryBaseDelayMs, this.#retryMaxDelayMs, this.#random);
        await this.#wait(ctx, delay, deadline, error);
        continue;
      }
      throw error;
    }
  }

  /** Waits before a retry; throws `lastError` at once when the wait would pass the deadline. */
  async #wait(ctx: MlpCallContext, delayMs: number, deadline: Deadline, lastError: MlpError): Promise<void> {
    if (delayMs >= deadline.remainingMs()) {
      this.#log(`${ctx.operation}: not retrying: waiting ${delayMs} ms would pass the ${formatMs(deadline.timeoutMs)} deadline`);
      throw lastError;
    }
    this.#log(`${ctx.operation}: retrying in ${delayMs} ms after ${lastError.code}`);
    if (delayMs <= 0) return;
    await deadline.sleep(delayMs);
    if (deadline.expired) throw lastError;
  }

  // ---- the bearer ----------------------------------------------------------------------------

  /** A valid bearer: the cached one, the exchange in flight, or a new exchange (one at a time). */
  async #bearerFor(ctx: MlpCallContext, deadline: Deadline): Promise<Secret> {
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
      const exchange = this.#exchange().finally(() => {
        if (this.#exchanging === exchange) this.#exchanging = undefined;
      });
      this.#exchanging = exchange;
    }
    return deadline.race(this.#exchanging, () => errorForDeadline(ctx, deadline.timeoutMs, { attempts: 0, outcomeUnknown: false, cause: undefined }));
  }

  async #exchange(): Promise<Secret> {
    const token = this.#token!;
    const startedAt = this.#now();
    const result = await this.#run({
      route: 'exchange',
      path: PATHS.exchange,
      auth: false,
      body: { [FIELDS.refreshToken]: token.reveal() },
      schema: exchangeResponseSchema,
      secretFields: [FIELDS.accessToken],
    });
    const wire = result.data!;
    const value = new Secret(wire.access_token);
    const lifetimeMs = wire.expires_in * 1000;
    this.#bearer = { value, refreshAt: startedAt + lifetimeMs - bearerRefreshMargin(lifetimeMs) };
    this.#log(`exchanged the token for a bearer valid ${wire.expires_in}s`);
    return value;
  }

  #invalidateBearer(rejected: Secret): void {
    if (this.#bearer && this.#bearer.value === rejected) this.#bearer = undefined;
  }

  #learnClock(response: HttpResponse, receivedAt: number): void {
    const serverDate = serverDateOf(response);
    // `Date` has whole-second resolution; the answer was written during the second it names.
    if (serverDate !== undefined) this.#clockOffsetMs = serverDate + 500 - receivedAt;
  }

  #context(route: RouteName, path: string): MlpCallContext {
    return { operation: OPERATION_LABELS[route], route, method: ROUTES[route].method, path };
  }

  #log(line: string): void {
    if (!this.#logger) return;
    try {
      this.#logger(`[mlp] ${redact(line)}`);
    } catch {
      // A failing logger must not fail the call.
    }
  }
}

// ---- helpers -----------------------------------------------------------------------------------

/** Refuses, before any request, a name the name rule refuses (`..`, `.`, `a/b`, empty, too long). */
function requireName(name: string, route: RouteName, path: string): void {
  const problem = typeof name === 'string' ? nameProblem(name) : 'a token name is required';
  if (problem) {
    throw new MlpArgumentError('name', `${problem}; nothing was sent`, {
      operation: OPERATION_LABELS[route],
      route,
      method: ROUTES[route].method,
      path,
    });
  }
}

function toTokenInfo(wire: TokenInfoWire): TokenInfo {
  return {
    id: wire.id,
    name: wire.client_name,
    role: roleFromApi(wire.token_type),
    issuerName: wire.issuer_name,
    createdAt: new Date(wire.created_at),
    expiresAt: wire.exp === null ? null : new Date(wire.exp),
  };
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
