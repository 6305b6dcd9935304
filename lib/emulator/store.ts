/**
 * The emulator's token store: access tokens, registration tokens and bearers, with the API's rules
 * for them (unique names, lifetimes, one-time redeem, a bearer that dies with its token). Secrets
 * are kept as hashes (`secrets.ts`); what callers see of a record is in `views.ts`, and the state
 * file, whose schema defines the stored records, in `state-file.ts`. Every change calls `onChange`,
 * which is how a `--state` emulator saves after each one.
 */
import { randomUUID } from 'node:crypto';
import { MAX_DURATION_SECONDS } from '../contract/duration';
import type { ApiTokenType } from '../contract/routes';
import { nameProblem } from '../contract/validation';
import type { EmulatorClock } from './clock';
import { EmulatorError } from './errors';
import { findBySecret, newSecret, secretHash } from './secrets';
import type { PersistedState, StoredAccessToken, StoredBearer, StoredRegisterToken } from './state-file';
import type { RegisterTokenRecord, TokenRecord } from './records';
import { registerTokenRecord, representableMs, tokenRecord } from './views';

export interface NewAccessToken {
  readonly name: string;
  readonly tokenType: ApiTokenType;
  readonly issuerName: string;
  /** Seconds from now, or `null` for a token that never expires. */
  readonly lifetimeSeconds: number | null;
}

export interface NewRegisterToken {
  readonly name: string;
  readonly tokenType: ApiTokenType;
  readonly issuerName: string;
  readonly lifetimeSeconds: number;
  readonly refreshTtl: string | null;
  readonly refreshTtlSeconds: number | null;
}

export type ExchangeOutcome =
  { readonly kind: 'ok'; readonly value: string; readonly token: StoredAccessToken } | { readonly kind: 'forbidden' };
export type AuthOutcome =
  | { readonly kind: 'ok'; readonly token: StoredAccessToken }
  | { readonly kind: 'unauthorized'; readonly why: string }
  | { readonly kind: 'forbidden' };
export type RedeemOutcome =
  | { readonly kind: 'ok'; readonly value: string; readonly token: StoredAccessToken }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'conflict'; readonly name: string };

export class TokenStore {
  readonly #clock: EmulatorClock;
  readonly #onChange: () => void;
  /** Access tokens by id (what bearers point at), by name and by hash of their value. */
  readonly #tokens = new Map<string, StoredAccessToken>();
  readonly #tokensByName = new Map<string, StoredAccessToken>();
  readonly #tokensByHash = new Map<string, StoredAccessToken>();
  readonly #registerTokens = new Map<string, StoredRegisterToken>();
  readonly #bearers = new Map<string, StoredBearer>();
  /** The bootstrap admin token, kept so `reset()` can bring it back even after it was deleted. */
  #admin: StoredAccessToken | undefined;

  constructor(clock: EmulatorClock, onChange: () => void = () => undefined) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  // ---- access tokens ----

