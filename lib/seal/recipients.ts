/**
 * age recipients as `seal_to` accepts them: native X25519 public keys, `age1` followed by the bech32
 * encoding of 32 bytes (62 characters, lowercase), which every age implementation, the `age` CLI
 * included, can decrypt for.
 *
 * Checked synchronously, at validate and synth time (constructs run in CommonJS, synchronously,
 * before any Terraform command): the encrypting library (`age-encryption`) is ESM-only and loaded
 * only when a value is sealed, where it parses each recipient again. So only the bech32 checksum
 * (BIP-173) is computed here, which is what tells a mistyped or truncated key from a real one.
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const HRP = 'age';
/** 32 bytes in 5-bit groups (52) plus the 6-group checksum. */
const DATA_LENGTH = 58;
export const X25519_RECIPIENT_LENGTH = HRP.length + 1 + DATA_LENGTH;

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]!) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

/** Why `recipient` is not an age X25519 recipient (never echoing more than its start); undefined when it is one. */
export function recipientProblem(recipient: string): string | undefined {
  if (typeof recipient !== 'string' || recipient.length === 0) return 'an age recipient cannot be empty';
  const shown = JSON.stringify(recipient.length > 16 ? `${recipient.slice(0, 12)}...` : recipient);
  if (recipient.startsWith('AGE-SECRET-KEY-'))
    return 'this is an age secret key (identity), not a recipient: give its public key, the "age1..." line that age-keygen prints as "Public key:" (age-keygen -y key.txt)';
  if (!recipient.startsWith(`${HRP}1`))
    return `${shown} is not an age recipient: X25519 recipients begin with "age1" (the public key age-keygen prints)`;
  if (recipient.startsWith('age1pq1') || recipient.startsWith('age1tag'))
    return `${shown} is a post-quantum or tag recipient; seal_to takes X25519 recipients ("age1" and 58 characters), which every age tool can decrypt for`;
  if (recipient !== recipient.toLowerCase()) return `${shown} has upper-case letters; age recipients are written in lower case`;
  if (recipient.length !== X25519_RECIPIENT_LENGTH)
    return `${shown} is ${recipient.length} characters long; an X25519 age recipient has ${X25519_RECIPIENT_LENGTH}`;
  const data: number[] = [];
  for (const c of recipient.slice(HRP.length + 1)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) return `${shown} contains ${JSON.stringify(c)}, which bech32 (the encoding of age recipients) does not use`;
    data.push(v);
  }
  if (polymod([...hrpExpand(HRP), ...data]) !== 1) return `${shown} has a wrong checksum: a character was mistyped or lost in copying`;
  // 256 bits in 52 groups leave 4 padding bits, which must be zero.
  if ((data[DATA_LENGTH - 7]! & 0x0f) !== 0) return `${shown} does not encode a 32-byte key`;
  return undefined;
}
