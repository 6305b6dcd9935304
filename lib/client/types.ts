/** What the client hands back: camelCase, `Date`s, roles as users write them, values as `Secret`s. */
import type { TokenRole } from '../contract/validation';
import type { Secret } from './secret';

/** An access token's metadata (never its value). */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly issuerName: string;
  readonly createdAt: Date;
  /** `null`: the token never expires. */
  readonly expiresAt: Date | null;
}

/** A freshly created access token: its metadata and its value, which the API shows only this once. */
export interface IssuedAccessToken extends TokenInfo {
  readonly value: Secret;
}

/** A one-time registration token, as minted. */
export interface MintedRegisterToken {
  readonly value: Secret;
  /** The name of the access token it will create. */
  readonly name: string;
  readonly role: TokenRole;
  /** The lifetime of the access token it will create; `null`: that token never expires. */
  readonly accessTokenTtl: string | null;
  /** When the registration token itself stops being redeemable. */
  readonly expiresAt: Date;
}

/** Arguments of {@link MlpClient.mintRegisterToken}. */
export interface MintRegisterTokenRequest {
  /** The name of the access token the registration token will create. */
  readonly clientName: string;
  /** The registration token's own lifetime (Go-style, e.g. `15m`); keep it short for an immediate redeem. */
  readonly accessTtl: string;
  /** The created access token's lifetime; omitted: it never expires. */
  readonly refreshTtl?: string | undefined;
  readonly role: TokenRole;
}
