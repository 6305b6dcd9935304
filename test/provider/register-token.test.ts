import { FakeClock } from '../../lib/provider/clock';
import { type ObjectValue, UNKNOWN, type Value } from '../../lib/provider/codec';
import { DiagnosticError } from '../../lib/provider/diagnostics';
import type { ResourceHandler } from '../../lib/provider/handler';
import { registerToken as impl } from '../../lib/provider/resources/register-token';

const registerToken: ResourceHandler = impl;
import { FakeMlp, context, objectOf, validationOf } from './fakes';

const obj = (values: Record<string, Value>): ObjectValue => objectOf(registerToken.schema, values);
const proposedFrom = (config: ObjectValue, prior: ObjectValue | null): ObjectValue => ({
  ...config,
  id: prior?.id ?? null,
  value: prior?.value ?? null,
  expires_at: prior?.expires_at ?? null,
  generation: prior?.generation ?? null,
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

  test('GIVEN changed rotation_triggers WHEN planned and applied THEN a new one is minted in place (an update, with a warning that the old one cannot be revoked), generation 1 -> 2', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '1' } }));
    expect(state.generation).toBe(1);
    const config = obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '2' } });
    const ctx = context(clock, api);
    const result = await registerToken.plan({ prior: state, proposed: proposedFrom(config, state), config }, ctx);
    expect(result).toMatchObject({ requiresReplace: [], reissues: true });
    expect(result.planned).toMatchObject({ value: UNKNOWN, id: UNKNOWN, expires_at: UNKNOWN, name: 'worker', generation: 2 });
    expect(ctx.diagnostics.items).toEqual([
      expect.objectContaining({
        severity: 'warning',
        summary: 'Registration token re-issued in place',
        detail: expect.stringMatching(/generation 1 -> 2.*cannot be revoked.*until it expires at 2026-01-01T01:00:00Z/),
      }),
    ]);
    const applyCtx = context(clock, api);
    const next = await registerToken.update({ prior: state, planned: result.planned, config }, applyCtx);
    expect(next).toMatchObject({ name: 'worker', generation: 2 });
    expect(next.value).not.toBe(state.value);
    expect(api.registerTokens.get(next.value as string)).toMatchObject({ name: 'worker' });
    expect(applyCtx.diagnostics.items.map((d) => d.summary)).toEqual(['Registration token removed from state only']);
    // A respelled ttl of the same length is no re-issue: nothing minted, generation kept.
    const respelled = obj({ name: 'worker', ttl: '60m', rotation_triggers: { n: '2' } });
    const same = await registerToken.plan({ prior: next, proposed: proposedFrom(respelled, next), config: respelled }, context(clock, api));
    expect(same.planned).toMatchObject({ value: next.value, generation: 2 });
    expect(await registerToken.read({ ...next, generation: null }, context(clock, api))).toMatchObject({ generation: 1 });
  });

  test('GIVEN a registration token WHEN destroyed THEN it is only forgotten, with a warning naming its expiry', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h' }));
    const ctx = context(clock, api);
    await registerToken.delete(state, ctx);
    expect(api.registerTokens.size).toBe(1);
    expect(ctx.diagnostics.items[0]).toMatchObject({ severity: 'warning' });
    expect(ctx.diagnostics.items[0]!.detail).toMatch(/2026-01-01T01:00:00Z/);
  });

  test('GIVEN a fixed name whose access token exists (redeemed) WHEN re-issued by rotation_triggers THEN the plan fails with the way out (name_prefix), and nothing is minted', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '1' } }));
    await api.client().redeemRegisterToken(state.value as string);
    const config = obj({ name: 'worker', ttl: '1h', rotation_triggers: { n: '2' } });
    const mints = api.calls.mint;
    const err = (await registerToken
      .plan({ prior: state, proposed: proposedFrom(config, state), config }, context(clock, api))
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]).toMatchObject({ summary: 'An access token of that name exists', attribute: ['name'] });
    expect(err.diagnostics[0]!.detail).toMatch(/use name_prefix instead of name/);
    expect(api.calls.mint).toBe(mints);
  });

  test('GIVEN name_prefix WHEN planned and created THEN the name is unknown at plan and a new one per mint; name and name_prefix conflict, and one is needed', async () => {
    const { api, clock, state } = await minted(obj({ name_prefix: 'worker-', ttl: '1h', rotation_triggers: { n: '1' } }));
    expect(state.name).toMatch(/^worker-[a-z0-9]{12}$/);
    await api.client().redeemRegisterToken(state.value as string);
    const config = obj({ name_prefix: 'worker-', ttl: '1h', rotation_triggers: { n: '2' } });
    const ctx = context(clock, api);
    const { planned, requiresReplace } = await registerToken.plan(
      { prior: state, proposed: { ...proposedFrom(config, state), name: state.name! }, config },
      ctx,
    );
    expect(requiresReplace).toEqual([]);
    expect(planned).toMatchObject({ name: UNKNOWN, generation: 2 });
    const next = await registerToken.update({ prior: state, planned, config }, ctx);
    expect(next.name).not.toBe(state.name);
    expect(next.generation).toBe(2);
    const validation = (c: ObjectValue) => validationOf(registerToken.schema, c).map((d) => d.summary);
    expect(validation(obj({ name: 'a', name_prefix: 'b-', ttl: '1h' }))).toEqual(['Conflicting name and name_prefix']);
    expect(validation(obj({ ttl: '1h' }))).toEqual(['Missing name or name_prefix']);
  });

  test('GIVEN a User provider token WHEN a mint is planned THEN the plan fails: it needs an Administrator token', async () => {
    const clock = new FakeClock();
    const config = obj({ name: 'worker', ttl: '1h' });
    const err = (await registerToken
      .plan({ prior: null, proposed: proposedFrom(config, null), config }, context(clock, new FakeMlp(clock), true, 'user'))
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(err.diagnostics.map((d) => d.summary)).toEqual(['Mint a registration token for "worker" needs an Administrator token']);
  });

  test('GIVEN redeemed, expired, unused or unknowable WHEN destroyed THEN the warning says which', async () => {
    const { api, clock, state } = await minted(obj({ name: 'worker', ttl: '1h' }));
    const notice = async (c = context(clock, api)) => {
      await registerToken.delete(state, c);
      return c.diagnostics.items[0]!;
    };
    expect(await notice()).toMatchObject({
      summary: 'Registration token removed from state only',
      detail: expect.stringMatching(/No access token named "worker" exists.*until it expires at 2026-01-01T01:00:00Z/),
    });
    expect(await notice(context(clock, api, false))).toMatchObject({ detail: expect.stringMatching(/could not be checked/) });
    await api.client().redeemRegisterToken(state.value as string);
    expect(await notice()).toMatchObject({ summary: 'Registration token already redeemed' });
    api.tokens.clear();
    clock.advance('2h');
    expect(await notice()).toMatchObject({ summary: 'Registration token removed from state; it had expired' });
  });

  test('GIVEN a registration token name WHEN imported THEN it throws a DiagnosticError (there is nothing to import)', async () => {
    const clock = new FakeClock();
    await expect(registerToken.import('worker', context(clock, new FakeMlp(clock)))).rejects.toBeInstanceOf(DiagnosticError);
  });
});
