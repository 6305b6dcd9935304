/**
 * Rotation with an overlap window (`previous_token_grace`): a rotation replaces the token in place,
 * and the token it replaces keeps working, recorded in the computed `retired_tokens` list with the time
 * after which it is revoked. A later plan at or after that time shows its revocation (the entry leaves
 * the list), and that apply deletes it. Only names, ids and times are kept: never a retired value.
 *
 * This module is the model of that list (pure); `access-token.ts` decides when to rotate and calls
 * the API.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../constants';
import { formatDuration, parseDuration } from '../../contract/duration';
import { type CtyType, type ObjectValue, UNKNOWN, type Value } from '../codec';
import { formatTime, parseTime } from '../values';

/** The attributes of one `retired_tokens` entry. */
export const RETIRED_TOKEN_ATTRS = { name: 'name', id: 'id', revokeAfter: 'revoke_after' } as const;

export const RETIRED_TOKEN_TYPE: CtyType = [
  'object',
  { [RETIRED_TOKEN_ATTRS.name]: 'string', [RETIRED_TOKEN_ATTRS.id]: 'string', [RETIRED_TOKEN_ATTRS.revokeAfter]: 'string' },
];

/** One retired token: `id` null when only its name is known (a rotation whose outcome was unknown). */
export interface RetiredToken {
  readonly name: string;
  readonly id: string | null;
  /** RFC 3339; UNKNOWN in a plan (decided by the apply's clock). */
  readonly revokeAfter: string | typeof UNKNOWN;
}

/** The retired tokens of a state or plan (none for a state written before the attribute existed). */
export function retiredOf(obj: ObjectValue): RetiredToken[] {
  const list = obj[A.retiredTokens];
  if (!Array.isArray(list)) return [];
  return (list as readonly Value[]).flatMap((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return [];
    const o = item as ObjectValue;
    const name = o[RETIRED_TOKEN_ATTRS.name];
    const id = o[RETIRED_TOKEN_ATTRS.id];
    const revokeAfter = o[RETIRED_TOKEN_ATTRS.revokeAfter];
    if (typeof name !== 'string') return [];
    return [{ name, id: typeof id === 'string' ? id : null, revokeAfter: typeof revokeAfter === 'string' ? revokeAfter : UNKNOWN }];
  });
}

/** The attribute value of a list of retired tokens. */
export function retiredValue(tokens: readonly RetiredToken[]): Value {
  return tokens.map((t) => ({
    [RETIRED_TOKEN_ATTRS.name]: t.name,
    [RETIRED_TOKEN_ATTRS.id]: t.id,
    [RETIRED_TOKEN_ATTRS.revokeAfter]: t.revokeAfter,
  }));
}

/** Whether a retired token's grace has passed at `now` (an unknown time never has). */
export function isDue(token: RetiredToken, now: Date): boolean {
  if (token.revokeAfter === UNKNOWN) return false;
  const at = parseTime(token.revokeAfter);
  return at === null || now >= at;
}

/**
 * When a token retired at `now` with `grace` is revoked: at the end of the grace, or at its own expiry
 * when that comes first, so `retired_tokens` never promises a consumer more than the token has.
 */
export function revokeAfter(now: Date, grace: string, expiresAt: Date | null): string {
  const end = now.getTime() + parseDuration(grace) * 1000;
  return formatTime(new Date(expiresAt === null ? end : Math.min(end, expiresAt.getTime())))!;
}

/**
 * Why `previous_token_grace` cannot be kept by the schedule, or `undefined`: a scheduled rotation
 * leaves the old token `max(ttl - rotate_after, early_rotation_window)` to live (rotation comes at the
 * earlier of the two), and a grace longer than that would end after the token expired.
 */
export function graceProblem(grace: string, ttl: string, rotateAfter: string | null, window: string | null): string | undefined {
  if (rotateAfter === null && window === null) return undefined;
  const life = Math.max(
    rotateAfter === null ? 0 : parseDuration(ttl) - parseDuration(rotateAfter),
    window === null ? 0 : parseDuration(window),
  );
  // No life left (rotate_after at or past ttl): that schedule is refused on its own, and there is no
  // length to compare the grace with.
  if (life <= 0 || parseDuration(grace) <= life) return undefined;
  const schedule = [
    rotateAfter === null ? undefined : `rotate_after (${rotateAfter})`,
    window === null ? undefined : `early_rotation_window (${window})`,
  ]
    .filter(Boolean)
    .join(' and ');
  return `previous_token_grace (${grace}) is longer than the ${formatDuration(life)} a retired token has left to live when ${schedule} rotate it before ttl (${ttl}) ends it, so consumers would hold an expired token while the grace promised it valid`;
}
