/** In-memory stand-ins for the MLP API, for handler tests that run without HTTP. */
import { MlpConflictError, MlpForbiddenError, MlpNetworkError } from '../../lib/client/errors';
import { Secret } from '../../lib/client/secret';
import type { IssuedAccessToken, MintRegisterTokenRequest, MintedRegisterToken, TokenInfo } from '../../lib/client/types';
import { parseDuration } from '../../lib/contract/duration';
import type { Clock } from '../../lib/provider/clock';
import { type ObjectValue, type Value, encodeDynamic } from '../../lib/provider/codec';
import { providerSchema } from '../../lib/provider/config';
import { type Diagnostic, DiagnosticError, Diagnostics, diag } from '../../lib/provider/diagnostics';
import type { ApiAccess, HandlerContext, TokenApi } from '../../lib/provider/handler';
import { newNameLedger } from '../../lib/provider/name-ledger';
import type { Provider } from '../../lib/provider/provider';
import { type BlockSchema, objectTypeOf, validateConfig } from '../../lib/provider/schema';

type Route = 'whoami' | 'list' | 'mint' | 'redeem' | 'delete';

let counter = 0;
const secret = (kind: string): string => `${kind}-${(++counter).toString().padStart(4, '0')}-${'s'.repeat(32)}`;

/** A tiny MLP API: tokens by name, registration tokens by value, call counters, scripted lost answers. */
/** Who the fake's 'admin' credential is. */
export const ADMIN_INFO: TokenInfo = {
  id: 'admin-id',
  name: 'provider-admin',
  role: 'admin',
  issuerName: 'admin@example.ru',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: null,
};

export class FakeMlp {
  readonly tokens = new Map<string, TokenInfo & { value: string }>();
  readonly registerTokens = new Map<string, { name: string; role: 'user' | 'admin'; refreshTtl?: string; expiresAt: Date }>();
  readonly calls: Record<Route, number> = { whoami: 0, list: 0, mint: 0, redeem: 0, delete: 0 };
  /** Redeems that apply but whose answer is "lost" (the next N). */
  loseRedeems = 0;
  /** Lists (list and find) that fail with a lost connection (the next N). */
  failLists = 0;

  constructor(readonly clock: Clock) {}

  /** A client authenticated with `token` (undefined: none). */
  client(token?: string): TokenApi {
    return {
      whoAmI: async () => {
        this.calls.whoami++;
        // The provider's own credential ('admin') is not one of the project tokens the tests count.
        if (token === 'admin') return ADMIN_INFO;
        const t = [...this.tokens.values()].find((x) => x.value === token);
        if (!t || (t.expiresAt && t.expiresAt <= this.clock.now())) throw forbidden('exchange');
        return info(t);
      },
      listTokens: async () => {
        this.calls.list++;
        return [...this.tokens.values()].map(info);
      },
      findToken: async (name) => {
        this.calls.list++;
        if (this.failLists > 0) {
          this.failLists--;
          throw new MlpNetworkError('list tokens (GET /v1_0/auth/tokens) lost the connection', {
            context: { operation: 'list tokens', route: 'list', method: 'GET', path: '/v1_0/auth/tokens' },
            outcomeUnknown: false,
          });
        }
        const t = this.tokens.get(name);
        return t ? info(t) : undefined;
      },
      mintRegisterToken: async (req: MintRegisterTokenRequest): Promise<MintedRegisterToken> => {
        this.calls.mint++;
        if (this.tokens.has(req.clientName))
          throw new MlpConflictError('exists', { context: ctx('mint'), status: 409, tokenName: req.clientName });
        const value = secret('reg');
        const expiresAt = new Date(this.clock.now().getTime() + parseDuration(req.accessTtl) * 1000);
        this.registerTokens.set(value, { name: req.clientName, role: req.role, refreshTtl: req.refreshTtl, expiresAt });
        return { value: new Secret(value), name: req.clientName, role: req.role, accessTokenTtl: req.refreshTtl ?? null, expiresAt };
      },
      redeemRegisterToken: async (value): Promise<IssuedAccessToken> => {
        this.calls.redeem++;
        const v = typeof value === 'string' ? value : value.reveal();
        const reg = this.registerTokens.get(v);
        if (!reg || reg.expiresAt <= this.clock.now()) throw forbidden('redeem');
        this.registerTokens.delete(v);
        const now = this.clock.now();
        const token = {
          id: `id-${++counter}`,
          name: reg.name,
          role: reg.role,
          issuerName: 'admin@example.ru',
          createdAt: now,
          expiresAt: reg.refreshTtl ? new Date(now.getTime() + parseDuration(reg.refreshTtl) * 1000) : null,
          value: secret('tok'),
        };
        this.tokens.set(token.name, token);
        if (this.loseRedeems > 0) {
          this.loseRedeems--;
          throw new MlpNetworkError('lost', { context: ctx('redeem'), outcomeUnknown: true });
        }
        return { ...info(token), value: new Secret(token.value) };
      },
      deleteToken: async (name) => {
        this.calls.delete++;
        return this.tokens.delete(name);
      },
    };
  }
}

