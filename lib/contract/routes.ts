/**
 * The one place that knows the MLP token API's HTTP paths and JSON field names.
 *
 * The real paths are not published (see `docs/api-contract.md`, "Not known"), so this module
 * *models* them. The client, the emulator and the contract tests all import it, so switching to the
 * real API once it is known touches this file (and `wire-schemas.ts`) only.
 */

/** Prefix every operation lives under, relative to the endpoint. */
export const API_PREFIX = '/v1_0';

/** Paths, relative to `<endpoint>` (they include {@link API_PREFIX}). */
export const PATHS = {
  exchange: `${API_PREFIX}/auth/refresh`,
  whoAmI: `${API_PREFIX}/auth/whoami`,
  tokens: `${API_PREFIX}/auth/tokens`,
  /** `DELETE` with the token's name appended (URL-encoded). */
  tokenByName: (name: string): string => `${API_PREFIX}/auth/tokens/${encodeURIComponent(name)}`,
  mintRegisterToken: `${API_PREFIX}/auth/register_tokens`,
  redeemRegisterToken: `${API_PREFIX}/auth/register_tokens/redeem`,
} as const;

/** A stable label per operation: used for counters, fault scripts, error messages and logs. */
export type RouteName = 'exchange' | 'whoami' | 'list' | 'mint' | 'redeem' | 'delete';
export const ROUTE_NAMES: readonly RouteName[] = ['exchange', 'whoami', 'list', 'mint', 'redeem', 'delete'];

/** Method and path template per operation (templates use `:name` for the variable part). */
export const ROUTES: Readonly<Record<RouteName, { readonly method: 'GET' | 'POST' | 'DELETE'; readonly path: string }>> = {
  exchange: { method: 'POST', path: PATHS.exchange },
  whoami: { method: 'GET', path: PATHS.whoAmI },
  list: { method: 'GET', path: PATHS.tokens },
  mint: { method: 'POST', path: PATHS.mintRegisterToken },
  redeem: { method: 'POST', path: PATHS.redeemRegisterToken },
  delete: { method: 'DELETE', path: `${PATHS.tokens}/:name` },
};

/** JSON field names, as they travel on the wire. */
export const FIELDS = {
  refreshToken: 'refresh_token',
  accessToken: 'access_token',
  expiresIn: 'expires_in',
  tokenType: 'token_type',
  id: 'id',
  clientName: 'client_name',
  issuerName: 'issuer_name',
  createdAt: 'created_at',
  exp: 'exp',
  tokens: 'tokens',
  registerToken: 'register_token',
  accessTtl: 'access_ttl',
  refreshTtl: 'refresh_ttl',
  expiresAt: 'expires_at',
  status: 'status',
  warnorCode: 'warnorCode',
  warnorParams: 'warnorParams',
  field: 'field',
} as const;

/** Token roles as the API spells them. */
export const API_TOKEN_TYPES = ['USER', 'ADMIN'] as const;
export type ApiTokenType = (typeof API_TOKEN_TYPES)[number];

/** Scopes each role carries. */
export const SCOPE_USE = 'ml-platform:Use';
export const SCOPE_MANAGE = 'ml-platform:Manage';
export const SCOPES_BY_TYPE: Readonly<Record<ApiTokenType, readonly string[]>> = {
  USER: [SCOPE_USE],
  ADMIN: [SCOPE_USE, SCOPE_MANAGE],
};

/** `warnorCode` values per HTTP status. */
export const ERROR_CODES = {
  400: 'ValidationException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  409: 'ConflictException',
  429: 'TooManyRequestsException',
  500: 'InternalServerException',
  502: 'BadGatewayException',
  503: 'ServiceUnavailableException',
  504: 'GatewayTimeoutException',
} as const;

/**
 * The two 403 bodies the product documentation shows, byte for byte. `missingScopes` renders the
 * scope list the way the seed does (a Python list repr).
 */
export const FORBIDDEN_BODIES = {
  missingScopes: (scopes: readonly string[]): string =>
    `{"status":403,"warnorCode":"ForbiddenException","warnorParams":{"field":"KtoTam token does not contain the following scopes: [${scopes
      .map((s) => `'${s}'`)
      .join(', ')}]"}}`,
  expired: '{"status":403,"warnorCode":"ForbiddenException","warnorParams":{"field":"Forbidden"}}',
} as const;

/** Parses the scope list out of a "missing scopes" 403 `field`; `undefined` when it is not one. */
export function parseMissingScopes(field: string): string[] | undefined {
  const match = /does not contain the following scopes: \[(.*)\]/.exec(field);
  if (!match) return undefined;
  return [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}
