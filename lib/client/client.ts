/**
 * The typed client of the MLP token API (the modeled contract v1 in `lib/contract/routes.ts` / `wire-schemas.ts`):
 * the operations, each a request shape, its checks before anything is sent, and the typed result.
 *
 * Every operation goes through one call loop (`call.ts`) that owns the retry rule of `retry.ts`,
 * the total deadline (`deadline.ts`) and the mapping of answers to typed errors (`error-mapping.ts`);
 * the bearer comes from the session (`session.ts`). Secrets (the configured token, bearers,
 * registration tokens) live in `#private` fields or `Secret`s and every message passes the redactor,
 * so nothing this module says or throws can leak one.
 */
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { CallLoop, callContext } from './call';
import { durationProblem } from '../contract/duration';
import { MlpArgumentError } from './errors';
import { createAgent } from './http';
import { resolveOptions, type MlpClientOptions } from './options';
import { FIELDS, PATHS, ROUTES, type RouteName } from '../contract/routes';
import { mintResponseSchema, redeemResponseSchema, tokenInfoSchema, tokenListSchema, type TokenInfoWire } from '../contract/wire-schemas';
import { Secret } from './secret';
import { BearerSession } from './session';
import { warnIfTlsVerificationDisabled } from './tls-warning';
import type { IssuedAccessToken, MintRegisterTokenRequest, MintedRegisterToken, TokenInfo } from './types';
import { roleSchema } from '../contract/rule-schemas';
import { nameProblem, roleFromApi, roleToApi } from '../contract/validation';

export type { MlpClientOptions } from './options';

/**
 * A typed client of the MLP token API (the modeled contract in `lib/contract/routes.ts`): who-am-I, list, mint,
 * redeem, delete. It exchanges its token for a short-lived bearer (cached, single-flight, renewed once
 * on a 401), retries what is safe to repeat (see `retry.ts`), checks every response with zod, and
 * returns token values as {@link Secret}s. Errors are `MlpError` subclasses whose messages say what
 * to do and never contain a secret.
 */
export class MlpClient {
  readonly #endpoint: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #now: () => number;
  readonly #session: BearerSession;
  readonly #calls: CallLoop;

  constructor(options: MlpClientOptions) {
    const settings = resolveOptions(options);
    this.#endpoint = settings.endpoint.href;
    this.#now = settings.now;
    this.#ownsDispatcher = settings.dispatcher === undefined;
    this.#dispatcher = settings.dispatcher ?? createAgent(settings.connectTimeoutMs);
    // The session exchanges through the loop and the loop asks the session for bearers: the session
    // reaches the loop only when it first exchanges, after both exist.
    this.#session = new BearerSession({
      token: settings.token,
      now: settings.now,
      log: settings.log,
      run: (spec) => this.#calls.run(spec),
    });
    this.#calls = new CallLoop(settings, this.#dispatcher, this.#session);
    warnIfTlsVerificationDisabled();
  }

  /** The endpoint calls go to (never contains a secret). */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** Whether a token was configured. */
  get hasToken(): boolean {
    return this.#session.hasToken;
  }

  /** The current token's metadata. Any role. */
  async whoAmI(): Promise<TokenInfo> {
    const result = await this.#calls.run({ route: 'whoami', path: PATHS.whoAmI, auth: true, schema: tokenInfoSchema });
    return toTokenInfo(result.data!);
  }

  /** Every access token of the project. Needs an Administrator token. */
  async listTokens(): Promise<TokenInfo[]> {
    const result = await this.#calls.run({ route: 'list', path: PATHS.tokens, auth: true, schema: tokenListSchema });
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
    const ctx = callContext('mint', PATHS.mintRegisterToken);
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
    const result = await this.#calls.run({
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
    const ctx = callContext('redeem', PATHS.redeemRegisterToken);
    if (!(registerToken instanceof Secret) && (typeof registerToken !== 'string' || registerToken.length === 0)) {
      throw new MlpArgumentError('registerToken', 'a registration token value is required', ctx);
    }
    const secret = Secret.from(registerToken);
    const result = await this.#calls.run({
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
    const result = await this.#calls.run({
      route: 'delete',
      path: PATHS.tokenByName(name),
      auth: true,
      tolerate404: true,
      tokenName: name,
    });
    if (result.status === 404) return result.earlierAttemptMayHaveApplied;
    return true;
  }

  /** The API's clock: the local clock plus the offset learned from the last response's `Date`. */
  serverNow(): Date {
    return new Date(this.#now() + this.#calls.clockOffsetMs);
  }

  /** Forgets the bearer and closes the client's own connection pool (not a shared dispatcher). */
  async close(): Promise<void> {
    if (this.#calls.closed) return;
    this.#calls.close();
    this.#session.forget();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  toJSON(): Record<string, unknown> {
    return { endpoint: this.#endpoint, hasToken: this.hasToken };
  }

  [inspect.custom](): string {
    return `MlpClient { endpoint: ${JSON.stringify(this.#endpoint)}, token: ${this.hasToken ? '[secret]' : 'none'} }`;
  }
}

/** Refuses, before any request, a name the name rule refuses (`..`, `.`, `a/b`, empty, too long). */
function requireName(name: string, route: RouteName, path: string): void {
  const problem = typeof name === 'string' ? nameProblem(name) : 'a token name is required';
  if (problem) {
    throw new MlpArgumentError('name', `${problem}; nothing was sent`, callContext(route, path));
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
