/**
 * Sealing a token value: age-encrypted to the given recipients, ASCII-armored
 * (`-----BEGIN AGE ENCRYPTED FILE-----`), so `age -d -i key.txt` gives the value back.
 *
 * The library (`age-encryption`, typage) is ESM-only; it is loaded here, on the first seal, by a
 * dynamic import, never on the provider's start-up path. In the provider bundle esbuild includes it
 * behind that import, so the laid-out provider needs nothing from `node_modules`.
 */
import { recipientProblem } from './recipients';

/** Thrown when a value cannot be sealed (a recipient the library refuses, a library failure). */
export class SealError extends Error {
  readonly code = 'SEAL';
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** The ASCII-armored age ciphertext of `value`, for every recipient. */
export async function sealValue(value: string, recipients: readonly string[]): Promise<string> {
  if (recipients.length === 0) throw new SealError('no recipient to seal to');
  for (const r of recipients) {
    const problem = recipientProblem(r);
    if (problem) throw new SealError(problem);
  }
  const age = await import('age-encryption');
  const encrypter = new age.Encrypter();
  try {
    for (const r of recipients) encrypter.addRecipient(r);
  } catch (err) {
    throw new SealError(`the age library refused a recipient: ${err instanceof Error ? err.message : String(err)}`);
  }
  return age.armor.encode(await encrypter.encrypt(value));
}