  addAccessToken(spec: NewAccessToken): { value: string; token: StoredAccessToken } {
    const problem = nameProblem(spec.name);
    if (problem) throw EmulatorError.validation('name', problem);
    if (this.#tokensByName.has(spec.name)) throw EmulatorError.conflict(spec.name);
    if (spec.lifetimeSeconds !== null && !(spec.lifetimeSeconds > 0)) {
      throw EmulatorError.validation('ttl', `${spec.lifetimeSeconds} is not a lifetime; it must be above zero seconds`);
    }
    const value = newSecret();
    const nowMs = this.#nowMs();
    const token: StoredAccessToken = {
      id: randomUUID(),
      name: spec.name,
      tokenType: spec.tokenType,
      issuerName: spec.issuerName,
      createdAtMs: nowMs,
      expMs: spec.lifetimeSeconds === null ? null : representableMs(nowMs + spec.lifetimeSeconds * 1000),
      hash: secretHash(value),
    };
    this.#putToken(token);
    this.#onChange();
    return { value, token };
  }

  tokenByName(name: string): StoredAccessToken | undefined {
    return this.#tokensByName.get(name);
  }

  /** All access tokens in creation order, expired ones included. */
  listTokens(): StoredAccessToken[] {
    return [...this.#tokens.values()];
  }

  /** Deletes by name; `false` when there is no such token. Bearers minted from it fail from now on. */
  deleteToken(name: string): boolean {
    const token = this.tokenByName(name);
    if (!token) return false;
    this.#dropToken(token);
    this.#onChange();
    return true;
  }

  isExpired(token: { readonly expMs: number | null }): boolean {
    return token.expMs !== null && token.expMs <= this.#nowMs();
  }

  // ---- bearers ----

  /** Trades an access token's value for a bearer; an unknown, deleted or expired token is refused. */
  exchange(secret: string, bearerTtlSeconds: number): ExchangeOutcome {
    const token = findBySecret(this.#tokensByHash, secret);
    if (!token || this.isExpired(token)) return { kind: 'forbidden' };
    this.#pruneBearers();
    const value = newSecret();
    const hash = secretHash(value);
    this.#bearers.set(hash, { tokenId: token.id, expMs: this.#nowMs() + bearerTtlSeconds * 1000, hash });
    this.#onChange();
    return { kind: 'ok', value, token };
  }

  /**
   * Resolves a bearer. Unknown or expired bearers are the client's to renew (401); a bearer whose
   * access token was deleted or has expired is refused outright (403), since renewing cannot help.
   */
  authenticate(bearer: string): AuthOutcome {
    const record = findBySecret(this.#bearers, bearer);
    if (!record) return { kind: 'unauthorized', why: 'the bearer token is not known; exchange the access token again' };
    if (record.expMs <= this.#nowMs())
      return { kind: 'unauthorized', why: 'the bearer token has expired; exchange the access token again' };
    const token = this.#tokens.get(record.tokenId);
    if (!token || this.isExpired(token)) return { kind: 'forbidden' };
    return { kind: 'ok', token };
  }

  // ---- registration tokens ----

  addRegisterToken(spec: NewRegisterToken): { value: string; record: StoredRegisterToken } {
    this.#pruneRegisterTokens();
    const value = newSecret();
    const nowMs = this.#nowMs();
    const record: StoredRegisterToken = {
      id: randomUUID(),
      name: spec.name,
      tokenType: spec.tokenType,
      issuerName: spec.issuerName,
      refreshTtl: spec.refreshTtl,
      refreshTtlSeconds: spec.refreshTtlSeconds,
      createdAtMs: nowMs,
      expMs: representableMs(nowMs + spec.lifetimeSeconds * 1000),
      hash: secretHash(value),
    };
    this.#registerTokens.set(record.hash, record);
    this.#onChange();
    return { value, record };
  }

  /**
   * One-time: creates the access token the registration token describes and forgets the
   * registration token. A name clash changes nothing, so the holder can redeem once it is resolved.
   */
  redeem(secret: string): RedeemOutcome {
    const record = findBySecret(this.#registerTokens, secret);
    if (!record || record.expMs <= this.#nowMs()) return { kind: 'forbidden' };
    if (this.#tokensByName.has(record.name)) return { kind: 'conflict', name: record.name };
    this.#registerTokens.delete(record.hash);
    // addAccessToken persists, which covers the removal above too.
    const created = this.addAccessToken({
      name: record.name,
      tokenType: record.tokenType,
      issuerName: record.issuerName,
      lifetimeSeconds: record.refreshTtlSeconds,
    });
    return { kind: 'ok', ...created };
  }

  // ---- the bootstrap admin, reset, views ----

  /**
   * Makes `value` the secret of the admin token named `name`: creates it, or (after a restart from a
   * state file) re-binds the existing token of that name to the value given now.
   */
  ensureAdmin(spec: { readonly value: string; readonly name: string; readonly issuerName: string }): StoredAccessToken {
    const problem = nameProblem(spec.name);
    if (problem) throw EmulatorError.validation('adminTokenName', problem);
    const hash = secretHash(spec.value);
    const holder = this.#tokensByHash.get(hash);
    const existing = this.tokenByName(spec.name);
    if (holder !== undefined && holder.id !== existing?.id) {
      throw EmulatorError.validation('adminToken', `the value is already the secret of another access token; pick another admin token`);
    }
    if (existing && existing.tokenType !== 'ADMIN') {
      throw EmulatorError.validation('adminTokenName', `"${spec.name}" is a USER token in the state file; pick another admin token name`);
    }
    const admin: StoredAccessToken = existing
      ? { ...existing, issuerName: spec.issuerName, expMs: null, hash }
      : {
          id: randomUUID(),
          name: spec.name,
          tokenType: 'ADMIN',
          issuerName: spec.issuerName,
          createdAtMs: this.#nowMs(),
          expMs: null,
          hash,
        };
    // Re-binding in place keeps the token's position in the listing.
    if (existing) this.#tokensByHash.delete(existing.hash);
    this.#putToken(admin);
    this.#admin = admin;
    this.#onChange();
    return admin;
  }

  /** Everything gone but the bootstrap admin token (same id, same value). */
  reset(): void {
    this.#clear();
    if (this.#admin) this.#putToken(this.#admin);
    this.#onChange();
  }

  tokenRecords(): TokenRecord[] {
    return this.listTokens().map((t) => tokenRecord(t, this.isExpired(t)));
  }

  registerTokenRecords(): RegisterTokenRecord[] {
    const nowMs = this.#nowMs();
    return [...this.#registerTokens.values()].filter((r) => r.expMs > nowMs).map(registerTokenRecord);
  }

  // ---- persistence ----

  toState(clockOffsetMs: number | undefined): PersistedState {
    this.#pruneBearers();
    this.#pruneRegisterTokens();
    return {
      version: 1,
      ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }),
      tokens: this.listTokens(),
      registerTokens: [...this.#registerTokens.values()],
      bearers: [...this.#bearers.values()],
    };
  }

  /**
   * Replaces the contents with a loaded state (does not fire `onChange`). Instants outside what the
   * API can show (a file written before durations were capped) are brought within it, so one such
   * record cannot make every later list fail.
   */
  loadState(state: PersistedState): void {
    this.#clear();
    for (const t of state.tokens) {
      this.#putToken({ ...t, createdAtMs: representableMs(t.createdAtMs), expMs: t.expMs === null ? null : representableMs(t.expMs) });
    }
    for (const r of state.registerTokens) {
      const refreshTtlSeconds = r.refreshTtlSeconds === null ? null : Math.min(r.refreshTtlSeconds, MAX_DURATION_SECONDS);
      this.#registerTokens.set(r.hash, {
        ...r,
        refreshTtlSeconds,
        createdAtMs: representableMs(r.createdAtMs),
        expMs: representableMs(r.expMs),
      });
    }
    for (const b of state.bearers) this.#bearers.set(b.hash, b);
  }

  // ---- internals ----

  #clear(): void {
    this.#tokens.clear();
    this.#tokensByName.clear();
    this.#tokensByHash.clear();
    this.#registerTokens.clear();
    this.#bearers.clear();
  }

  #nowMs(): number {
    return this.#clock.now().getTime();
  }

  #putToken(token: StoredAccessToken): void {
    this.#tokens.set(token.id, token);
    this.#tokensByName.set(token.name, token);
    this.#tokensByHash.set(token.hash, token);
  }

  #dropToken(token: StoredAccessToken): void {
    this.#tokens.delete(token.id);
    this.#tokensByName.delete(token.name);
    this.#tokensByHash.delete(token.hash);
  }

  #pruneBearers(): void {
    const nowMs = this.#nowMs();
    for (const [hash, b] of this.#bearers) if (b.expMs <= nowMs) this.#bearers.delete(hash);
  }

  #pruneRegisterTokens(): void {
    const nowMs = this.#nowMs();
    for (const [hash, r] of this.#registerTokens) if (r.expMs <= nowMs) this.#registerTokens.delete(hash);
  }
}
