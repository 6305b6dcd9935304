import { inspect } from 'node:util';
import { MlpClient } from '../../lib/client/client';
import { REDACTED, Redactor, redact, registerSecret } from '../../lib/contract/redact';
import { Secret } from '../../lib/client/secret';

const VALUE = 'secret-value-0123456789abcdef0123456789';

describe('Secret', () => {
  test('GIVEN a Secret WHEN printed in every usual way THEN only the placeholder shows', () => {
    const secret = new Secret(VALUE);
    const renderings = [
      String(secret),
      `${secret}`,
      `x${secret}`,
      secret.toString(),
      JSON.stringify(secret),
      JSON.stringify({ nested: { secret } }),
      inspect(secret),
      inspect({ secret }, { depth: 10, showHidden: true }),
      Object.keys(secret).join(','),
    ];
    for (const text of renderings) expect(text).not.toContain(VALUE);
    expect(String(secret)).toBe(REDACTED);
    expect(JSON.stringify(secret)).toBe(JSON.stringify(REDACTED));
  });

  test('GIVEN a Secret WHEN revealed THEN the value comes back, and equality works without revealing', () => {
    const secret = Secret.from(VALUE);
    expect(secret.reveal()).toBe(VALUE);
    expect(Secret.from(secret)).toBe(secret);
    expect(secret.equals(VALUE)).toBe(true);
    expect(secret.equals(new Secret(VALUE))).toBe(true);
    expect(secret.equals(`${VALUE}x`)).toBe(false);
    expect(secret.equals(VALUE.replace('0', '1'))).toBe(false);
  });

  test('GIVEN something that is not a string WHEN wrapped in a Secret THEN it throws TypeError', () => {
    expect(() => new Secret(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('redaction', () => {
  test('GIVEN a Secret was created WHEN any text containing its value is redacted THEN the value is replaced', () => {
    const value = 'registered-by-secret-0123456789abcdef';
    new Secret(value);
    expect(redact(`echo: ${value}; again ${value}`)).toBe(`echo: ${REDACTED}; again ${REDACTED}`);
    expect(redact(`in a url /x/${encodeURIComponent(`${value}/`)}`)).not.toContain(value);
  });

  test('GIVEN values that were never registered WHEN they look like a bearer or a secret JSON field THEN they are scrubbed too', () => {
    expect(redact('authorization: Bearer abc.def-ghi')).toBe(`authorization: Bearer ${REDACTED}`);
    expect(redact('Authorization: bearer xyz')).toBe(`Authorization: bearer ${REDACTED}`);
    expect(redact('header Bearer eyJhbGciOi.J9')).toBe(`header Bearer ${REDACTED}`);
    expect(redact('exchange the token for a bearer (POST /x) and a bearer exchanged')).toBe(
      'exchange the token for a bearer (POST /x) and a bearer exchanged',
    );
    expect(redact('{"refresh_token":"zzz","client_name":"n"}')).toBe(`{"refresh_token":"${REDACTED}","client_name":"n"}`);
    expect(redact('{"register_token" : "a\\"b"}')).toBe(`{"register_token" : "${REDACTED}"}`);
  });

  test('GIVEN a private Redactor WHEN two secrets overlap THEN the longer is replaced whole', () => {
    const r = new Redactor();
    r.add('abcdefgh');
    r.add('abcdefgh-ijklmnop');
    expect(r.redact('x abcdefgh-ijklmnop y abcdefgh')).toBe(`x ${REDACTED} y ${REDACTED}`);
    expect(r.leaks('abcdefgh')).toBe(true);
    expect(r.leaks('nothing')).toBe(false);
  });

  test('GIVEN a value shorter than 8 characters WHEN registered THEN it is ignored, so ordinary words survive', () => {
    const r = new Redactor();
    r.add('admin');
    expect(r.redact('role admin')).toBe('role admin');
  });

  test('GIVEN a pinned credential WHEN more than 10,000 other secrets are registered after it THEN it is still scrubbed', () => {
    const r = new Redactor();
    const admin = 'admin-token-value-0123456789abcdef';
    r.add(admin, { pinned: true });
    r.add('short-lived-but-refreshed-0000');
    for (let i = 0; i < 10_001; i += 1) r.add(`bearer-${String(i).padStart(8, '0')}`);
    expect(r.redact(`echo ${admin}`)).toBe(`echo ${REDACTED}`);
    // The oldest unpinned value was forgotten: the registry is bounded.
    expect(r.leaks('short-lived-but-refreshed-0000')).toBe(false);
    expect(r.leaks('bearer-00010000')).toBe(true);
  });

  test('GIVEN an unpinned value WHEN it is registered again THEN it counts as recent and survives eviction', () => {
    const r = new Redactor();
    r.add('first-value-000000');
    for (let i = 0; i < 9_999; i += 1) r.add(`filler-${String(i).padStart(8, '0')}`);
    r.add('first-value-000000');
    r.add('one-more-value-0000');
    expect(r.leaks('first-value-000000')).toBe(true);
    expect(r.leaks('filler-00000000')).toBe(false);
  });

  test('GIVEN a configured MlpClient WHEN the global registry is flooded THEN its token is still scrubbed', () => {
    const token = 'configured-client-token-value-for-pin-test-0123';
    const client = new MlpClient({ endpoint: 'http://127.0.0.1:9', token });
    for (let i = 0; i < 10_001; i += 1) registerSecret(`flood-${String(i).padStart(10, '0')}`);
    expect(redact(`x ${token} y`)).toBe(`x ${REDACTED} y`);
    void client.close();
  });

  test('GIVEN extra values WHEN redacting THEN they are scrubbed as well', () => {
    expect(redact('a xyz b', ['xyz'])).toBe(`a ${REDACTED} b`);
  });
});
