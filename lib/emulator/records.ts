/**
 * What the emulator's test API shows of its tokens: plain interfaces, apart from the store (which
 * validates its state file with zod), so that the public `mlp-tokens/emulator` types never reach
 * zod's typings.
 */
import type { ApiTokenType } from '../contract/routes';
import type { TokenRole } from '../contract/validation';

/** An access token's metadata as the emulator's test API shows it (never its value). */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly tokenType: ApiTokenType;
  readonly issuerName: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601, or `null` when the token never expires. */
  readonly expiresAt: string | null;
  /** Whether `expiresAt` has passed by the emulator's clock (expired tokens stay listed until deleted). */
  readonly expired: boolean;
}

/** An outstanding (unused, unexpired) registration token's metadata (never its value). */
export interface RegisterTokenRecord {
  readonly id: string;
  /** The name of the access token it will create. */
  readonly name: string;
  readonly role: TokenRole;
  readonly tokenType: ApiTokenType;
  /** The issuer of the admin token that minted it; the access token inherits it. */
  readonly issuerName: string;
  /** The access token's lifetime as the admin wrote it, or `null` for a token that never expires. */
  readonly refreshTtl: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
}
