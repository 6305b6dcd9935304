import { FakeClock } from '../../lib/provider/clock';
import { type ObjectValue, UNKNOWN, type Value, decodeDynamic, encodeDynamic } from '../../lib/provider/codec';
import type { ResourceHandler } from '../../lib/provider/handler';
import { accessToken as impl, accessTokenSchema } from '../../lib/provider/resources/access-token';
import { createProvider } from '../../lib/provider/registry';
import { objectTypeOf } from '../../lib/provider/schema';
import { FakeMlp, configureInProcess, context, objectOf, validationOf } from './fakes';

const accessToken: ResourceHandler = impl;
const TYPE = objectTypeOf(accessTokenSchema);
const obj = (values: Record<string, Value>): ObjectValue => objectOf(accessTokenSchema, values);
const validate = (config: ObjectValue) => validationOf(accessToken.schema, config);

function configuredProvider() {
  const provider = createProvider({ env: {} });
  configureInProcess(provider, { endpoint: 'http://127.0.0.1:1' });
  return provider;
}

describe('register_token_wo (write-only)', () => {
  test('GIVEN the schema WHEN served THEN register_token_wo is write-only and sensitive, its version a stored number', () => {
    const schema = createProvider({ env: {} }).getProviderSchema().resource_schemas.mlp_access_token!;
    const attrs = Object.fromEntries(schema.block.attributes.map((a) => [a.name, a]));
    expect(attrs.register_token_wo).toMatchObject({ write_only: true, sensitive: true, optional: true });
    expect(attrs.register_token_wo_version).toMatchObject({ write_only: false, optional: true });
    expect(JSON.parse(attrs.register_token_wo_version!.type.toString())).toBe('number');
    expect(attrs.register_token).toMatchObject({ write_only: false });
  });

  test('GIVEN a client that does not announce write-only attributes WHEN validated THEN register_token_wo is refused with the way out', () => {
    const provider = configuredProvider();
    const config = encodeDynamic(obj({ register_token_wo: 'r'.repeat(40), register_token_wo_version: 1 }), TYPE);
    const old = provider.validateResourceConfig({ type_name: 'mlp_access_token', config });
    expect(old.diagnostics).toHaveLength(1);
    expect(old.diagnostics![0]).toMatchObject({
      severity: 'error',
      summary: 'register_token_wo needs Terraform 1.11 or later',
      attribute: ['register_token_wo'],
    });
    expect(old.diagnostics![0]!.detail).not.toContain('r'.repeat(40));
    const current = provider.validateResourceConfig({
      type_name: 'mlp_access_token',
      config,
      client_capabilities: { write_only_attributes_allowed: true },
    });
    expect(current.diagnostics).toEqual([]);
    // Without the attribute, nothing to refuse.
    const plain = provider.validateResourceConfig({ type_name: 'mlp_access_token', config: encodeDynamic(obj({ name: 'ci' }), TYPE) });
    expect(plain.diagnostics).toEqual([]);
  });

  test('GIVEN register_token_wo WHEN validated THEN it needs its version and conflicts with register_token, name_prefix and ttl', () => {
    expect(validate(obj({ register_token_wo: 'r'.repeat(40) }))[0]).toMatchObject({ summary: 'Invalid register_token_wo_version' });
    expect(
      validate(obj({ register_token_wo: 'r'.repeat(40), register_token_wo_version: 1, register_token: 'q'.repeat(40) }))[0],
    ).toMatchObject({
      summary: 'Conflicting register_token and register_token_wo',
    });
    expect(validate(obj({ register_token_wo: 'r'.repeat(40), register_token_wo_version: 1, ttl: '1h' }))[0]).toMatchObject({
      summary: 'Conflicting ttl and register_token_wo',
    });
    expect(validate(obj({ name: 'ci', register_token_wo_version: 1 }))[0]).toMatchObject({
      severity: 'warning',
      summary: 'register_token_wo_version has no effect',
    });
    expect(validate(obj({ register_token_wo: 'r'.repeat(40), register_token_wo_version: 1 }))).toEqual([]);
  });

  test('GIVEN register_token_wo WHEN planned through the provider THEN the planned state holds null for it, and the name and role are left to the registration token', async () => {
    const provider = configuredProvider();
    const config = encodeDynamic(obj({ register_token_wo: 'r'.repeat(40), register_token_wo_version: 1 }), TYPE);
    const reply = await provider.planResourceChange({
      type_name: 'mlp_access_token',
      prior_state: encodeDynamic(null, TYPE),
      proposed_new_state: config,
      config,
    });
    expect(reply.diagnostics).toEqual([]);
    expect(decodeDynamic(reply.planned_state, TYPE)).toMatchObject({
      register_token_wo: null,
      register_token_wo_version: 1,
      name: UNKNOWN,
      role: UNKNOWN,
      value: UNKNOWN,
    });
  });

  test('GIVEN register_token_wo in the configuration WHEN created THEN it is redeemed; a new version replaces the token', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const minted = await api.client('admin').mintRegisterToken({ clientName: 'team', accessTtl: '1h', refreshTtl: '720h', role: 'user' });
    const config = obj({ register_token_wo: minted.value.reveal(), register_token_wo_version: 1 });
    const ctx = context(clock, api, false);
    const { planned } = await accessToken.plan({ prior: null, proposed: { ...config, register_token_wo: null }, config }, ctx);
    const state = (await accessToken.create({ prior: null, planned: { ...planned, register_token_wo: null }, config }, ctx))!;
    expect(state).toMatchObject({ name: 'team', role: 'user', register_token_wo_version: 1 });
    expect(api.tokens.get('team')!.value).toBe(state.value);

    const same = await accessToken.plan({ prior: state, proposed: { ...state }, config }, context(clock, api, false));
    expect(same.requiresReplace).toEqual([]);
    const bumped = obj({ register_token_wo: 'n'.repeat(40), register_token_wo_version: 2 });
    // Replacing deletes the old token, which takes an Administrator token: without one the plan says so.
    const bump = (c: ReturnType<typeof context>) =>
      accessToken.plan({ prior: state, proposed: { ...state, register_token_wo_version: 2 }, config: bumped }, c);
    await expect(bump(context(clock, api, false))).rejects.toThrow(/No MLP token configured to delete the access token "team"/);
    const next = await bump(context(clock, api));
    expect(next.requiresReplace).toEqual(['register_token_wo_version']);
  });
});
