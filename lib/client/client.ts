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
import { durationProblem } from './duration';
import {
  MlpApiError,
  type MlpApiErrorDetails,
  MlpArgumentError,
  type MlpCallContext,
  MlpClosedError,
  MlpConfigurationError,
  MlpConflictError,
  MlpError,
  MlpForbiddenError,
  MlpNetworkError,
  MlpNotFoundError,
  MlpProtocolError,
  MlpRateLimitError,
  MlpResponseTooLargeError,
  MlpRouteNotFoundError,
  MlpServerError,
  MlpTimeoutError,
  MlpUnauthorizedError,
  MlpValidationError,
  describeCall,
} from './errors';
import { MAX_RESPONSE_BYTES, classifyTransportError, createAgent, sendOnce, type HttpResponse } from './http';
import { redact, registerSecret } from './redact';
import { escapeControls, quoteValue } from './text';
import { warnIfTlsVerificationDisabled } from './tls-warning';
import { ENDPOINT_EXAMPLE } from './validation';
import { resolveOptions, type MlpClientOptions } from './options';
import { CHANGES_STATE, backoffDelay, isRetryable, mayHaveApplied, parseRetryAfter, type AttemptOutcome } from './retry';
import { ERROR_CODES, FIELDS, PATHS, ROUTES, SCOPE_MANAGE, parseMissingScopes, type RouteName } from './routes';
import {
  errorBodySchema,
  exchangeResponseSchema,
  mintResponseSchema,
  redeemResponseSchema,
  tokenInfoSchema,
  tokenListSchema,
  type TokenInfoWire,
} from './schemas';
import { Secret } from './secret';
import type { IssuedAccessToken, MintRegisterTokenRequest, MintedRegisterToken, TokenInfo } from './types';
import { roleSchema } from './rule-schemas';
import { nameProblem, roleFromApi, roleToApi } from './validation';

export { DEFAULTS, type MlpClientOptions } from './options';

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

