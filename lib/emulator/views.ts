/**
 * What the emulator shows of its stored records: the contract API's token info (`TokenInfoWire`)
 * and the test API's records (`records.ts`). Never a value or a hash. Every instant is shown as an
 * ISO 8601 timestamp with a four-digit year, the form the client's schema requires, so a view cannot
 * fail whatever instant a record holds.
 */
import { FIELDS } from '../contract/routes';
import type { TokenInfoWire } from '../contract/wire-schemas';
import { roleFromApi } from '../contract/validation';
import type { RegisterTokenRecord, TokenRecord } from './records';
import type { StoredAccessToken, StoredRegisterToken } from './state-file';

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

/** The ISO 8601 form of a stored instant; never throws, so one odd record cannot fail every list. */
export function isoOf(ms: number): string {
  return new Date(representableMs(ms)).toISOString();
}

/** An access token as the contract API answers it (who am I, list, redeem). */
export function tokenInfoWire(token: StoredAccessToken): TokenInfoWire {
  return {
    [FIELDS.id]: token.id,
    [FIELDS.clientName]: token.name,
    [FIELDS.tokenType]: token.tokenType,
    [FIELDS.issuerName]: token.issuerName,
    [FIELDS.createdAt]: isoOf(token.createdAtMs),
    [FIELDS.exp]: token.expMs === null ? null : isoOf(token.expMs),
  };
}

/** An access token as the test API shows it; `expired` by the emulator's clock. */
export function tokenRecord(token: StoredAccessToken, expired: boolean): TokenRecord {
  return {
    id: token.id,
    name: token.name,
    role: roleFromApi(token.tokenType),
    tokenType: token.tokenType,
    issuerName: token.issuerName,
    createdAt: isoOf(token.createdAtMs),
    expiresAt: token.expMs === null ? null : isoOf(token.expMs),
    expired,
  };
}

/** A registration token as the test API shows it. */
export function registerTokenRecord(record: StoredRegisterToken): RegisterTokenRecord {
  return {
    id: record.id,
    name: record.name,
    role: roleFromApi(record.tokenType),
    tokenType: record.tokenType,
    issuerName: record.issuerName,
    refreshTtl: record.refreshTtl,
    createdAt: isoOf(record.createdAtMs),
    expiresAt: isoOf(record.expMs),
  };
}
