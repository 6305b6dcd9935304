import { FakeClock } from '../../lib/provider/clock';
import { type ObjectValue, UNKNOWN, type Value } from '../../lib/provider/codec';
import { DiagnosticError } from '../../lib/provider/diagnostics';
import type { ResourceHandler } from '../../lib/provider/handler';
import { registerToken as impl } from '../../lib/provider/resources/register-token';

const registerToken: ResourceHandler = impl;
import { FakeMlp, context } from './fakes';

const obj = (values: Record<string, Value>): ObjectValue => ({ ...Object.fromEntries(Object.keys(registerToken.schema.attributes).map((k) => [k, null])), ...values });
const proposedFrom = (config: ObjectValue, prior: ObjectValue | null): ObjectValue => ({
  ...config,
  id: prior?.id ?? null,
  value: prior?.value ?? null,
  expires_at: prior?.expires_at ?? null,
  role: config.role ?? prior?.role ?? null,
});

async function minted(config: ObjectValue) {
  const clock = new FakeClock();
  const api = new FakeMlp(clock);
  const ctx = context(clock, api);
  const { planned } = await registerToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx);
  expect(planned).toMatchObject({ id: UNKNOWN, value: UNKNOWN, expires_at: UNKNOWN, role: 'user' });
  const state = (await registerToken.create({ prior: null, planned, config }, ctx))!;
  return { clock, api, state };
}

describe('mlp_register_token', () => {
  test('GIVEN name and ttl WHEN created THEN a registration token is minted for that name', async () => {
    const { api, state } = await minted(obj({ name: 'worker', ttl: '1h', access_token_ttl: '24h' }));
    expect(state).toMatchObject({ name: 'worker', role: 'user', expires_at: '2026-01-01T01:00:00Z' });
    expect(api.registerTokens.get(state.value as string)).toMatchObject({ name: 'worker', refreshTtl: '24h' });
  });

  test('GIVEN an expired or redeemed registration token WHEN read and planned THEN it is kept, not replaced', async () => {
    const config = obj({ name: 'worker', ttl: '1h' });
    const { api, clock, state } = await minted(config);
    await api.client().redeemRegisterToken(state.value as string);
    clock.advance('2h');
    const ctx = context(clock, api);
    const read = await registerToken.read(state, context(clock, api));
    expect(read).toEqual(state);
    const { requiresReplace, planned } = await registerToken.plan({ prior: state, proposed: proposedFrom(config, state), config }, ctx);
    expect(requiresReplace).toEqual([]);
    expect(planned).toEqual(state);
  });

  test('GIVEN changed rotation_triggers WHEN planned THEN a new one is minted', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '1' } }));
    const config = obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '2' } });
    const { requiresReplace, planned } = await registerToken.plan({ prior: state, proposed: proposedFrom(config, state), config }, context(clock, api));
    expect(requiresReplace).toEqual(['rotation_triggers']);
    expect(planned.value).toBe(UNKNOWN);
  });

  test('GIVEN a registration token WHEN destroyed THEN it is only forgotten, with a warning naming its expiry', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h' }));
    const ctx = context(clock, api);
    await registerToken.delete(state, ctx);
    expect(api.registerTokens.size).toBe(1);
    expect(ctx.diagnostics.items[0]).toMatchObject({ severity: 'warning' });
    expect(ctx.diagnostics.items[0]!.detail).toMatch(/2026-01-01T01:00:00Z/);
  });

  test('throws when imported: there is nothing to import', async () => {
    const clock = new FakeClock();
    await expect(registerToken.import('worker', context(clock, new FakeMlp(clock)))).rejects.toBeInstanceOf(DiagnosticError);
  });
});
