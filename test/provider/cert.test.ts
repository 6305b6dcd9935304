import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { createServerCertificate, oid, time, tlv } from '../../lib/provider/cert';

describe('the AutoMTLS server certificate (DER written by hand)', () => {
  test('GIVEN a time WHEN the certificate is made THEN Node reads every field go-plugin sets, and the signature verifies', () => {
    const now = new Date('2026-11-23T15:00:00.123Z');
    const { der, certPem, keyPem } = createServerCertificate(now);
    const cert = new X509Certificate(der);

    expect(cert.subject).toBe('O=mlp-tokens\nCN=localhost');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-11-23T14:59:30.000Z');
    // 262,800 hours later: past 2049, so a GeneralizedTime.
    expect(new Date(cert.validTo).toISOString()).toBe('2056-11-15T15:00:00.000Z');
    expect(cert.serialNumber).toMatch(/^(0[1-9A-F]|[1-7][0-9A-F])[0-9A-F]{30}$/);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(createPublicKey(certPem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new X509Certificate(certPem).raw.equals(der)).toBe(true);
  });

  test.each([
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['2.5.29.17', '0603551d11'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('GIVEN the OID %s WHEN encoded THEN the bytes are %s', (dotted, hex) => {
    expect(oid(dotted).toString('hex')).toBe(hex);
  });

  test('GIVEN values of 127, 128 and 256 bytes WHEN written THEN the length takes the short, one-byte and two-byte forms', () => {
    expect(tlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString('hex')).toBe('047f');
    expect(tlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString('hex')).toBe('048180');
    expect(tlv(0x04, Buffer.alloc(256)).subarray(0, 4).toString('hex')).toBe('04820100');
  });

  test('GIVEN dates either side of 2050 WHEN written THEN UTCTime before, GeneralizedTime from 2050 (RFC 5280)', () => {
    expect(time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });
});
