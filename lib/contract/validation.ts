/**
 * Input rules every layer applies the same way: token names, name prefixes and roles. No I/O, so
 * the constructs can import it at synth time without pulling in the HTTP client, and no zod, so the
 * provider starts without it (nor in the types: the public `.d.ts` files must not reach zod's): the
 * zod schemas live in `rule-schemas.ts`.
 */
import type { ApiTokenType } from './routes';
import { quoteValue } from './text';

/** The longest access token name the modeled API accepts. */
export const NAME_MAX_LENGTH = 64;
/** Characters the provider appends to a `name_prefix` to make a unique name. */
export const NAME_PREFIX_SUFFIX_LENGTH = 12;
/** The longest `name_prefix` that still leaves room for the unique suffix. */
export const NAME_PREFIX_MAX_LENGTH = NAME_MAX_LENGTH - NAME_PREFIX_SUFFIX_LENGTH;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_RULE = 'letters, digits, ".", "_" and "-", starting with a letter or digit';

/** Why a token name is not acceptable; `undefined` when it is. */
export function nameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a token name cannot be empty';
  if (name.length > NAME_MAX_LENGTH)
    return `${quoteValue(name)} is ${name.length} characters long; a token name has at most ${NAME_MAX_LENGTH}`;
  if (!NAME_PATTERN.test(name)) return `${quoteValue(name)} is not a valid token name: use ${NAME_RULE}`;
  return undefined;
}

/** Why a name prefix is not acceptable; `undefined` when it is. */
export function namePrefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string' || prefix.length === 0) return 'a name prefix cannot be empty';
  if (prefix.length > NAME_PREFIX_MAX_LENGTH) {
    return `${quoteValue(prefix)} is ${prefix.length} characters long; a name prefix has at most ${NAME_PREFIX_MAX_LENGTH} (${NAME_PREFIX_SUFFIX_LENGTH} more are appended to make the name unique)`;
  }
  if (!NAME_PATTERN.test(prefix)) return `${quoteValue(prefix)} is not a valid name prefix: use ${NAME_RULE}`;
  return undefined;
}

export type TokenRole = 'user' | 'admin';

/** User-facing role to the API's `token_type`, and back. */
export function roleToApi(role: TokenRole): ApiTokenType {
  return role === 'admin' ? 'ADMIN' : 'USER';
}
export function roleFromApi(type: ApiTokenType): TokenRole {
  return type === 'ADMIN' ? 'admin' : 'user';
}

/** The largest `max_retries` / `maxRetries` the provider and the constructs accept. */
export const MAX_RETRIES_LIMIT = 20;

/** An opaque run this long with no URL punctuation is probably a token pasted into the wrong place. */
const TOKEN_LOOKALIKE = /[A-Za-z0-9_-]{24,}/;

/**
 * How an endpoint value may appear in a message: quoted as given, unless it looks like a token (for
 * example when MLP_ENDPOINT and MLP_TOKEN were swapped), which is never echoed.
 */
export function showEndpoint(endpoint: string): string {
  const text = String(endpoint);
  if (!text.includes('://') && TOKEN_LOOKALIKE.test(text)) {
    return `(a ${text.length}-character value, not shown: it looks like a token; were the endpoint and the token swapped?)`;
  }
  return quoteValue(text.replace(/\/\/[^@/]*@/, '//***@'), 200);
}

/**
 * Whether a URL host is this machine: `localhost`, an address in 127.0.0.0/8, or `::1` (as the
 * WHATWG URL parser writes hosts: IPv4 normalised to dotted decimal, IPv6 in brackets). Only these
 * may be reached over plain http: nothing on the way can read the traffic.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why an ML Platform endpoint is not usable; `undefined` when it is. One rule for the client, the
 * provider and the constructs.
 */
export function endpointProblem(endpoint: string): string | undefined {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return 'the endpoint is empty';
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    return `${showEndpoint(endpoint)} is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `${showEndpoint(endpoint)} uses ${url.protocol.replace(/:$/, '')}, not https (or http for a local emulator)`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `${showEndpoint(endpoint)} uses plain http to ${quoteValue(url.hostname, 100)}, which would send the token in clear text: use https:// (plain http is accepted only for a local emulator on 127.0.0.1, ::1 or localhost)`;
  }
  if (url.username || url.password) return `${showEndpoint(endpoint)} carries credentials (user:password@), which belong in the token`;
  if (url.search || url.hash) return `${showEndpoint(endpoint)} has a query or fragment; use the API base URL only`;
  return undefined;
}

/** What to write instead, for every endpoint message. */
export const ENDPOINT_EXAMPLE = 'https://msk.cloud.vk.com/infra/mlplatform';
