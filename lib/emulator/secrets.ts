/**
 * The emulator's secrets (access token values, registration tokens, bearers): random, shown once,
 * and kept only as SHA-256 hashes, so neither the store nor the state file holds a value that could
 * leak. A look-up hashes the presented value and finds the record by its hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The hex SHA-256 of a secret: what records store and maps are keyed by. */
export function secretHash(secret: string): string {
  return digestOf(secret).toString('hex');
}

/**
 * Finds a record by the hash of a presented secret. The map key is a SHA-256 digest, so its timing
 * says nothing useful about the secret; the final comparison is constant-time anyway.
 */
export function findBySecret<T extends { readonly hash: string }>(map: ReadonlyMap<string, T>, secret: string): T | undefined {
  const digest = digestOf(secret);
  const record = map.get(digest.toString('hex'));
  return record && timingSafeEqual(Buffer.from(record.hash, 'hex'), digest) ? record : undefined;
}

function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
