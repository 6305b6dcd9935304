/**
 * The provider's way to the MLP API: clients built lazily from the provider settings (the client
 * module, with undici and zod, is loaded on the first call that needs it, not at start-up), and the
 * shared token list that lets one refresh of many tokens cost one request.
 */
import type { MlpClient } from '../client/client';
import type { TokenInfo } from '../client/types';
import type { ServerTimeSource } from './clock';
import type { ProviderSettings } from './config';
import { MlpForbiddenError } from '../client/errors';
import { DiagnosticError, diag } from './diagnostics';
import type { ApiAccess, TokenApi } from './handler';
import { log } from './log';
import { type NameLedger, newNameLedger } from './name-ledger';

/** How long a settled list is reused: long enough for one refresh walk, short enough to see changes. */
export const SHARED_LIST_TTL_MS = 2_000;

/** Builds a client; `close`, when present, releases what the clients share (called by {@link ProviderApi.close}). */
type ClientFactory = ((options: ConstructorParameters<typeof MlpClient>[0]) => MlpClient) & { close?: () => Promise<void> };

/**
 * Clients that share one keep-alive connection pool, whatever token each one uses (the admin
 * client, the anonymous one for redeems, a token reading itself): a provider process keeps one pool
 * to the API, not one per client.
 */
function pooledClients(): ClientFactory {
  let agent: import('undici').Dispatcher | undefined;
  const create = (options: ConstructorParameters<typeof MlpClient>[0]): MlpClient => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the client (undici, zod) loads on the first API call, not before the handshake
    const { MlpClient: Client } = require('../client/client') as typeof import('../client/client');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- undici's agent, on the first API call too
    agent ??= (require('../client/http') as typeof import('../client/http')).createAgent();
    return new Client({ ...options, dispatcher: agent });
  };
  return Object.assign(create, { close: async (): Promise<void> => void (await agent?.close()) });
}

/**
 * One list, tried once more after a 500. The client does not repeat a 500 (for a call that changes
 * state it may mean "applied"); a list changes nothing, and one shared list answers every token's
 * refresh, so a single 500 would otherwise fail the refresh of all of them.
 */
async function listWithOneMoreTry(client: TokenApi): Promise<TokenInfo[]> {
  try {
    return await client.listTokens();
  } catch (err) {
    if (!(err instanceof Error && (err as { code?: unknown }).code === 'server-error')) throw err;
    log('debug', 'list tokens: retrying in 0 ms after server-error (once: a list is safe to repeat)');
    return client.listTokens();
  }
}

/**
 * The first call's promise, handed to every later caller until it rejects: a failed answer is not
 * remembered, so the next caller starts again.
 */
function onceUnlessRejected<T>(): (start: () => T | Promise<T>) => Promise<T> {
  let remembered: Promise<T> | undefined;
  return (start) => {
    if (remembered) return remembered;
    const entry = Promise.resolve().then(start);
    entry.catch(() => {
      if (remembered === entry) remembered = undefined;
    });
    remembered = entry;
    return entry;
  };
}

export class ProviderApi implements ApiAccess {
  #admin: MlpClient | undefined;
  #anonymous: MlpClient | undefined;
  readonly #byToken = new Map<string, MlpClient>();
  #heardLast: MlpClient | undefined;
  #syncing: Promise<void> | undefined;
  #sharedList: { promise: Promise<TokenInfo[]>; settledAt: number | undefined } | undefined;
  /** The list under way for {@link listTokensStartedNow}, and the one queued behind it. */
  #freshList: Promise<TokenInfo[]> | undefined;
  #nextFreshList: Promise<TokenInfo[]> | undefined;
  readonly #whoAmI = onceUnlessRejected<TokenInfo>();
  readonly #firstList = onceUnlessRejected<readonly TokenInfo[]>();
  readonly names: NameLedger = newNameLedger();

  // `#private`: the settings hold the provider's token, which must not show in util.inspect or
  // JSON.stringify of this object (a test failure print, a debugger, a logger).
  readonly #settings: ProviderSettings;
  readonly #factory: ClientFactory;
  /** Monotonic milliseconds, for the shared list's lifetime only (not a time decision). */
  readonly #monotonicMs: () => number;

  constructor(settings: ProviderSettings, factory: ClientFactory = pooledClients(), monotonicMs: () => number = () => performance.now()) {
    this.#settings = settings;
    this.#factory = factory;
    this.#monotonicMs = monotonicMs;
  }

  get hasToken(): boolean {
    return this.#settings.token !== undefined && !this.#settings.unknown.includes('token');
  }

  get settingsKnown(): boolean {
    return this.#settings.unknown.length === 0;
  }

