import { FakeClock } from '../../lib/provider/clock';
import { type ObjectValue, type Value, decodeDynamic, encodeDynamic } from '../../lib/provider/codec';
import { DiagnosticError } from '../../lib/provider/diagnostics';
import { ephemeralAccessToken, ephemeralAccessTokenSchema } from '../../lib/provider/ephemeral/access-token';
import { createProvider } from '../../lib/provider/registry';
import { objectTypeOf } from '../../lib/provider/schema';
import { FakeMlp, configureInProcess, context, objectOf, validationOf } from './fakes';

const obj = (values: Record<string, Value>): ObjectValue => objectOf(ephemeralAccessTokenSchema, values);
const validate = (config: ObjectValue) => validationOf(ephemeralAccessToken.schema, config);

function setup(hasToken = true) {
  const clock = new FakeClock();
  const api = new FakeMlp(clock);
  return { clock, api, ctx: () => context(clock, api, hasToken) };
}

describe('ephemeral mlp_access_token', () => {
  test('GIVEN no ttl, a ttl over 24h, a bad prefix or register_token with name_prefix WHEN validated THEN each is refused', () => {
    expect(validate(obj({ ttl: '1h' }))).toEqual([]);
    expect(validate(obj({ ttl: '24h' }))).toEqual([]);
    expect(validate(obj({ ttl: '25h' }))[0]).toMatchObject({ severity: 'error', summary: 'Invalid ttl', attribute: ['ttl'] });
    expect(validate(obj({ ttl: '25h' }))[0]!.detail).toMatch(/longer than 24h/);
    expect(validate(obj({ ttl: 'soon' }))[0]).toMatchObject({ summary: 'Invalid ttl' });
    expect(validate(obj({ ttl: '1h', name_prefix: 'bad prefix' }))[0]).toMatchObject({ summary: 'Invalid name_prefix' });
    expect(validate(obj({ ttl: '1h', name_prefix: 'x-', register_token: 'r'.repeat(40) }))[0]).toMatchObject({
      summary: 'Conflicting name_prefix and register_token',
    });
    expect(ephemeralAccessTokenSchema.attributes.ttl).toMatchObject({ required: true });
  });

  test('GIVEN an Administrator WHEN opened and closed THEN a token with the prefix and a random suffix lives for ttl, private names it without its value, close deletes it', async () => {
    const { api, ctx } = setup();
    const a = await ephemeralAccessToken.open(obj({ ttl: '1h' }), ctx());
    const b = await ephemeralAccessToken.open(obj({ ttl: '1h', name_prefix: 'ci-', role: 'admin' }), ctx());
    expect(a.result.name).toMatch(/^ephemeral-[a-z0-9]{12}$/);
    expect(b.result).toMatchObject({ role: 'admin' });
    expect(b.result.name).toMatch(/^ci-[a-z0-9]{12}$/);
    expect(a.result.expires_at).toBe('2026-01-01T01:00:00Z');
    expect(api.tokens.get(a.result.name as string)!.value).toBe(a.result.value);
    const priv = a.private.toString('utf8');
    expect(JSON.parse(priv)).toEqual({ v: 1, id: a.result.id, name: a.result.name, expiresAt: '2026-01-01T01:00:00Z' });
    expect(priv).not.toContain(a.result.value as string);

    await ephemeralAccessToken.close(a.private, ctx());
    expect(api.tokens.has(a.result.name as string)).toBe(false);
    expect(api.tokens.has(b.result.name as string)).toBe(true);
    // Already gone: fine, nothing else deleted.
    const deletes = api.calls.delete;
    const again = ctx();
    await ephemeralAccessToken.close(a.private, again);
    expect(again.diagnostics.items).toEqual([]);
    expect(api.calls.delete).toBe(deletes);
  });

  test('GIVEN the name was taken over by another token WHEN closed THEN that token is left alone, with a warning', async () => {
    const { api, ctx } = setup();
    const opened = await ephemeralAccessToken.open(obj({ ttl: '1h' }), ctx());
    const name = opened.result.name as string;
    api.tokens.set(name, { ...api.tokens.get(name)!, id: 'someone-else' });
    const c = ctx();
    await ephemeralAccessToken.close(opened.private, c);
    expect(api.tokens.has(name)).toBe(true);
    expect(c.diagnostics.items[0]).toMatchObject({
      severity: 'warning',
      summary: 'Left the token of that name alone: it is not the ephemeral one',
    });
  });

  test('GIVEN renew WHEN called THEN the private data comes back unchanged and nothing is called', async () => {
    const { api, ctx } = setup();
    const opened = await ephemeralAccessToken.open(obj({ ttl: '1h' }), ctx());
    const calls = { ...api.calls };
    expect(await ephemeralAccessToken.renew(opened.private)).toEqual(opened.private);
    expect(api.calls).toEqual(calls);
  });

  test('GIVEN a registration token WHEN opened THEN it is redeemed without credentials; one that outlives ttl is deleted and refused', async () => {
    const { api, ctx } = setup(false);
    const admin = api.client('admin');
    const short = await admin.mintRegisterToken({ clientName: 'worker', accessTtl: '10m', refreshTtl: '1h', role: 'user' });
    const opened = await ephemeralAccessToken.open(obj({ ttl: '2h', register_token: short.value.reveal() }), ctx());
    expect(opened.result).toMatchObject({ name: 'worker', role: 'user' });
    // No admin token: close cannot delete, says so, and when it expires.
    const c = ctx();
    await ephemeralAccessToken.close(opened.private, c);
    expect(c.diagnostics.items[0]).toMatchObject({ severity: 'warning', summary: 'Ephemeral token left to expire' });
    expect(c.diagnostics.items[0]!.detail).toMatch(/2026-01-01T01:00:00Z/);

    const forever = await admin.mintRegisterToken({ clientName: 'forever', accessTtl: '10m', role: 'admin' });
    const err = await ephemeralAccessToken.open(obj({ ttl: '2h', register_token: forever.value.reveal() }), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).diagnostics[0]).toMatchObject({ summary: 'The registration token makes a token that outlives ttl' });
    expect((err as DiagnosticError).diagnostics[0]!.detail).toMatch(/never expires.*deleted that token/s);
    // An admin token deletes itself.
    expect(api.tokens.has('forever')).toBe(false);
  });

  test('GIVEN the provider WHEN asked for its metadata and schema THEN the ephemeral resource is announced', async () => {
    const provider = createProvider({ env: {} });
    expect(provider.getMetadata().ephemeral_resources).toEqual([{ type_name: 'mlp_access_token' }]);
    const schema = provider.getProviderSchema().ephemeral_resource_schemas.mlp_access_token!;
    const attrs = Object.fromEntries(schema.block.attributes.map((a) => [a.name, a]));
    expect(attrs.ttl).toMatchObject({ required: true });
    expect(attrs.value).toMatchObject({ computed: true, sensitive: true });
  });

  test('GIVEN a ttl too long WHEN opened through the provider THEN nothing is minted', async () => {
    const provider = createProvider({ env: {} });
    configureInProcess(provider, {
      endpoint: 'http://127.0.0.1:1',
      token: 'admin-0123456789abcdefghijklmnopqrstu',
    });
    const type = objectTypeOf(ephemeralAccessTokenSchema);
    const reply = await provider.openEphemeralResource({ type_name: 'mlp_access_token', config: encodeDynamic(obj({ ttl: '48h' }), type) });
    expect(reply.result).toBeUndefined();
    expect(reply.diagnostics![0]).toMatchObject({ severity: 'error', summary: 'Invalid ttl' });
    expect(decodeDynamic(undefined, type)).toBeNull();
  });
});