/** One call's total time budget: an abort signal for the attempts and the time left for waits between them. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #startedAt: number;

  constructor(readonly timeoutMs: number) {
    this.#startedAt = performance.now();
    this.#timer = setTimeout(() => this.#controller.abort(), timeoutMs);
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

  dispose(): void {
    clearTimeout(this.#timer);
  }
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
          throw this.#deadlineError(ctx, deadline, attempts, changesState, err);
        }
        const failure = classifyTransportError(err);
        const outcome: AttemptOutcome = { kind: 'transport', sent: failure.sent, retryable: failure.retryable };
        if (changesState && mayHaveApplied(outcome)) maybeApplied = true;
        const error = this.#transportError(ctx, failure, attempts, changesState && maybeApplied, err);
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
        return { status: response.status, data: this.#parseBody(spec, ctx, response, attempts), earlierAttemptMayHaveApplied: maybeApplied };
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
      const error = this.#apiError(spec, ctx, response, attempts, changesState && maybeApplied, retryAfterMs, !retryable && isRetryable(spec.route, outcome));
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
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delayMs);
      deadline.signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        deadline.signal.removeEventListener('abort', done);
        resolve();
      }
    });
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
    const pending = this.#exchanging;
    return new Promise<Secret>((resolve, reject) => {
      const onAbort = (): void => reject(this.#deadlineError(ctx, deadline, 0, false, undefined));
      if (deadline.expired) return onAbort();
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (value) => {
          deadline.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          deadline.signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
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

  // ---- answers -------------------------------------------------------------------------------

  #parseBody<T>(spec: CallSpec<T>, ctx: MlpCallContext, response: HttpResponse, attempts: number): T | undefined {
    if (!spec.schema) return undefined;
    const unknownOutcome = CHANGES_STATE[spec.route];
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new MlpProtocolError(
        `${describeCall(ctx)}: the API answered ${response.status} with a body that is not JSON (${response.text.length} bytes)${outcomeAdvice(spec.route, unknownOutcome)}`,
        { context: ctx, attempts, fieldPath: '(body)', status: response.status, outcomeUnknown: unknownOutcome },
      );
    }
    if (json && typeof json === 'object') {
      for (const field of spec.secretFields ?? []) {
        const value = (json as Record<string, unknown>)[field];
        if (typeof value === 'string') registerSecret(value);
      }
    }
    const parsed = spec.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const fieldPath = formatPath(issue.path);
    throw new MlpProtocolError(
      `${describeCall(ctx)}: the API's answer does not match the expected contract at ${fieldPath}: ${issue.message}. ` +
        `The endpoint may not be an MLP API, or the API changed${outcomeAdvice(spec.route, unknownOutcome)}`,
      { context: ctx, attempts, fieldPath, status: response.status, outcomeUnknown: unknownOutcome },
    );
  }

  #apiError<T>(
    spec: CallSpec<T>,
    ctx: MlpCallContext,
    response: HttpResponse,
    attempts: number,
    outcomeUnknown: boolean,
    retryAfterMs: number | undefined,
    retriesExhausted: boolean,
  ): MlpApiError {
    const { status } = response;
    let warnorCode: string | undefined;
    let field: string | undefined;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(response.text));
      if (parsed.success) {
        warnorCode = shownApiText(parsed.data.warnorCode, 100);
        const f = parsed.data.warnorParams?.field;
        field = typeof f === 'string' ? shownApiText(f, FIELD_SHOWN_MAX) : undefined;
      }
    } catch {
      // Not the API's JSON (a proxy's HTML page, say): the status alone has to do.
    }
    const details: MlpApiErrorDetails = { context: ctx, status, warnorCode, field, attempts, outcomeUnknown };
    const call = describeCall(ctx);
    const said = field ? `: ${field}` : '';
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';

    switch (true) {
      case status === 400:
        return new MlpValidationError(`${call} was rejected as invalid (400${warnorCode ? ` ${warnorCode}` : ''})${said}. Fix the value and try again.`, details);
      case status === 401:
        return new MlpUnauthorizedError(
          spec.auth
            ? `${call} was rejected (401 Unauthorized) even with a freshly exchanged bearer. Check that the endpoint is the ML Platform API of the token's region and that the token is valid.`
            : `${call} was rejected (401 Unauthorized)${said}. Check that the endpoint is the ML Platform API of the token's region.`,
          details,
        );
      case status === 403: {
        const scopes = field === undefined ? undefined : parseMissingScopes(field);
        if (scopes && scopes.length > 0) {
          const message = scopes.includes(SCOPE_MANAGE)
            ? `${call} needs an Administrator token (role ADMIN, scope ${SCOPE_MANAGE}); the configured token is a User token. ` +
              `Use an Administrator token (one made in the VK Cloud console with the Administrator role, or redeemed from a registration token minted with role "admin").`
            : `${call} needs the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}, which the configured token does not carry. Use a token whose role grants ${scopes.length > 1 ? 'them' : 'it'}.`;
          return new MlpForbiddenError(message, { ...details, reason: 'missing-scope', missingScopes: scopes });
        }
        const fix =
          spec.route === 'redeem'
            ? 'A registration token works once and only until it expires: mint a new one and redeem that.'
            : 'The configured access token can no longer be used: create a new one (or redeem a fresh registration token) and configure it.';
        return new MlpForbiddenError(
          `${call} was refused (403 Forbidden): the token is expired, revoked, or the registration token was already used. ${fix}`,
          { ...details, reason: 'expired-or-revoked', missingScopes: [] },
        );
      }
      case status === 404:
        // Only a route that names a token, answered with the contract's own NotFoundException body,
        // is about a token; any other 404 says the endpoint does not serve this API at this path.
        if (spec.tokenName !== undefined && ROUTES[spec.route].path.includes(':') && isContractNotFound(response)) {
          return new MlpNotFoundError(`${call}: there is no access token named ${quoteValue(spec.tokenName)}${said}`, details);
        }
        return new MlpRouteNotFoundError(
          `${call}: ${this.#endpoint} does not serve the MLP token API at this path (404${warnorCode ? ` ${warnorCode}` : ', and the answer is not the API\'s error body'})${said}. ` +
            `Check the endpoint: it should be the ML Platform API base URL, e.g. ${ENDPOINT_EXAMPLE}.`,
          details,
        );
      case status === 409: {
        const name = spec.tokenName;
        const message =
          name !== undefined
            ? `${call}: an access token named ${JSON.stringify(name)} already exists; choose another name or delete it`
            : `${call}: an access token with the registration token's name already exists${said}; delete it (or choose another name) and mint a new registration token`;
        return new MlpConflictError(message, { ...details, tokenName: name });
      }
      case status === 429: {
        const wait = retryAfterMs !== undefined ? `; the API asked to wait ${formatMs(retryAfterMs)}` : '';
        return new MlpRateLimitError(
          `${call} was rate limited (429)${after}${wait}. Try again later${retriesExhausted ? ' or raise max_retries' : ''}.`,
          { ...details, retryAfterMs },
        );
      }
      case status >= 500:
        return new MlpServerError(
          `${call} failed with ${status}${warnorCode ? ` ${warnorCode}` : ''}${after}${said}. The API is having trouble; try again later.${outcomeAdvice(spec.route, outcomeUnknown)}`,
          details,
        );
      default:
        return new MlpApiError(`${call} failed with ${status}${warnorCode ? ` ${warnorCode}` : ''}${said}.`, details);
    }
  }

  #transportError(ctx: MlpCallContext, failure: ReturnType<typeof classifyTransportError>, attempts: number, outcomeUnknown: boolean, cause: unknown): MlpError {
    const call = describeCall(ctx);
    const after = attempts > 1 ? ` (${attempts} attempts)` : '';
    const advice = outcomeAdvice(ctx.route, outcomeUnknown);
    if (failure.timeout) {
      const timeoutMs =
        failure.timeout === 'headers' ? this.#headersTimeoutMs : failure.timeout === 'body' ? this.#bodyTimeoutMs : this.#connectTimeoutMs;
      const what = failure.timeout === 'connect' ? 'connecting to' : failure.timeout === 'headers' ? 'waiting for the answer of' : 'reading the answer of';
      return new MlpTimeoutError(`${call} timed out after ${formatMs(timeoutMs)} ${what} ${this.#origin}${after}.${advice}`, {
        context: ctx,
        attempts,
        outcomeUnknown,
        kind: failure.timeout,
        timeoutMs,
        cause,
      });
    }
    if (failure.kind === 'too-large') {
      const what =
        ctx.route === 'list'
          ? `. The project has more access tokens than one answer of that size holds (about 21,000), and the API has no paging the client could use: delete tokens that are no longer needed`
          : '; the endpoint may not be an MLP API';
      return new MlpResponseTooLargeError(
        `${call}: the answer from ${this.#origin} is larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB (${MAX_RESPONSE_BYTES} bytes), the most the client reads; it stopped reading there${what}.${advice}`,
        { context: ctx, attempts, outcomeUnknown, limitBytes: MAX_RESPONSE_BYTES, status: failure.status ?? 0, cause },
      );
    }
    if (failure.kind === 'not-tls') {
      return new MlpNetworkError(
        `${call} could not connect to ${this.#origin}: the server does not speak TLS (${failure.errno}), so the https:// in the endpoint is wrong for it. ` +
          `Check the scheme: a local emulator is http://127.0.0.1:PORT; the ML Platform API is https.`,
        { context: ctx, attempts, outcomeUnknown, errno: failure.errno, reason: 'not-tls', cause },
      );
    }
    const reason =
      failure.sent === 'no'
        ? `could not connect to ${this.#origin} (${failure.errno ?? 'connection failed'}); check the endpoint and the network`
        : `lost the connection to ${this.#origin} before the answer arrived (${failure.errno ?? 'connection closed'})`;
    return new MlpNetworkError(`${call} ${reason}${after}.${advice}`, {
      context: ctx,
      attempts,
      outcomeUnknown,
      errno: failure.errno,
      reason: failure.kind === 'tls' ? 'tls' : failure.sent === 'no' ? 'not-connected' : 'connection-lost',
      cause,
    });
  }

  #deadlineError(ctx: MlpCallContext, deadline: Deadline, attempts: number, outcomeUnknown: boolean, cause: unknown): MlpTimeoutError {
    return new MlpTimeoutError(
      `${describeCall(ctx)} timed out after ${formatMs(deadline.timeoutMs)}${attempts > 1 ? ` (${attempts} attempts)` : ''}.${outcomeAdvice(ctx.route, outcomeUnknown)}`,
      { context: ctx, attempts, outcomeUnknown, kind: 'deadline', timeoutMs: deadline.timeoutMs, cause },
    );
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

/** How much of the API's `field` a message shows. */
const FIELD_SHOWN_MAX = 500;

