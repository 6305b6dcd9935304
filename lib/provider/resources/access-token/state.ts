/**
 * The states `mlp_access_token` writes: a fresh token's, a refreshed one's (the API's view, values
 * and inputs kept), an empty one for import, and the unsettled one a create leaves when it cannot
 * know whether its token exists.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import type { IssuedAccessToken, TokenInfo } from '../../../client/types';
import { type ObjectValue, UNKNOWN, type Value } from '../../codec';
import { tokenInfoValue } from '../../data-sources/token';
import { type Maybe, formatTime, isKnown } from '../../values';
import { rotateAtOf } from './plan';
import { type Attr, accessTokenSchema } from './schema';

export function nullState(): Record<Attr, Value> {
  return Object.fromEntries(Object.keys(accessTokenSchema.attributes).map((k) => [k, null])) as Record<Attr, Value>;
}

export function knownOr<T>(v: Maybe<T>, fallback: T): T {
  return isKnown(v) ? v : fallback;
}

/** The state of a freshly issued token. */
export function stateOf(planned: ObjectValue, issued: IssuedAccessToken): ObjectValue {
  return refreshed({ ...planned, [A.value]: issued.value.reveal() }, issued);
}

/** The state with the API's view of the token (value and inputs kept). */
export function refreshed(state: ObjectValue, info: TokenInfo): ObjectValue {
  // The API's metadata is the same set of attributes the mlp_token data source reads.
  const next: Record<string, Value> = { ...state, ...tokenInfoValue(info) };
  const rotateAt = rotateAtOf(next, next);
  next[A.rotateAt] = rotateAt === UNKNOWN ? null : formatTime(rotateAt);
  return next;
}

/**
 * The state of a token that may or may not exist: its name, no value, nothing the API decides.
 * Returned with an error, Terraform records it tainted, and the next apply deletes and recreates it.
 */
export function unsettledState(planned: ObjectValue, name: string): ObjectValue {
  const out: Record<string, Value> = {};
  // What the API decides is unknown in a new token's plan (see the schema): null here.
  for (const [k, v] of Object.entries(planned)) out[k] = v === UNKNOWN ? null : v;
  out[A.name] = name;
  out[A.rotateAt] = null;
  if (out[A.role] === null) out[A.role] = 'user';
  return out;
}
