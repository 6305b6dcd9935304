/**
 * What a diagnostic may tell about a token that exists outside the state: never its value. Shared by
 * the resources whose plans find one (an access token's name held, a registration token's name taken).
 */
import { formatTime } from '../values';

/** What a diagnostic tells about a token that exists outside the state (never its value). */
export interface ExistingToken {
  readonly name: string;
  readonly role: string;
  readonly issuerName: string;
  readonly createdAt: Date;
}

/** `role user, created <time> by "<issuer>"`. */
export function describeExisting(t: ExistingToken): string {
  return `role ${t.role}, created ${formatTime(t.createdAt)} by ${JSON.stringify(t.issuerName)}`;
}
