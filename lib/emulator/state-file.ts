/**
 * The `--state` file, which lets an emulator restart with the tokens it had. It holds hashes and
 * metadata only, never a secret. Its zod schema is the one description of a stored record: the
 * store's record types are inferred from it, so what is kept in memory and what a restart reads back
 * cannot drift apart. Writes are atomic, so a crash never leaves half a file to fail the next start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { API_TOKEN_TYPES } from '../contract/routes';
import { EmulatorError } from './errors';

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);
const tokenTypeSchema = z.enum(API_TOKEN_TYPES);

const storedAccessTokenSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  tokenType: tokenTypeSchema,
  issuerName: z.string(),
  createdAtMs: z.number(),
  /** `null`: the token never expires. */
  expMs: z.number().nullable(),
  hash: hashSchema,
});

const storedRegisterTokenSchema = z.object({
  id: z.string().min(1),
  /** The name of the access token it will create. */
  name: z.string().min(1),
  tokenType: tokenTypeSchema,
  /** The issuer of the admin token that minted it; the access token inherits it. */
  issuerName: z.string(),
  /** The access token's lifetime as the admin wrote it, and in seconds; `null`: it never expires. */
  refreshTtl: z.string().nullable(),
  refreshTtlSeconds: z.number().nullable(),
  createdAtMs: z.number(),
  expMs: z.number(),
  hash: hashSchema,
});

const storedBearerSchema = z.object({ tokenId: z.string(), expMs: z.number(), hash: hashSchema });

/** An access token as stored. */
export type StoredAccessToken = Readonly<z.infer<typeof storedAccessTokenSchema>>;
/** A registration token as stored, until it is redeemed or expires. */
export type StoredRegisterToken = Readonly<z.infer<typeof storedRegisterTokenSchema>>;
/** A bearer as stored: which access token it stands for, until when. */
export type StoredBearer = Readonly<z.infer<typeof storedBearerSchema>>;

const persistedStateSchema = z.object({
  version: z.literal(1),
  clockOffsetMs: z.number().finite().optional(),
  tokens: z.array(storedAccessTokenSchema),
  registerTokens: z.array(storedRegisterTokenSchema),
  bearers: z.array(storedBearerSchema),
});

/** What the state file holds: hashes and metadata only, never a secret. */
export type PersistedState = z.infer<typeof persistedStateSchema>;

/** Reads a state file; `undefined` when it does not exist yet. */
export function readStateFile(path: string): PersistedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw EmulatorError.state(path, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw EmulatorError.state(path, `it is not JSON (${(error as Error).message})`);
  }
  const parsed = persistedStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw EmulatorError.state(path, `${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Writes the state atomically: a temporary file beside the target, flushed, then renamed over it,
 * so a crash leaves either the old state or the new one, never half of one.
 */
export function writeStateFile(path: string, state: PersistedState): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the rename's error is the one worth reporting
    }
    throw error;
  }
}