function info(t: TokenInfo): TokenInfo {
  return { id: t.id, name: t.name, role: t.role, issuerName: t.issuerName, createdAt: t.createdAt, expiresAt: t.expiresAt };
}

function ctx(route: 'exchange' | 'mint' | 'redeem') {
  return { operation: route, route, method: 'POST' as const, path: `/v1_0/${route}` };
}

function forbidden(route: 'exchange' | 'redeem'): MlpForbiddenError {
  return new MlpForbiddenError('refused', { context: ctx(route), status: 403, reason: 'expired-or-revoked', missingScopes: [] });
}

/** ApiAccess over a FakeMlp: `hasToken` decides whether an admin client exists; `role` is what who-am-I says of it. */
export function fakeAccess(api: FakeMlp, hasToken = true, role: 'admin' | 'user' = 'admin'): ApiAccess {
  const admin = api.client('admin');
  return {
    hasToken,
    settingsKnown: true,
    providerToken: async () => ({ ...(await admin.whoAmI()), role }),
    tokensOnce: () => admin.listTokens(),
    admin: (operation) => {
      if (!hasToken) throw new DiagnosticError(diag.missingAdminToken(operation));
      return admin;
    },
    anonymous: () => api.client(),
    as: (token) => api.client(token),
    listTokensShared: () => admin.listTokens(),
    listTokensStartedNow: () => admin.listTokens(),
    invalidateList: () => undefined,
    syncClock: async () => undefined,
    names: newNameLedger(),
  };
}

export function context(clock: Clock, api: FakeMlp, hasToken = true, role: 'admin' | 'user' = 'admin'): HandlerContext {
  return { clock, api: fakeAccess(api, hasToken, role), diagnostics: new Diagnostics(), log: () => undefined };
}

/**
 * Sends ConfigureProvider to an in-process provider as Terraform does: every provider attribute
 * present, null unless `settings` gives it.
 */
export function configureInProcess(provider: Provider, settings: Readonly<Record<string, Value>>): void {
  const config = objectOf(providerSchema, settings);
  provider.configureProvider({ terraform_version: '1.11.4', config: encodeDynamic(config, objectTypeOf(providerSchema)) });
}

/** An object of `schema` as Terraform sends it: every attribute present, null unless `values` gives it. */
export function objectOf(schema: BlockSchema, values: Readonly<Record<string, Value>> = {}): ObjectValue {
  return { ...Object.fromEntries(Object.keys(schema.attributes).map((k) => [k, null])), ...values };
}

/** What ValidateResourceConfig reports for `config` of `schema`. */
export function validationOf(schema: BlockSchema, config: ObjectValue): readonly Diagnostic[] {
  const diagnostics = new Diagnostics();
  validateConfig(schema, config, diagnostics);
  return diagnostics.items;
}
