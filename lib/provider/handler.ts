/**
 * The contract every resource and data source fulfils. Each one is a single object that
 * `satisfies ResourceHandler` (or `DataSourceHandler`), so a missing lifecycle method is a compile
 * error, and the provider's RPC layer (`provider.ts`) does all decoding, encoding and error handling
 * around these methods: a handler sees plain values, returns plain values, reports through
 * `ctx.diagnostics`, and throws `DiagnosticError` to stop.
 */
import type { TokenInfo, IssuedAccessToken, MintedRegisterToken, MintRegisterTokenRequest } from '../client/types';
import type { Secret } from '../client/secret';
import type { Clock } from './clock';
import type { ObjectValue } from './codec';
import type { Diagnostic, Diagnostics } from './diagnostics';
import type { NameLedger } from './name-ledger';
import type { BlockSchema } from './schema';

/** The part of the MLP client the resources use (the real `MlpClient` fits it; tests pass fakes). */
export interface TokenApi {
  whoAmI(): Promise<TokenInfo>;
  listTokens(): Promise<TokenInfo[]>;
  findToken(name: string): Promise<TokenInfo | undefined>;
  mintRegisterToken(req: MintRegisterTokenRequest): Promise<MintedRegisterToken>;
  redeemRegisterToken(value: string | Secret): Promise<IssuedAccessToken>;
  deleteToken(name: string): Promise<boolean>;
}

/** How handlers reach the API. Each accessor throws a `DiagnosticError` when it cannot serve. */
export interface ApiAccess {
  /** Whether an admin (provider) token is configured (and known). */
  readonly hasToken: boolean;
  /** Whether every provider setting is known (false in a plan whose provider block waits on other resources). */
  readonly settingsKnown: boolean;
  /**
   * The client with the provider's token; `operation` names what it is for, in diagnostics, and
   * `needs` what role it takes (only for the message when no token is configured).
   */
  admin(operation: string, needs?: 'admin' | 'any'): TokenApi;
  /** A client without credentials (redeem). */
  anonymous(): TokenApi;
  /** A client that authenticates with `token` (a token reading itself). */
  as(token: string): TokenApi;
  /**
   * The project's tokens, listed once for every caller in a short window: a refresh of N tokens
   * in one provider process costs one list request.
   */
  listTokensShared(operation: string): Promise<TokenInfo[]>;
  /**
   * The project's tokens from a list request that starts after this call (never one already under
   * way, which may predate a token created since): what a delete checks its token against. Callers
   * who arrive while a list is under way share the next one, so concurrent deletes share lists.
   */
  listTokensStartedNow(operation: string): Promise<TokenInfo[]>;
  /**
   * The provider token's own description (who am I), asked once per provider process and shared by
   * every caller; a failed call is not remembered. Rejects with the client's error.
   */
  providerToken(operation: string): Promise<TokenInfo>;
  /**
   * The project's tokens as this process first listed them: one list per provider process, for the
   * plan-time checks of names (what this process changes since is the caller's to account for).
   */
  tokensOnce(operation: string): Promise<readonly TokenInfo[]>;
  /**
   * Forgets the shared list (after this process created a token), or, given the name of a token
   * this process deleted, only drops that token from it.
   */
  invalidateList(deleted?: string): void;
  /**
   * Makes sure the clock has heard the API's time: when no call has completed in this process yet
   * (e.g. `plan -refresh=false`), asks who-am-I once. Never fails; the local clock is the fallback.
   */
  syncClock(): Promise<void>;
  /** What this process learned about token names since its first list (see {@link tokensOnce}). */
  readonly names: NameLedger;
}

/** What every handler method gets. */
export interface HandlerContext {
  readonly clock: Clock;
  readonly api: ApiAccess;
  readonly diagnostics: Diagnostics;
  /** Debug log line to stderr (redacted; Terraform shows it at TF_LOG=debug). */
  log(line: string): void;
}

/** Static checks only: values may be unknown here, and there is no API access. */
export interface ValidateContext {
  readonly diagnostics: Diagnostics;
}

export interface PlanRequest {
  /** null on create. */
  readonly prior: ObjectValue | null;
  /** Terraform's proposal: config merged with prior computed values. Never null here (destroy plans do not reach handlers). */
  readonly proposed: ObjectValue;
  readonly config: ObjectValue;
}

export interface PlanResult {
  readonly planned: ObjectValue;
  /** Attribute names whose change forces replacement (only meaningful on update). */
  readonly requiresReplace: readonly string[];
  /**
   * An update that makes a new secret in place (a re-issued registration token): sealed like a
   * create, at plan (`value`/`sealed_value` unknown) and at apply.
   */
  readonly reissues?: boolean;
}

export interface ApplyRequest {
  /** null on create. */
  readonly prior: ObjectValue | null;
  readonly planned: ObjectValue;
  readonly config: ObjectValue;
}

export interface ResourceHandler {
  readonly typeName: string;
  /** Its attributes and their rules: the provider validates every configuration against it (`schema/validate.ts`). */
  readonly schema: BlockSchema;
  plan(req: PlanRequest, ctx: HandlerContext): Promise<PlanResult>;
  /** A plan that destroys `prior`: throws when the destroy could not be applied (e.g. the credentials cannot delete). */
  planDestroy(prior: ObjectValue, ctx: HandlerContext): Promise<void>;
  /** Returns the new state; may return a state together with an error diagnostic (partial create). */
  create(req: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue | null>;
  /** Returns the refreshed state, or null when the object is gone. */
  read(state: ObjectValue, ctx: HandlerContext): Promise<ObjectValue | null>;
  update(req: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue>;
  delete(prior: ObjectValue, ctx: HandlerContext): Promise<void>;
  /** The imported state (Terraform calls `read` on it next). */
  import(id: string, ctx: HandlerContext): Promise<ObjectValue>;
  /** Stored state of schema `version` (parsed JSON) in today's shape. */
  upgrade(version: number, stored: Record<string, unknown>, ctx: ValidateContext): ObjectValue;
}

export interface DataSourceHandler {
  readonly typeName: string;
  /** Its attributes and their rules: the provider validates every configuration against it (`schema/validate.ts`). */
  readonly schema: BlockSchema;
  read(config: ObjectValue, ctx: HandlerContext): Promise<ObjectValue>;
}

/** What an ephemeral resource's open hands back. */
export interface OpenResult {
  /** The values Terraform holds in memory for this run only (never in a plan or state). */
  readonly result: ObjectValue;
  /** What close needs (never a secret: Terraform may log it); Terraform keeps it until close. */
  readonly private: Buffer;
}

/**
 * An ephemeral resource (Terraform 1.10+): opened when a run needs its values, closed when it is done
 * with them, at plan and again at apply. Nothing of it is stored.
 */
export interface EphemeralResourceHandler {
  readonly typeName: string;
  /** Its attributes and their rules: the provider validates every configuration against it (`schema/validate.ts`). */
  readonly schema: BlockSchema;
  open(config: ObjectValue, ctx: HandlerContext): Promise<OpenResult>;
  /** The private data for the next renew or close; called only when open asked for a renewal. */
  renew(priv: Buffer | undefined, ctx: HandlerContext): Promise<Buffer | undefined>;
  close(priv: Buffer | undefined, ctx: HandlerContext): Promise<void>;
}

export type { Diagnostic };
