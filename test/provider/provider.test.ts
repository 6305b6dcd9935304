import { type CtyType, UNKNOWN, decodeDynamic, encodeDynamic } from '../../lib/provider/codec';
import { objectTypeOf } from '../../lib/provider/schema';
import { providerSchema } from '../../lib/provider/config';
import { createProvider } from '../../lib/provider/registry';
import { runRpc } from '../../lib/provider/rpc';
import { accessTokenSchema } from '../../lib/provider/resources/access-token';
import { ProviderApi } from '../../lib/provider/api';
import { FakeClock } from '../../lib/provider/clock';
import type { MlpClient } from '../../lib/client/client';
import { FakeMlp } from './fakes';

const TOKEN_TYPE = objectTypeOf(accessTokenSchema);
const PROVIDER_TYPE = objectTypeOf(providerSchema);
const nulls = (type: CtyType) =>
  Object.fromEntries(Object.keys((type as readonly ['object', Record<string, CtyType>])[1]).map((k) => [k, null]));
const token = (values: Record<string, unknown>) => encodeDynamic({ ...nulls(TOKEN_TYPE), ...values } as never, TOKEN_TYPE);

/** A provider whose API is an in-memory fake (the plan checks ask who-am-I and list). */
function configured(hooks: { beforeFirstApiCall?: () => void } = {}) {
  const fake = new FakeMlp(new FakeClock());
  const client = { ...fake.client('admin'), close: async () => undefined } as unknown as MlpClient;
  const provider = createProvider({ env: {}, api: (settings) => new ProviderApi(settings, () => client), ...hooks });
  const reply = provider.configureProvider({
    terraform_version: '1.11.4',
    config: encodeDynamic(
      { ...nulls(PROVIDER_TYPE), endpoint: 'http://127.0.0.1:1', token: 'admin-0123456789abcdefghijklmnopqrstu' },
      PROVIDER_TYPE,
    ),
  });
  expect(reply.diagnostics).toEqual([]);
  return provider;
}

describe('the Provider service (values over the wire)', () => {
  test("GIVEN the loader's beforeFirstApiCall hook WHEN two plans need the API THEN it runs once, before the first", async () => {
    let calls = 0;
    const provider = configured({ beforeFirstApiCall: () => calls++ });
    expect(calls).toBe(0);
    const config = token({ name: 'ci' });
    const plan = () =>
      provider.planResourceChange({
        type_name: 'mlp_access_token',
        prior_state: encodeDynamic(null, TOKEN_TYPE),
        proposed_new_state: config,
        config,
      });
    expect((await plan()).diagnostics).toEqual([]);
    expect(calls).toBe(1);
    await plan();
    expect(calls).toBe(1);
  });

  test('GIVEN a create WHEN planned THEN the msgpack answer holds every attribute, computed ones unknown', async () => {
    const provider = configured();
    const config = token({ name: 'ci', ttl: '720h', early_rotation_window: '24h' });
    const reply = await provider.planResourceChange({
      type_name: 'mlp_access_token',
      prior_state: encodeDynamic(null, TOKEN_TYPE),
      proposed_new_state: config,
      config,
    });
    expect(reply.diagnostics).toEqual([]);
    const planned = decodeDynamic(reply.planned_state, TOKEN_TYPE) as Record<string, unknown>;
    expect(Object.keys(planned).sort()).toEqual(Object.keys(accessTokenSchema.attributes).sort());
    expect(planned).toMatchObject({ name: 'ci', role: 'user', id: UNKNOWN, value: UNKNOWN, rotate_at: UNKNOWN });
    expect(reply.requires_replace).toEqual([]);
  });

  test('GIVEN a destroy WHEN planned THEN the planned state is null, after the handler checked the credentials can delete', async () => {
    const provider = configured();
    const prior = token({ name: 'ci', id: 'x' });
    const reply = await provider.planResourceChange({
      type_name: 'mlp_access_token',
      prior_state: prior,
      proposed_new_state: encodeDynamic(null, TOKEN_TYPE),
      config: encodeDynamic(null, TOKEN_TYPE),
    });
    expect(decodeDynamic(reply.planned_state, TOKEN_TYPE)).toBeNull();
    expect(reply.diagnostics).toEqual([]);
  });

  test("GIVEN stored JSON state of the current version WHEN upgraded THEN it comes back in today's shape", () => {
    const provider = configured();
    const json = Buffer.from(JSON.stringify({ id: 'x', name: 'ci', value: 'v'.repeat(40), retired_attribute: 1 }));
    const reply = provider.upgradeResourceState({ type_name: 'mlp_access_token', version: 1, raw_state: { json } });
    expect(decodeDynamic(reply.upgraded_state, TOKEN_TYPE)).toEqual({ ...nulls(TOKEN_TYPE), id: 'x', name: 'ci', value: 'v'.repeat(40) });
  });

  test('GIVEN state from a newer provider WHEN upgraded THEN the answer is an error diagnostic, not a gRPC error', async () => {
    const provider = configured();
    const reply = await runRpc(
      'UpgradeResourceState',
      { type_name: 'mlp_access_token', version: 9, raw_state: { json: Buffer.from('{}') } },
      (r) => provider.upgradeResourceState(r),
    );
    expect(reply.diagnostics![0]).toMatchObject({ severity: 1, summary: 'State written by a newer provider' });
    expect(reply.diagnostics![0]!.detail).toMatch(/schema version 9/);
  });

  test('GIVEN a bad endpoint and duration WHEN the provider config is validated THEN each diagnostic points at its attribute', () => {
    const provider = createProvider({ env: {} });
    const reply = provider.validateProviderConfig({
      config: encodeDynamic({ ...nulls(PROVIDER_TYPE), endpoint: 'ftp://x', request_timeout: '10 s', max_retries: 1.5 }, PROVIDER_TYPE),
    });
    expect(reply.diagnostics!.map((d) => d.attribute)).toEqual([['endpoint'], ['request_timeout'], ['max_retries']]);
  });

  test('GIVEN a bad MLP_ENDPOINT WHEN configured THEN the diagnostic says where it came from', () => {
    const provider = createProvider({ env: { MLP_ENDPOINT: 'not a url' } });
    const reply = provider.configureProvider({ terraform_version: '1.11.4', config: encodeDynamic(nulls(PROVIDER_TYPE), PROVIDER_TYPE) });
    expect(reply.diagnostics![0]!.detail).toMatch(/from MLP_ENDPOINT/);
  });

  test('GIVEN an MLP_TOKEN that cannot be a token (white space, too short) WHEN configured THEN the error says so, without the value', () => {
    for (const bad of ['Bearer abcdefghijklmnopqrstuvwxyz0123456789', 'short-token-value']) {
      const provider = createProvider({ env: { MLP_TOKEN: bad } });
      const reply = provider.configureProvider({ terraform_version: '1.11.4', config: encodeDynamic(nulls(PROVIDER_TYPE), PROVIDER_TYPE) });
      const text = JSON.stringify(reply.diagnostics);
      expect(reply.diagnostics![0]!.severity).toBe('error');
      expect(text).toMatch(/from MLP_TOKEN/);
      expect(text).not.toContain(bad);
    }
  });

  test('GIVEN an unknown resource type WHEN validated THEN a diagnostic lists the types there are', async () => {
    const provider = configured();
    const reply = await runRpc('ValidateResourceConfig', { type_name: 'mlp_nope' }, (r) => provider.validateResourceConfig(r));
    expect(reply.diagnostics![0]!.detail).toMatch(/no resource type "mlp_nope".*mlp_access_token/);
  });
});