/** API text as a message may show it: secrets redacted, control characters escaped, cut after `max` characters. */
function shownApiText(text: string, max: number): string {
  const clean = escapeControls(redact(text));
  return clean.length <= max ? clean : `${clean.slice(0, max)}…(${clean.length} chars)`;
}

/** A 404 in the contract's own words: `{"status":404,"warnorCode":"NotFoundException",...}`. */
function isContractNotFound(response: HttpResponse): boolean {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(response.text));
    return parsed.success && parsed.data.status === 404 && parsed.data.warnorCode === ERROR_CODES[404];
  } catch {
    return false;
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

/** `tokens[0].exp` from zod's `['tokens', 0, 'exp']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** `30s`, `1.5s`, `250ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(1)}s`;
}

function elapsed(startedAt: number): string {
  return `${Math.round(performance.now() - startedAt)} ms`;
}

function outcomeAdvice(route: RouteName, outcomeUnknown: boolean): string {
  if (!outcomeUnknown) return '';
  switch (route) {
    case 'redeem':
      return ' The outcome is unknown: the registration token may have been used and the access token created, with a value nobody received. Look the token up by name (findToken); if it exists, delete it and redeem a freshly minted registration token.';
    case 'delete':
      return ' The outcome is unknown: the token may have been deleted. List the tokens to check.';
    case 'mint':
      return ' The outcome is unknown: a registration token may have been minted; it expires unused, so minting again is safe.';
    default:
      return ' The outcome is unknown.';
  }
}