  admin(operation: string, needs: 'admin' | 'any' = 'admin'): TokenApi {
    if (this.#settings.unknown.length > 0) throw new DiagnosticError(diag.providerConfigUnknown(operation));
    if (!this.#settings.token)
      throw new DiagnosticError(needs === 'admin' ? diag.missingAdminToken(operation) : diag.missingToken(operation));
    this.#admin ??= this.#create(this.#settings.token);
    return this.#use(this.#admin);
  }

  anonymous(): TokenApi {
    if (this.#settings.unknown.includes('endpoint')) throw new DiagnosticError(diag.providerConfigUnknown('redeem a registration token'));
    this.#anonymous ??= this.#create(undefined);
    return this.#use(this.#anonymous);
  }

  as(token: string): TokenApi {
    if (this.#settings.unknown.includes('endpoint')) throw new DiagnosticError(diag.providerConfigUnknown('read a token'));
    let client = this.#byToken.get(token);
    if (!client) {
      client = this.#create(token);
      this.#byToken.set(token, client);
    }
    return this.#use(client);
  }

  listTokensShared(operation: string): Promise<TokenInfo[]> {
    const shared = this.#sharedList;
    if (shared && (shared.settledAt === undefined || this.#monotonicMs() - shared.settledAt < SHARED_LIST_TTL_MS)) return shared.promise;
    const client = this.admin(operation);
    const entry: { promise: Promise<TokenInfo[]>; settledAt: number | undefined } = {
      promise: listWithOneMoreTry(client),
      settledAt: undefined,
    };
    entry.promise.then(
      () => (entry.settledAt = this.#monotonicMs()),
      (err: unknown) => {
        // A failed list is not shared beyond the callers already waiting on it, but a User token's
        // refusal is for good: remembered, so a refresh of N tokens does not ask N times.
        if (err instanceof MlpForbiddenError && err.reason === 'missing-scope') {
          entry.settledAt = Number.POSITIVE_INFINITY; // now - Infinity is below any lifetime: reused for good
          return;
        }
        if (this.#sharedList === entry) this.#sharedList = undefined;
      },
    );
    this.#sharedList = entry;
    return entry.promise;
  }

  listTokensStartedNow(operation: string): Promise<TokenInfo[]> {
    // A list already under way may have been answered before a token created since: not for us.
    // Everyone who arrives while one is under way shares the next, which starts when it ends.
    if (this.#nextFreshList) return this.#nextFreshList;
    const current = this.#freshList;
    if (current === undefined) return this.#startFreshList(operation);
    const next = current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.#nextFreshList = undefined;
        return this.#startFreshList(operation);
      });
    this.#nextFreshList = next;
    return next;
  }

  #startFreshList(operation: string): Promise<TokenInfo[]> {
    const list = listWithOneMoreTry(this.admin(operation));
    this.#freshList = list;
    const done = (): void => {
      if (this.#freshList === list) this.#freshList = undefined;
    };
    list.then(done, done);
    return list;
  }

  providerToken(operation: string): Promise<TokenInfo> {
    // A failed who-am-I is not remembered: the next caller asks again.
    return this.#whoAmI(() => this.admin(operation, 'any').whoAmI());
  }

  tokensOnce(operation: string): Promise<readonly TokenInfo[]> {
    return this.#firstList(() => this.listTokensShared(operation));
  }

  async syncClock(): Promise<void> {
    if (this.#heardLast || !this.hasToken || this.#settings.unknown.length > 0) return;
    this.#syncing ??= this.providerToken("read the API's time").then(
      () => undefined,
      () => undefined,
    );
    await this.#syncing;
  }

  /**
   * Forgets the shared list (after a change this process made). After a delete, only that name is
   * dropped from it: the rest still holds, and a destroy of N tokens then costs about one list per
   * {@link SHARED_LIST_TTL_MS}-window instead of one per token (each list carries all N).
   */
  invalidateList(deleted?: string): void {
    const shared = this.#sharedList;
    if (deleted === undefined || !shared) {
      this.#sharedList = undefined;
      return;
    }
    // The same entry, so the settle and failure handlers of listTokensShared still apply to it.
    shared.promise = shared.promise.then((tokens) => tokens.filter((t) => t.name !== deleted));
    shared.promise.catch(() => undefined);
  }

  /**
   * The client that heard from the API last (its `Date` header is the freshest); `undefined` until
   * some call completed, and the clock then uses the local time.
   */
  timeSource(): ServerTimeSource | undefined {
    return this.#heardLast;
  }

  async close(): Promise<void> {
    const clients = [this.#admin, this.#anonymous, ...this.#byToken.values()].filter((c): c is MlpClient => c !== undefined);
    await Promise.allSettled(clients.map((c) => c.close()));
    await this.#factory.close?.().catch(() => undefined);
  }

  #create(token: string | undefined): MlpClient {
    return this.#factory({
      endpoint: this.#settings.endpoint,
      token,
      requestTimeoutMs: this.#settings.requestTimeoutMs,
      maxRetries: this.#settings.maxRetries,
      logger: (line) => log('debug', line),
    });
  }

  /** The client's token operations, noting which client completed a call last (see {@link timeSource}). */
  #use(client: MlpClient): TokenApi {
    const note = <T>(p: Promise<T>): Promise<T> => {
      const heard = (): void => {
        this.#heardLast = client;
      };
      p.then(heard, heard);
      return p;
    };
    return {
      whoAmI: () => note(client.whoAmI()),
      listTokens: () => note(client.listTokens()),
      findToken: (name) => note(client.findToken(name)),
      mintRegisterToken: (req) => note(client.mintRegisterToken(req)),
      redeemRegisterToken: (value) => note(client.redeemRegisterToken(value)),
      deleteToken: (name) => note(client.deleteToken(name)),
    };
  }
}
