/**
 * The modeled MLP token API contract (see `docs/api-contract.md`): which route a request is,
 * and what each route answers. Pure with respect to HTTP: a handler takes the parsed request and
 * returns status, headers and body, so the server decides separately whether the answer is sent
 * (faults may drop it after the change was applied).
 *
 * Every path, field name and error code comes from `lib/contract/routes.ts`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { durationProblem, parseDuration } from '../contract/duration';
import {
  API_TOKEN_TYPES,
  ERROR_CODES,
  FIELDS,
  FORBIDDEN_BODIES,
  PATHS,
  ROUTE_NAMES,
  ROUTES,
  SCOPES_BY_TYPE,
  SCOPE_MANAGE,
  SCOPE_USE,
  type ApiTokenType,
  type RouteName,
} from '../contract/routes';
import type { ExchangeResponse, MintResponseWire, RedeemResponseWire } from '../contract/wire-schemas';
import { nameProblem } from '../contract/validation';
import type { StoredAccessToken } from './state-file';
import type { TokenStore } from './store';
import { isoOf, tokenInfoWire } from './views';

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON text, or absent for an empty body. */
  readonly body?: string;
}

export interface ApiRequest {
  readonly route: RouteName;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ContractContext {
  readonly store: TokenStore;
  readonly bearerTtlSeconds: number;
}

export type ErrorStatus = keyof typeof ERROR_CODES;

/** `{"status":…,"warnorCode":…,"warnorParams":{"field":…}}`, in the seeds' key order. */
export function errorBody(status: ErrorStatus, field: string): string {
  return JSON.stringify({
    [FIELDS.status]: status,
    [FIELDS.warnorCode]: ERROR_CODES[status],
    [FIELDS.warnorParams]: { [FIELDS.field]: field },
  });
}

export function errorResponse(status: ErrorStatus, field: string, headers?: Record<string, string>): ApiResponse {
  return { status, body: errorBody(status, field), ...(headers ? { headers } : {}) };
}

/** The answer to a path no route serves. */
export function notFound(method: string, pathname: string): ApiResponse {
  return errorResponse(404, `no route ${method} ${pathname}`);
}

// ---- routing ----

interface CompiledRoute {
  readonly name: RouteName;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

const COMPILED: readonly CompiledRoute[] = ROUTE_NAMES.map((name) => {
  const { method, path } = ROUTES[name];
  const params: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { name, method, pattern: new RegExp(`^${source}$`), params };
});

/** Finds the route for a method and path; params are URL-decoded. `undefined`: no such route. */
export function matchRoute(method: string, pathname: string): { route: RouteName; params: Record<string, string> } | undefined {
  for (const candidate of COMPILED) {
    if (candidate.method !== method) continue;
    const m = candidate.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      candidate.params.forEach((param, i) => (params[param] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return undefined; // a malformed escape names nothing that could exist
    }
    return { route: candidate.name, params };
  }
  return undefined;
}

// ---- handlers ----

type Handler = (req: ApiRequest, ctx: ContractContext) => ApiResponse;

const HANDLERS: Readonly<Record<RouteName, Handler>> = {
  exchange(req, ctx) {
    const body = jsonObject(req.body);
    if ('status' in body) return body;
    const secret = requiredString(body.value, FIELDS.refreshToken);
    if (typeof secret !== 'string') return secret;
    const outcome = ctx.store.exchange(secret, ctx.bearerTtlSeconds);
    if (outcome.kind === 'forbidden') return forbiddenExpired();
    const wire: ExchangeResponse = {
      [FIELDS.accessToken]: outcome.value,
      [FIELDS.expiresIn]: ctx.bearerTtlSeconds,
      [FIELDS.tokenType]: 'Bearer',
    };
    return json(200, wire);
  },

  whoami(req, ctx) {
    const auth = authorize(req, ctx, [SCOPE_USE]);
    if ('status' in auth) return auth;
    return json(200, tokenInfoWire(auth));
  },

  list(req, ctx) {
    const auth = authorize(req, ctx, [SCOPE_MANAGE]);
    if ('status' in auth) return auth;
    return json(200, { [FIELDS.tokens]: ctx.store.listTokens().map(tokenInfoWire) });
  },

  mint(req, ctx) {
    const auth = authorize(req, ctx, [SCOPE_MANAGE]);
    if ('status' in auth) return auth;
    const body = jsonObject(req.body);
    if ('status' in body) return body;

    const name = requiredString(body.value, FIELDS.clientName);
    if (typeof name !== 'string') return name;
    const nameIssue = nameProblem(name);
    if (nameIssue) return invalid(FIELDS.clientName, nameIssue);

    const accessTtl = requiredString(body.value, FIELDS.accessTtl);
    if (typeof accessTtl !== 'string') return accessTtl;
    const accessTtlIssue = durationProblem(accessTtl);
    if (accessTtlIssue) return invalid(FIELDS.accessTtl, accessTtlIssue);

    const rawRefreshTtl = body.value[FIELDS.refreshTtl];
    let refreshTtl: string | null = null;
    if (rawRefreshTtl !== undefined && rawRefreshTtl !== null) {
      if (typeof rawRefreshTtl !== 'string')
        return invalid(
          FIELDS.refreshTtl,
          `expected a duration string such as "2h", or leave it out for an access token that never expires`,
        );
      const refreshTtlIssue = durationProblem(rawRefreshTtl);
      if (refreshTtlIssue) return invalid(FIELDS.refreshTtl, refreshTtlIssue);
      refreshTtl = rawRefreshTtl;
    }

    const tokenType = body.value[FIELDS.tokenType];
    if (!API_TOKEN_TYPES.includes(tokenType as ApiTokenType)) {
      return invalid(
        FIELDS.tokenType,
        `${tokenType === undefined ? 'is required' : `${JSON.stringify(tokenType)} is not a token type`}; use "USER" or "ADMIN"`,
      );
    }

    if (ctx.store.tokenByName(name)) return conflict(name);
    const { value, record } = ctx.store.addRegisterToken({
      name,
      tokenType: tokenType as ApiTokenType,
      issuerName: auth.issuerName,
      lifetimeSeconds: parseDuration(accessTtl),
      refreshTtl,
      refreshTtlSeconds: refreshTtl === null ? null : parseDuration(refreshTtl),
    });
    const wire: MintResponseWire = {
      [FIELDS.registerToken]: value,
      [FIELDS.clientName]: record.name,
      [FIELDS.tokenType]: record.tokenType,
      [FIELDS.refreshTtl]: record.refreshTtl,
      [FIELDS.expiresAt]: isoOf(record.expMs),
    };
    return json(201, wire);
  },

  redeem(req, ctx) {
    const body = jsonObject(req.body);
    if ('status' in body) return body;
    const secret = requiredString(body.value, FIELDS.registerToken);
    if (typeof secret !== 'string') return secret;
    const outcome = ctx.store.redeem(secret);
    if (outcome.kind === 'forbidden') return forbiddenExpired();
    if (outcome.kind === 'conflict') return conflict(outcome.name);
    const wire: RedeemResponseWire = { [FIELDS.refreshToken]: outcome.value, ...tokenInfoWire(outcome.token) };
    return json(201, wire);
  },

  delete(req, ctx) {
    const auth = authorize(req, ctx, [SCOPE_MANAGE]);
    if ('status' in auth) return auth;
    const name = req.params.name ?? '';
    if (!ctx.store.deleteToken(name)) return errorResponse(404, `no access token named ${JSON.stringify(name)}`);
    return { status: 204 };
  },
};

/** Answers one request to a known route (faults are the server's business, not this module's). */
export function handleApi(req: ApiRequest, ctx: ContractContext): ApiResponse {
  return HANDLERS[req.route](req, ctx);
}

// ---- helpers ----

/** Resolves the bearer and checks the scopes; returns the caller's token or the refusal. */
function authorize(req: ApiRequest, ctx: ContractContext, scopes: readonly string[]): StoredAccessToken | ApiResponse {
  const header = req.headers.authorization;
  if (header === undefined) {
    return unauthorized(
      `the Authorization header is missing; send "Authorization: Bearer <access_token>" with a bearer from POST ${PATHS.exchange}`,
    );
  }
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m) return unauthorized('the Authorization header is not "Bearer <access_token>"');
  const outcome = ctx.store.authenticate(m[1]!);
  if (outcome.kind === 'unauthorized') return unauthorized(outcome.why);
  if (outcome.kind === 'forbidden') return forbiddenExpired();
  const carried = SCOPES_BY_TYPE[outcome.token.tokenType];
  const missing = scopes.filter((scope) => !carried.includes(scope));
  if (missing.length > 0) return { status: 403, body: FORBIDDEN_BODIES.missingScopes(missing) };
  return outcome.token;
}

/** The request body as a JSON object, or the 400 that says why it is not one. */
function jsonObject(raw: Buffer): { value: Record<string, unknown> } | ApiResponse {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return invalid(
      'body',
      raw.length === 0 ? 'the request has no body; send a JSON object' : 'the body is not valid JSON; send a JSON object',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('body', 'expected a JSON object');
  return { value: value as Record<string, unknown> };
}

function requiredString(body: Record<string, unknown>, field: string): string | ApiResponse {
  const value = body[field];
  if (value === undefined || value === null) return invalid(field, 'is required');
  if (typeof value !== 'string') return invalid(field, `expected a string, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}

function invalid(field: string, why: string): ApiResponse {
  return errorResponse(400, `${field}: ${why}`);
}

function unauthorized(why: string): ApiResponse {
  return errorResponse(401, why, { 'WWW-Authenticate': 'Bearer' });
}

function forbiddenExpired(): ApiResponse {
  return { status: 403, body: FORBIDDEN_BODIES.expired };
}

function conflict(name: string): ApiResponse {
  return errorResponse(409, `${FIELDS.clientName}: an access token named ${JSON.stringify(name)} already exists`);
}

export function json(status: number, value: unknown): ApiResponse {
  return { status, body: JSON.stringify(value) };
}
