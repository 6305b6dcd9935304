/**
 * The emulator's data: access tokens, registration tokens and bearers, their lifetimes, and the
 * state file they persist to. Secrets are random, shown once, and kept only as SHA-256 hashes; every
 * look-up hashes the presented value and finds the record by hash.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { MAX_DURATION_SECONDS } from '../client/duration';
import { API_TOKEN_TYPES, type ApiTokenType } from '../client/routes';
import { nameProblem, roleFromApi } from '../client/validation';
import type { EmulatorClock } from './clock';
import { EmulatorError } from './errors';
import type { RegisterTokenRecord, TokenRecord } from './records';

export type { RegisterTokenRecord, TokenRecord } from './records';

/** An access token as stored. */
export interface StoredAccessToken {
  readonly id: string;
  readonly name: string;
  readonly tokenType: ApiTokenType;
  readonly issuerName: string;
  readonly createdAtMs: number;
  readonly expMs: number | null;
  readonly hash: string;
}

interface StoredRegisterToken {
  readonly id: string;
  readonly name: string;
  readonly tokenType: ApiTokenType;
  readonly issuerName: string;
  readonly refreshTtl: string | null;
  readonly refreshTtlSeconds: number | null;
  readonly createdAtMs: number;
  readonly expMs: number;
  readonly hash: string;
}

interface StoredBearer {
  readonly tokenId: string;
  readonly expMs: number;
  readonly hash: string;
}

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

export type ExchangeOutcome = { readonly kind: 'ok'; readonly value: string; readonly token: StoredAccessToken } | { readonly kind: 'forbidden' };
export type AuthOutcome = { readonly kind: 'ok'; readonly token: StoredAccessToken } | { readonly kind: 'unauthorized'; readonly why: string } | { readonly kind: 'forbidden' };
export type RedeemOutcome =
  | { readonly kind: 'ok'; readonly value: string; readonly token: StoredAccessToken }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'conflict'; readonly name: string };

/**
 * The latest instant the API's timestamps can carry (ISO 8601 with a four-digit year, which the
 * client's schema requires). Every lifetime an input can ask for is capped well below it (100 years,
 * see `duration.ts`); what still lands beyond it (a state file written before that cap, a clock
 * advanced by centuries) is stored as this instant, so no record can make a later answer fail.
 */
export const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `ms` within what an ISO 8601 timestamp with a four-digit year can show (1970 .. 9999-12-31). */
export function representableMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.min(ms, LATEST_MS);
}

/** The ISO 8601 form of a stored instant; never throws. */
export function isoOf(ms: number): string {
  return new Date(representableMs(ms)).toISOString();
}

/** A fresh secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

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
      hash: hashOf(value).toString('hex'),
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
    const token = lookup(this.#tokensByHash, secret);
    if (!token || this.isExpired(token)) return { kind: 'forbidden' };
    this.#pruneBearers();
    const value = newSecret();
    const hash = hashOf(value).toString('hex');
    this.#bearers.set(hash, { tokenId: token.id, expMs: this.#nowMs() + bearerTtlSeconds * 1000, hash });
    this.#onChange();
    return { kind: 'ok', value, token };
  }

  /**
   * Resolves a bearer. Unknown or expired bearers are the client's to renew (401); a bearer whose
   * access token was deleted or has expired is refused outright (403), since renewing cannot help.
   */
  authenticate(bearer: string): AuthOutcome {
    const record = lookup(this.#bearers, bearer);
    if (!record) return { kind: 'unauthorized', why: 'the bearer token is not known; exchange the access token again' };
    if (record.expMs <= this.#nowMs()) return { kind: 'unauthorized', why: 'the bearer token has expired; exchange the access token again' };
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
      hash: hashOf(value).toString('hex'),
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
    const record = lookup(this.#registerTokens, secret);
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
    const hash = hashOf(spec.value).toString('hex');
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
      : { id: randomUUID(), name: spec.name, tokenType: 'ADMIN', issuerName: spec.issuerName, createdAtMs: this.#nowMs(), expMs: null, hash };
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
    return this.listTokens().map((t) => ({
      id: t.id,
      name: t.name,
      role: roleFromApi(t.tokenType),
      tokenType: t.tokenType,
      issuerName: t.issuerName,
      createdAt: isoOf(t.createdAtMs),
      expiresAt: t.expMs === null ? null : isoOf(t.expMs),
      expired: this.isExpired(t),
    }));
  }

  registerTokenRecords(): RegisterTokenRecord[] {
    const nowMs = this.#nowMs();
    return [...this.#registerTokens.values()]
      .filter((r) => r.expMs > nowMs)
      .map((r) => ({
        id: r.id,
        name: r.name,
        role: roleFromApi(r.tokenType),
        tokenType: r.tokenType,
        issuerName: r.issuerName,
        refreshTtl: r.refreshTtl,
        createdAt: isoOf(r.createdAtMs),
        expiresAt: isoOf(r.expMs),
      }));
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
      this.#registerTokens.set(r.hash, { ...r, refreshTtlSeconds, createdAtMs: representableMs(r.createdAtMs), expMs: representableMs(r.expMs) });
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

/**
 * Finds a record by the hash of a presented secret. The map key is a SHA-256 digest, so its timing
 * says nothing useful about the secret; the final comparison is constant-time anyway.
 */
function lookup<T extends { readonly hash: string }>(map: ReadonlyMap<string, T>, secret: string): T | undefined {
  const digest = hashOf(secret);
  const record = map.get(digest.toString('hex'));
  return record && timingSafeEqual(Buffer.from(record.hash, 'hex'), digest) ? record : undefined;
}

// ---- the state file ----

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);
const tokenTypeSchema = z.enum(API_TOKEN_TYPES);
const persistedStateSchema = z.object({
  version: z.literal(1),
  clockOffsetMs: z.number().finite().optional(),
  tokens: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      tokenType: tokenTypeSchema,
      issuerName: z.string(),
      createdAtMs: z.number(),
      expMs: z.number().nullable(),
      hash: hashSchema,
    }),
  ),
  registerTokens: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      tokenType: tokenTypeSchema,
      issuerName: z.string(),
      refreshTtl: z.string().nullable(),
      refreshTtlSeconds: z.number().nullable(),
      createdAtMs: z.number(),
      expMs: z.number(),
      hash: hashSchema,
    }),
  ),
  bearers: z.array(z.object({ tokenId: z.string(), expMs: z.number(), hash: hashSchema })),
});

/** What the state file holds: hashes and metadata only, never a secret. */
export type PersistedState = z.infer<typeof persistedStateSchema>;

/** Reads a state file; `undefined` when it does not exist yet. */
export function readStateFile(path: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw EmulatorError.state(path, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw EmulatorError.state(path, `it is not JSON (${(error as Error).message})`);
  }
  const parsed = persistedStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw EmulatorError.state(path, `${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Writes the state atomically: a temporary file beside the target, flushed, then renamed over it,
 * so a crash leaves either the old state or the new one, never half of one.
 */
export function writeStateFile(path: string, state: PersistedState): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the rename's error is the one worth reporting
    }
    throw error;
  }
}
