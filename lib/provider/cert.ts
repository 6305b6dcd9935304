/**
 * The AutoMTLS server certificate: a fresh self-signed ECDSA P-256 certificate per process, for
 * `localhost`, shaped like the one go-plugin makes for itself (CA, server and client auth), so
 * Terraform, which trusts exactly the certificate we announce in the handshake, accepts it.
 *
 * Node generates the key and signs; the certificate is written here with a few lines of DER, since
 * its shape never changes. (An ASN.1 library did this before: loading and setting up its schemas
 * cost 10-20 ms of every provider start, code cache or not, and a start is paid 4-5 times per apply.)
 * `test/provider/cert.test.ts` checks the result field by field with Node's X509Certificate, and
 * every e2e run has a real Terraform accept it.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface ServerCertificate {
  /** PEM, for the TLS server. */
  readonly certPem: string;
  readonly keyPem: string;
  /** DER, for the handshake line. */
  readonly der: Buffer;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';
const SUBJECT_ALT_NAME = '2.5.29.17';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
/** 30 years, as go-plugin's own certificate (262,800 hours). */
const LIFETIME_MS = 262_800 * 3600_000;

/** Builds the certificate; `now` is the local time (validity is checked by the local Terraform). */
export function createServerCertificate(now: Date = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  // A positive, minimally encoded serial (Go rejects negative and zero-padded integers): the first
  // byte is 0x01..0x7f.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f || 0x01;

  const algorithm = seq(oid(ECDSA_WITH_SHA256));
  const name = seq(rdn(ORGANIZATION, 'mlp-tokens'), rdn(COMMON_NAME, 'localhost'));
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), // [0] version: v3
    int(serial),
    algorithm,
    name,
    seq(time(new Date(now.getTime() - 30_000)), time(new Date(now.getTime() + LIFETIME_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3, // [3] extensions
      seq(
        extension(BASIC_CONSTRAINTS, true, seq(tlv(0x01, Buffer.from([0xff])))), // cA: true
        // digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5): 1010 0100, 2 unused bits.
        extension(KEY_USAGE, true, tlv(0x03, Buffer.from([0x02, 0xa4]))),
        extension(EXT_KEY_USAGE, false, seq(oid(SERVER_AUTH), oid(CLIENT_AUTH))),
        extension(SUBJECT_ALT_NAME, false, seq(tlv(0x82, Buffer.from('localhost', 'ascii')))), // dNSName
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = seq(tbs, algorithm, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), der };
}

// ---- DER: just the types this certificate uses ----

/** Tag, definite length (short or long form), value. */
export function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else if (n < 0x100) head = [tag, 0x81, n];
  else if (n < 0x10000) head = [tag, 0x82, n >> 8, n & 0xff];
  else throw new RangeError(`DER value of ${n} bytes is longer than this writer handles`);
  return Buffer.concat([Buffer.from(head), value]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** A non-negative INTEGER given as big-endian bytes already minimal (no leading 0x00, top bit clear). */
function int(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128 = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

/** RelativeDistinguishedName: a SET of one type-and-value, the value a UTF8String. */
function rdn(type: string, value: string): Buffer {
  return tlv(0x31, seq(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // `critical` is DEFAULT FALSE: DER leaves a false one out.
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}
