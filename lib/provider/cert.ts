/**
 * The AutoMTLS server certificate: a fresh self-signed ECDSA P-256 certificate per process, for
 * `localhost`, shaped like the one go-plugin makes for itself (CA, server and client auth), so
 * Terraform, which trusts exactly the certificate we announce in the handshake, accepts it.
 *
 * Node generates the key; the certificate structure comes from `@peculiar/asn1-x509` (the ASN.1
 * layer of `@peculiar/x509`, without its dependency-injection runtime), and Node signs it.
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

/** Builds the certificate; `now` is the local time (validity is checked by the local Terraform). */
export function createServerCertificate(now: Date = new Date()): ServerCertificate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AsnConvert, OctetString } = require('@peculiar/asn1-schema') as typeof import('@peculiar/asn1-schema');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const x = require('@peculiar/asn1-x509') as typeof import('@peculiar/asn1-x509');

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attribute = (type: string, value: string): InstanceType<typeof x.RelativeDistinguishedName> =>
    new x.RelativeDistinguishedName([new x.AttributeTypeAndValue({ type, value: new x.AttributeValue({ utf8String: value }) })]);
  const name = new x.Name([attribute(ORGANIZATION, 'mlp-tokens'), attribute(COMMON_NAME, 'localhost')]);
  const algorithm = new x.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const extension = (extnID: string, critical: boolean, value: object): InstanceType<typeof x.Extension> =>
    new x.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

  // A positive, minimally encoded serial (Go rejects negative and zero-padded integers): the first
  // byte is 0x01..0x7f.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f || 0x01;

  const tbs = new x.TBSCertificate({
    version: x.Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: name,
    subject: name,
    validity: new x.Validity({ notBefore: new Date(now.getTime() - 30_000), notAfter: new Date(now.getTime() + 262_800 * 3600_000) }),
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), x.SubjectPublicKeyInfo),
    extensions: new x.Extensions([
      extension(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: true })),
      extension(x.id_ce_keyUsage, true, new x.KeyUsage(x.KeyUsageFlags.digitalSignature | x.KeyUsageFlags.keyEncipherment | x.KeyUsageFlags.keyCertSign)),
      extension(x.id_ce_extKeyUsage, false, new x.ExtendedKeyUsage([x.id_kp_serverAuth, x.id_kp_clientAuth])),
      extension(x.id_ce_subjectAltName, false, new x.SubjectAlternativeName([new x.GeneralName({ dNSName: 'localhost' })])),
    ]),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), { key: privateKey, dsaEncoding: 'der' });
  const der = Buffer.from(AsnConvert.serialize(new x.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: toArrayBuffer(signature) })));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), der };
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}
