import { FakeClock } from '../../lib/provider/clock';
import { type ObjectValue, UNKNOWN, type Value } from '../../lib/provider/codec';
import { DiagnosticError } from '../../lib/provider/diagnostics';
import type { ResourceHandler } from '../../lib/provider/handler';
import { accessToken as impl, computeRotateAt, plannedCreate } from '../../lib/provider/resources/access-token';

const accessToken: ResourceHandler = impl;
import { ADMIN_INFO, FakeMlp, context, validationOf } from './fakes';

const ATTRS = Object.keys(accessToken.schema.attributes);

/** A config/state object: every attribute null unless given. */
function obj(values: Record<string, Value>): ObjectValue {
  return { ...Object.fromEntries(ATTRS.map((k) => [k, null])), ...values };
}

/** What Terraform proposes: config, with prior values for computed attributes the config leaves null. */
function proposedFrom(config: ObjectValue, prior: ObjectValue | null): ObjectValue {
  const out: Record<string, Value> = { ...config };
  for (const [name, attr] of Object.entries(accessToken.schema.attributes)) {
    if ('computed' in attr && attr.computed && config[name] === null) out[name] = prior ? prior[name]! : null;
  }
  return out;
}

async function setup(config: ObjectValue, start = '2026-01-01T00:00:00Z') {
  const clock = new FakeClock(start);
  const api = new FakeMlp(clock);
  const ctx = context(clock, api);
  const plannedCreate = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
  const state = (await accessToken.create({ prior: null, planned: plannedCreate, config }, ctx))!;
  return {
    clock,
    api,
    state,
    plan: (cfg: ObjectValue, c = context(clock, api)) =>
      accessToken.plan({ prior: state, proposed: proposedFrom(cfg, state), config: cfg }, c),
  };
}

describe('mlp_access_token plan', () => {
  test('GIVEN no prior state WHEN planned THEN the API-decided values are unknown and role defaults to user', async () => {
    const clock = new FakeClock();
    const config = obj({ name: 'ci', ttl: '720h', early_rotation_window: '24h' });
    const { planned, requiresReplace } = await accessToken.plan(
      { prior: null, proposed: proposedFrom(config, null), config },
      context(clock, new FakeMlp(clock)),
    );
    expect(planned).toMatchObject({
      name: 'ci',
      role: 'user',
      id: UNKNOWN,
      value: UNKNOWN,
      created_at: UNKNOWN,
      expires_at: UNKNOWN,
      rotate_at: UNKNOWN,
    });
    expect(requiresReplace).toEqual([]);
  });

  test('GIVEN neither rotate_after nor a window WHEN planned THEN rotate_at is null, not unknown', async () => {
    const clock = new FakeClock();
    const config = obj({ name: 'ci' });
    const { planned } = await accessToken.plan(
      { prior: null, proposed: proposedFrom(config, null), config },
      context(clock, new FakeMlp(clock)),
    );
    expect(planned.rotate_at).toBeNull();
  });

  test('GIVEN a token before its rotation window WHEN planned THEN nothing changes', async () => {
    const config = obj({ name: 'ci', ttl: '720h', early_rotation_window: '24h' });
    const { clock, state, plan } = await setup(config);
    expect(state.rotate_at).toBe('2026-01-30T00:00:00Z');
    clock.advance('695h');
    const { planned, requiresReplace } = await plan(config);
    expect(requiresReplace).toEqual([]);
    expect(planned).toEqual(state);
  });

  test('GIVEN the clock inside the rotation window WHEN planned THEN rotate_at forces replacement, with a warning', async () => {
    const config = obj({ name: 'ci', ttl: '720h', early_rotation_window: '24h' });
    const { clock, api, plan } = await setup(config);
    clock.advance('696h');
    const ctx = context(clock, api);
    const { planned, requiresReplace } = await plan(config, ctx);
    expect(requiresReplace).toEqual(['rotate_at']);
    expect(planned).toMatchObject({ rotate_at: UNKNOWN, value: UNKNOWN, id: UNKNOWN, name: 'ci' });
    expect(ctx.diagnostics.items.map((d) => d.summary)).toEqual(['MLP token due for rotation']);
  });

  test('GIVEN rotate_after has passed WHEN planned THEN the token is replaced', async () => {
    const config = obj({ name: 'ci', rotate_after: '24h' });
    const { clock, plan } = await setup(config);
    clock.advance('23h59m59s');
    expect((await plan(config)).requiresReplace).toEqual([]);
    clock.advance('1s');
    expect((await plan(config)).requiresReplace).toEqual(['rotate_at']);
  });

  test('GIVEN an expired token without any rotation setting WHEN planned THEN expires_at forces replacement', async () => {
    const config = obj({ name: 'ci', ttl: '1h' });
    const { clock, plan } = await setup(config);
    clock.advance('1h');
    const { planned, requiresReplace } = await plan(config);
    expect(requiresReplace).toEqual(['expires_at']);
    expect(planned.expires_at).toBe(UNKNOWN);
  });

  test('GIVEN changed rotation_triggers WHEN planned THEN the token is replaced; an empty map equals none', async () => {
    const config = obj({ name: 'ci', rotation_triggers: { v: '1' } });
    const { plan } = await setup(config);
    expect((await plan(obj({ name: 'ci', rotation_triggers: { v: '2' } }))).requiresReplace).toEqual(['rotation_triggers']);
    expect((await plan(obj({ name: 'ci', rotation_triggers: { v: '1' } }))).requiresReplace).toEqual([]);
    const { plan: planNone } = await setup(obj({ name: 'ci2' }));
    expect((await planNone(obj({ name: 'ci2', rotation_triggers: {} }))).requiresReplace).toEqual([]);
  });

  test.each([
    ['name', { name: 'other' }],
    ['role', { role: 'admin' }],
    ['ttl', { ttl: '2h' }],
  ])('GIVEN a changed %s WHEN planned THEN the token is replaced', async (attr, change) => {
    const config = obj({ name: 'ci', ttl: '1h' });
    const { plan } = await setup(config);
    expect((await plan(obj({ ...config, ...change }))).requiresReplace).toEqual([attr]);
  });

  test('GIVEN only rotate_after and the window change WHEN planned and applied THEN the state updates without any API call', async () => {
    const config = obj({ name: 'ci', ttl: '720h' });
    const { clock, api, state, plan } = await setup(config);
    const calls = { ...api.calls };
    const next = obj({ name: 'ci', ttl: '720h', rotate_after: '240h', early_rotation_window: '48h' });
    const { planned, requiresReplace } = await plan(next);
    expect(requiresReplace).toEqual([]);
    expect(planned.rotate_at).toBe('2026-01-11T00:00:00Z');
    const applied = await accessToken.update({ prior: state, planned, config: next }, context(clock, api));
    expect(applied).toEqual(planned);
    expect(api.calls).toEqual(calls);
  });

  test('GIVEN a ttl respelled to the same length WHEN planned THEN it is an update, not a replacement', async () => {
    const { plan } = await setup(obj({ name: 'ci', ttl: '720h' }));
    const { requiresReplace, planned } = await plan(obj({ name: 'ci', ttl: '43200m' }));
    expect(requiresReplace).toEqual([]);
    expect(planned.ttl).toBe('43200m');
  });

  test('GIVEN a token redeemed from a registration token WHEN it expires THEN the plan warns instead of replacing', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const minted = await api.client('admin').mintRegisterToken({ clientName: 'worker', accessTtl: '1h', refreshTtl: '2h', role: 'user' });
    const config = obj({ register_token: minted.value.reveal() });
    const ctx = context(clock, api, false);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    expect(planned).toMatchObject({ name: UNKNOWN, role: UNKNOWN });
    const state = (await accessToken.create({ prior: null, planned, config }, ctx))!;
    expect(state).toMatchObject({ name: 'worker', role: 'user' });
    clock.advance('2h');
    const planCtx = context(clock, api, false);
    const { requiresReplace } = await accessToken.plan({ prior: state, proposed: proposedFrom(config, state), config }, planCtx);
    expect(requiresReplace).toEqual([]);
    expect(planCtx.diagnostics.items[0]).toMatchObject({
      severity: 'warning',
      summary: 'MLP token expired',
      attribute: ['register_token'],
    });
  });
});

describe('mlp_access_token validation', () => {
  const validate = (values: Record<string, Value>) => validationOf(accessToken.schema, obj(values));

  test('GIVEN a name, a ttl and a window shorter than it WHEN validated THEN there is no diagnostic', () => {
    expect(validate({ name: 'ci', ttl: '720h', early_rotation_window: '24h' })).toEqual([]);
  });

  test('GIVEN a window not shorter than the ttl WHEN validated THEN it reports an error at early_rotation_window', () => {
    const [d] = validate({ name: 'ci', ttl: '24h', early_rotation_window: '24h' });
    expect(d).toMatchObject({ severity: 'error', attribute: ['early_rotation_window'] });
  });

  test('GIVEN rotate_after not shorter than the ttl WHEN validated THEN it reports an error at rotate_after (as the constructs do)', () => {
    const [d] = validate({ name: 'ci', ttl: '24h', rotate_after: '1440m' });
    expect(d).toMatchObject({ severity: 'error', attribute: ['rotate_after'] });
    expect(validate({ name: 'ci', ttl: '24h', rotate_after: '12h' })).toEqual([]);
  });

  test('GIVEN name with name_prefix, or none of name, name_prefix, register_token WHEN validated THEN it reports the conflict or the missing name', () => {
    expect(validate({ name: 'a', name_prefix: 'b' })[0]!.summary).toMatch(/Conflicting name and name_prefix/);
    expect(validate({})[0]!.summary).toMatch(/Missing name or name_prefix or register_token/);
  });

  test('GIVEN a bad duration WHEN validated THEN it reports the attribute and how to write one', () => {
    const [d] = validate({ name: 'ci', ttl: '30d' });
    expect(d).toMatchObject({ attribute: ['ttl'] });
    expect(d!.detail).toMatch(/2h45m30s/);
  });

  test('GIVEN unknown values WHEN validated THEN they are skipped (they are checked again at apply)', () => {
    expect(validate({ name: UNKNOWN, ttl: UNKNOWN, early_rotation_window: '24h' })).toEqual([]);
  });
});

describe('mlp_access_token apply, read, import', () => {
  test('GIVEN name_prefix WHEN created THEN the name is the prefix plus 12 lowercase letters and digits', async () => {
    const { state } = await setup(obj({ name_prefix: 'ci-' }));
    expect(state.name).toMatch(/^ci-[a-z0-9]{12}$/);
  });

  test('GIVEN a lost redeem answer WHEN creating THEN the orphan is deleted and the token made again (one token, value held)', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    api.loseRedeems = 1;
    const config = obj({ name: 'ci' });
    const ctx = context(clock, api);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    const state = (await accessToken.create({ prior: null, planned, config }, ctx))!;
    expect(api.tokens.size).toBe(1);
    expect(api.tokens.get('ci')!.value).toBe(state.value);
    expect(api.calls).toMatchObject({ mint: 2, redeem: 2, delete: 1 });
    expect(ctx.diagnostics.items.map((d) => d.summary)).toEqual(['Recovered from a lost answer']);
  });

  test('GIVEN a token with the name that the state does not hold and replace_existing WHEN planned and created THEN the plan warns, and it is deleted and created again, with a warning saying why', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const orphan = await api
      .client('admin')
      .redeemRegisterToken((await api.client('admin').mintRegisterToken({ clientName: 'ci', accessTtl: '5m', role: 'user' })).value);
    const config = obj({ name: 'ci', replace_existing: true });
    const ctx = context(clock, api);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    expect(ctx.diagnostics.items).toEqual([
      expect.objectContaining({
        severity: 'warning',
        summary: 'An MLP token outside the state will be replaced',
        attribute: ['replace_existing'],
      }),
    ]);
    const applying = context(clock, api);
    const state = (await accessToken.create({ prior: null, planned, config }, applying))!;
    expect(api.tokens.size).toBe(1);
    expect(api.tokens.get('ci')!.value).toBe(state.value);
    expect(state.value).not.toBe(orphan.value.reveal());
    expect(api.calls).toMatchObject({ mint: 3, redeem: 2, delete: 1 });
    expect(applying.diagnostics.items).toEqual([
      expect.objectContaining({ severity: 'warning', summary: 'Replaced an MLP token that the state did not know' }),
    ]);
    expect(applying.diagnostics.items[0]!.detail).toMatch(/409 Conflict at mint.*terraform import/s);
  });

  test('GIVEN a token with the name that the state does not hold WHEN planned THEN the plan fails naming it, when and by whom it was made, and the ways out; nothing is deleted', async () => {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const api = new FakeMlp(clock);
    await api
      .client('admin')
      .redeemRegisterToken((await api.client('admin').mintRegisterToken({ clientName: 'prod-ci', accessTtl: '5m', role: 'user' })).value);
    const config = obj({ name: 'prod-ci' });
    const err = (await accessToken
      .plan({ prior: null, proposed: proposedFrom(config, null), config }, context(clock, api))
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]).toMatchObject({
      severity: 'error',
      summary: 'An MLP token of that name exists outside this state',
      attribute: ['name'],
    });
    expect(err.diagnostics[0]!.detail).toMatch(
      /"prod-ci".*created 2026-03-01T10:00:00Z by "admin@example\.ru".*terraform import mlp_access_token\.<address> prod-ci.*replace_existing = true/s,
    );
    expect(api.calls).toMatchObject({ delete: 0, mint: 1 });
  });

  test('GIVEN the name was taken after the plan WHEN created without replace_existing THEN the 409 fails the create and nothing is deleted', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const config = obj({ name: 'ci' });
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, context(clock, api))).planned;
    const other = await api
      .client('admin')
      .redeemRegisterToken((await api.client('admin').mintRegisterToken({ clientName: 'ci', accessTtl: '5m', role: 'user' })).value);
    const err = (await accessToken
      .create({ prior: null, planned, config }, context(clock, api))
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]!.summary).toBe('An MLP token of that name exists outside this state');
    expect(api.tokens.get('ci')!.value).toBe(other.value.reveal());
    expect(api.calls.delete).toBe(0);
  });

  test('GIVEN a replacement of a token the state holds WHEN its create half is planned THEN the name it reuses is no conflict', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci', rotation_triggers: { v: '1' } }));
    const ctx = context(clock, api);
    const config = obj({ name: 'ci', rotation_triggers: { v: '2' } });
    expect((await accessToken.plan({ prior: state, proposed: proposedFrom(config, state), config }, ctx)).requiresReplace).toEqual([
      'rotation_triggers',
    ]);
    // Terraform then plans the create half with no prior state.
    await expect(accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).resolves.toMatchObject({
      requiresReplace: [],
    });
  });

  test('GIVEN a User provider token WHEN a create, a replacement or a destroy is planned THEN the plan fails: it needs an Administrator token; a redeem plans fine', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci', rotation_triggers: { v: '1' } }));
    const user = context(clock, api, true, 'user');
    const summaries = async (p: Promise<unknown>) =>
      ((await p.catch((e: unknown) => e)) as DiagnosticError).diagnostics.map((d) => d.summary);
    const create = obj({ name: 'other' });
    expect(await summaries(accessToken.plan({ prior: null, proposed: proposedFrom(create, null), config: create }, user))).toEqual([
      'Create the access token "other" needs an Administrator token',
    ]);
    const replace = obj({ name: 'ci', rotation_triggers: { v: '2' } });
    expect(await summaries(accessToken.plan({ prior: state, proposed: proposedFrom(replace, state), config: replace }, user))).toEqual([
      'Delete the access token "ci" needs an Administrator token',
    ]);
    expect(await summaries(accessToken.planDestroy(state, user))).toEqual(['Delete the access token "ci" needs an Administrator token']);
    const redeem = obj({ register_token: 'r'.repeat(40) });
    await expect(accessToken.plan({ prior: null, proposed: proposedFrom(redeem, null), config: redeem }, user)).resolves.toBeDefined();
    await expect(
      accessToken.plan({ prior: null, proposed: proposedFrom(redeem, null), config: redeem }, context(clock, api, false)),
    ).resolves.toBeDefined();
    expect(await summaries(accessToken.planDestroy(state, context(clock, api, false)))).toEqual([
      'No MLP token configured to delete the access token "ci"',
    ]);
  });

  test('GIVEN two resources of one run that name the same token WHEN both are created THEN the second throws and the first is not deleted', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const config = obj({ name: 'ci' });
    const ctx = context(clock, api);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    const first = (await accessToken.create({ prior: null, planned, config }, ctx))!;
    const err = (await accessToken.create({ prior: null, planned, config }, ctx).catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]!.summary).toBe('Two resources name the same MLP token');
    expect(api.tokens.get('ci')!.value).toBe(first.value);
  });

  test('GIVEN a lost redeem answer and a failing check WHEN creating THEN the token is returned without a value, with an error, so Terraform keeps it tainted', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    api.loseRedeems = 1;
    api.failLists = 1;
    const config = obj({ name_prefix: 'ci-' });
    const ctx = context(clock, api);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    const state = (await accessToken.create({ prior: null, planned, config }, ctx))!;
    const [name] = [...api.tokens.keys()];
    expect(state).toMatchObject({ name, name_prefix: 'ci-', value: null, id: null, role: 'user', rotate_at: null });
    expect(Object.values(state)).not.toContain(UNKNOWN);
    expect(ctx.diagnostics.items).toEqual([expect.objectContaining({ severity: 'error', summary: 'MLP token may have been created' })]);
    expect(ctx.diagnostics.items[0]!.detail).toMatch(/lost the connection.*next apply deletes the token by name/s);
  });

  test('GIVEN the token was deleted outside Terraform WHEN read THEN it leaves the state with a warning', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci' }));
    api.tokens.delete('ci');
    const ctx = context(clock, api);
    expect(await accessToken.read(state, ctx)).toBeNull();
    expect(ctx.diagnostics.items[0]).toMatchObject({ severity: 'warning', summary: 'MLP token no longer exists' });
  });

  test('GIVEN no provider token WHEN read THEN the token reads itself with its own value', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci' }));
    const ctx = context(clock, api, false);
    api.calls.whoami = 0;
    expect(await accessToken.read(state, ctx)).toEqual(state);
    expect(api.calls.whoami).toBe(1);
  });

  test('GIVEN a successor took the name (create_before_destroy with a fixed name) WHEN the old one is deleted THEN the successor is left alone, with a warning', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci' }));
    // The replacement's create met the name taken, reconciled it, and made a new token of that name.
    const ctx = context(clock, api);
    const config = obj({ name: 'ci', replace_existing: true });
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    const successor = (await accessToken.create({ prior: null, planned, config }, ctx))!;
    expect(successor.id).not.toBe(state.id);

    const deleting = context(clock, api);
    await accessToken.delete(state, deleting);

    expect(api.tokens.get('ci')!.id).toBe(successor.id);
    expect(api.calls.delete).toBe(1); // only the reconciliation's delete of the old token
    expect(deleting.diagnostics.items).toEqual([
      expect.objectContaining({ severity: 'warning', summary: 'Left the token of that name alone: it is not the one in the state' }),
    ]);
  });

  test('GIVEN the token in the state WHEN deleted THEN it is deleted by name after its id is confirmed', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci' }));
    await accessToken.delete(state, context(clock, api));
    expect(api.tokens.has('ci')).toBe(false);
    expect(api.calls.delete).toBe(1);
  });

  test("GIVEN replace_existing and the name of the provider's own token WHEN planned and created THEN both throw and nothing is deleted", async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const own = await api
      .client('admin')
      .redeemRegisterToken(
        (await api.client('admin').mintRegisterToken({ clientName: ADMIN_INFO.name, accessTtl: '5m', role: 'admin' })).value,
      );
    const config = obj({ name: ADMIN_INFO.name, replace_existing: true });
    const ctx = context(clock, api);
    const refused = (await accessToken
      .plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(refused.diagnostics[0]!.summary).toBe("The name belongs to the provider's own token");
    const err = (await accessToken
      .create({ prior: null, planned: plannedCreate(proposedFrom(config, null), config), config }, ctx)
      .catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]!.summary).toBe("The name belongs to the provider's own token");
    expect(api.tokens.get(ADMIN_INFO.name)!.value).toBe(own.value.reveal());
    expect(api.calls.delete).toBe(0);
  });

  test('GIVEN a 404 WHEN deleted THEN delete succeeds', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci' }));
    api.tokens.delete('ci');
    await expect(accessToken.delete(state, context(clock, api))).resolves.toBeUndefined();
  });

  test('GIVEN an existing token WHEN imported by name THEN metadata is set, value is null, and a warning says so', async () => {
    const { api, clock, state } = await setup(obj({ name: 'ci', ttl: '720h' }));
    const ctx = context(clock, api);
    const imported = await accessToken.import('ci', ctx);
    expect(imported).toMatchObject({
      id: state.id,
      name: 'ci',
      role: 'user',
      ttl: '720h',
      value: null,
      created_at: state.created_at,
      expires_at: state.expires_at,
    });
    expect(ctx.diagnostics.items[0]).toMatchObject({ summary: 'Imported token has no value', attribute: ['value'] });
  });

  test('GIVEN an imported token WHEN the configuration has rotation_triggers THEN the plan adopts them in place instead of replacing', async () => {
    const { api, clock } = await setup(obj({ name: 'ci', ttl: '720h' }));
    const ctx = context(clock, api);
    const imported = await accessToken.import('ci', ctx);
    const config = obj({ name: 'ci', ttl: '720h', rotation_triggers: { rotation: '1' } });

    const { requiresReplace, planned } = await accessToken.plan({ prior: imported, proposed: proposedFrom(config, imported), config }, ctx);

    expect(requiresReplace).toEqual([]);
    expect(planned.rotation_triggers).toEqual({ rotation: '1' });
    // Once adopted, a changed trigger replaces it as usual.
    const adopted = { ...imported, rotation_triggers: { rotation: '1' } };
    const changed = obj({ name: 'ci', ttl: '720h', rotation_triggers: { rotation: '2' } });
    expect(
      (await accessToken.plan({ prior: adopted, proposed: proposedFrom(changed, adopted), config: changed }, ctx)).requiresReplace,
    ).toEqual(['rotation_triggers']);
  });
});

describe('computeRotateAt', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const expires = new Date('2026-01-31T00:00:00Z');
  test.each([
    [null, null, null],
    ['240h', null, '2026-01-11T00:00:00.000Z'],
    [null, '24h', '2026-01-30T00:00:00.000Z'],
    ['720h', '24h', '2026-01-30T00:00:00.000Z'],
    ['24h', '24h', '2026-01-02T00:00:00.000Z'],
  ])('GIVEN rotate_after %s and window %s WHEN the rotation time is computed THEN it is %s', (after, window, expected) => {
    expect(computeRotateAt(created, expires, after, window)?.toISOString() ?? null).toBe(expected);
  });
  test('GIVEN a window and no expiry WHEN the rotation time is computed THEN the window does not apply (none)', () => {
    expect(computeRotateAt(created, null, null, '24h')).toBeNull();
  });
});

describe('mlp_access_token from a registration token', () => {
  test('GIVEN a configured name that the registration token does not carry WHEN created THEN the token is kept in state and the mismatch is an error', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const minted = await api.client('admin').mintRegisterToken({ clientName: 'worker', accessTtl: '1h', role: 'user' });
    const config = obj({ name: 'other', register_token: minted.value.reveal() });
    const ctx = context(clock, api, false);
    const planned = (await accessToken.plan({ prior: null, proposed: proposedFrom(config, null), config }, ctx)).planned;
    const state = await accessToken.create({ prior: null, planned, config }, ctx);
    expect(state).toMatchObject({ name: 'worker' });
    expect(ctx.diagnostics.items[0]).toMatchObject({ severity: 'error', attribute: ['name'] });
  });

  test('GIVEN a lost redeem answer WHEN the retry is refused THEN the orphan is deleted (admin, name known) and the error says to mint a new one', async () => {
    const clock = new FakeClock();
    const api = new FakeMlp(clock);
    const minted = await api.client('admin').mintRegisterToken({ clientName: 'worker', accessTtl: '1h', role: 'user' });
    api.loseRedeems = 1;
    const config = obj({ name: 'worker', register_token: minted.value.reveal() });
    const ctx = context(clock, api, true);
    const err = (await accessToken.create({ prior: null, planned: config, config }, ctx).catch((e: unknown) => e)) as DiagnosticError;
    expect(err).toBeInstanceOf(DiagnosticError);
    expect(err.diagnostics[0]!.detail).toMatch(/deleted that token/);
    expect(api.tokens.size).toBe(0);
  });
});

describe('mlp_access_token previous_token_grace (rotation with an overlap)', () => {
  const config = (release: string) => obj({ name_prefix: 'svc-', previous_token_grace: '1h', rotation_triggers: { release } });

  test('GIVEN changed triggers WHEN planned and updated THEN it rotates in place, the old token retired (still in the API) until now + grace', async () => {
    const { api, clock, state, plan } = await setup(config('1'));
    expect(state.retired_tokens).toEqual([]);
    const ctx = context(clock, api);
    const { planned, requiresReplace } = await plan(config('2'), ctx);
    expect(requiresReplace).toEqual([]);
    expect(planned).toMatchObject({
      id: UNKNOWN,
      value: UNKNOWN,
      name: UNKNOWN,
      retired_tokens: [{ name: state.name, id: state.id, revoke_after: UNKNOWN }],
    });
    expect(ctx.diagnostics.items.map((d) => d.summary)).toEqual(['MLP token rotates in place, with an overlap']);
    const next = await accessToken.update({ prior: state, planned, config: config('2') }, context(clock, api));
    expect(next.name).not.toBe(state.name);
    expect(next.retired_tokens).toEqual([{ name: state.name, id: state.id, revoke_after: '2026-01-01T01:00:00Z' }]);
    expect([...api.tokens.keys()].sort()).toEqual([state.name, next.name].sort());
  });

  test('GIVEN a retired token past its grace WHEN planned THEN it leaves the list with a warning; WHEN updated THEN it is deleted; destroy deletes current and retired', async () => {
    const { api, clock, state, plan } = await setup(config('1'));
    const rotated = await accessToken.update(
      { prior: state, planned: (await plan(config('2'))).planned, config: config('2') },
      context(clock, api),
    );
    const again = (cfg: ObjectValue, c = context(clock, api)) =>
      accessToken.plan({ prior: rotated, proposed: proposedFrom(cfg, rotated), config: cfg }, c);
    clock.advance('59m');
    expect((await again(config('2'))).planned).toEqual(rotated);
    clock.advance('1m');
    const ctx = context(clock, api);
    const { planned, requiresReplace } = await again(config('2'), ctx);
    expect(requiresReplace).toEqual([]);
    expect(planned.retired_tokens).toEqual([]);
    expect(planned.id).toBe(rotated.id);
    expect(ctx.diagnostics.items.map((d) => d.summary)).toEqual(['Retired MLP token will be revoked']);
    const revoked = await accessToken.update({ prior: rotated, planned, config: config('2') }, context(clock, api));
    expect(revoked.retired_tokens).toEqual([]);
    expect([...api.tokens.keys()]).toEqual([rotated.name]);

    const third = await accessToken.update(
      {
        prior: revoked,
        planned: (
          await accessToken.plan({ prior: revoked, proposed: proposedFrom(config('3'), revoked), config: config('3') }, context(clock, api))
        ).planned,
        config: config('3'),
      },
      context(clock, api),
    );
    expect(api.tokens.size).toBe(2);
    await accessToken.delete(third, context(clock, api));
    expect(api.tokens.size).toBe(0);
  });

  test('GIVEN previous_token_grace with a fixed name, a register_token or a bad duration WHEN validated THEN each is an error', () => {
    const summaries = (c: ObjectValue) => validationOf(accessToken.schema, c).map((d) => d.summary);
    expect(summaries(obj({ name: 'svc', previous_token_grace: '1h' }))).toEqual(['Conflicting previous_token_grace and name']);
    expect(summaries(obj({ register_token: 'r'.repeat(40), previous_token_grace: '1h' }))).toEqual([
      'Conflicting previous_token_grace and register_token',
    ]);
    expect(summaries(obj({ name_prefix: 'svc-', previous_token_grace: 'a day' }))).toEqual(['Invalid previous_token_grace']);
    // An in-place rotation would store the new value unsealed.
    expect(summaries(obj({ name_prefix: 'svc-', previous_token_grace: '1h', seal_to: ['age1x'] }))).toContain(
      'Conflicting previous_token_grace and seal_to',
    );
  });

  test('GIVEN a grace longer than the schedule leaves the retired token to live WHEN validated THEN it is an error', () => {
    const details = (c: ObjectValue) => validationOf(accessToken.schema, c).map((d) => `${d.summary}: ${d.detail}`);
    // rotate_after 167h of a 180h token leaves 13h: a 36h grace would end after its expiry.
    const tooLong = details(obj({ name_prefix: 'svc-', ttl: '180h', rotate_after: '167h', previous_token_grace: '36h' }));
    expect(tooLong).toEqual([
      expect.stringMatching(/^Invalid previous_token_grace: .*longer than the 13h a retired token has left to live/),
    ]);
    // The window alone: rotation at expiry - 24h leaves 24h.
    expect(details(obj({ name_prefix: 'svc-', ttl: '720h', early_rotation_window: '24h', previous_token_grace: '25h' }))).toHaveLength(1);
    // Either schedule that leaves enough is fine: rotation comes at the earlier time, leaving the longer of the two.
    expect(details(obj({ name_prefix: 'svc-', ttl: '240h', rotate_after: '167h', previous_token_grace: '36h' }))).toEqual([]);
    expect(
      details(obj({ name_prefix: 'svc-', ttl: '180h', rotate_after: '167h', early_rotation_window: '48h', previous_token_grace: '36h' })),
    ).toEqual([]);
    // No schedule (rotation by triggers only): nothing to check against.
    expect(details(obj({ name_prefix: 'svc-', ttl: '1h', previous_token_grace: '36h' }))).toEqual([]);
  });

  test('GIVEN a token that expires before its grace would end WHEN rotated in place THEN revoke_after is its expiry, never later', async () => {
    const cfg = (release: string) => obj({ name_prefix: 'svc-', ttl: '2h', previous_token_grace: '1h', rotation_triggers: { release } });
    const { api, clock, state, plan } = await setup(cfg('1'));
    clock.advance('90m'); // 30 minutes left of the old token's 2h
    const { planned } = await plan(cfg('2'), context(clock, api));
    const next = await accessToken.update({ prior: state, planned, config: cfg('2') }, context(clock, api));
    expect(next.retired_tokens).toEqual([{ name: state.name, id: state.id, revoke_after: state.expires_at }]);
  });
});

describe('mlp_access_token generation', () => {
  const grace = (release: string, extra: Record<string, Value> = {}) =>
    obj({ name_prefix: 'svc-', ttl: '720h', rotate_after: '240h', previous_token_grace: '1h', rotation_triggers: { release }, ...extra });

  test('GIVEN previous_token_grace WHEN created, rotated by time, then by rotation_triggers THEN generation goes 1 -> 2 -> 3; an update that is not a rotation (rotate_after) leaves it', async () => {
    const { api, clock, state } = await setup(grace('1'));
    expect(state.generation).toBe(1);
    const step = async (prior: ObjectValue, cfg: ObjectValue) => {
      const { planned, requiresReplace } = await accessToken.plan(
        { prior, proposed: proposedFrom(cfg, prior), config: cfg },
        context(clock, api),
      );
      expect(requiresReplace).toEqual([]);
      return { planned, next: await accessToken.update({ prior, planned, config: cfg }, context(clock, api)) };
    };
    // Not yet due: nothing changes, generation included.
    expect((await step(state, grace('1'))).next.generation).toBe(1);

    clock.advance('240h');
    const byTime = await step(state, grace('1'));
    expect(byTime.planned.generation).toBe(2);
    expect(byTime.next).toMatchObject({ generation: 2, id: expect.any(String) });
    expect(byTime.next.id).not.toBe(state.id);

    const byTriggers = await step(byTime.next, grace('2'));
    expect(byTriggers.planned.generation).toBe(3);
    expect(byTriggers.next.generation).toBe(3);

    const calls = { ...api.calls };
    const settingOnly = await step(byTriggers.next, grace('2', { rotate_after: '300h' }));
    expect(settingOnly.planned).toMatchObject({ generation: 3, id: byTriggers.next.id });
    expect(settingOnly.next.generation).toBe(3);
    expect(api.calls.mint).toBe(calls.mint);
  });

  test('GIVEN no previous_token_grace WHEN rotation_triggers change THEN it is a replacement and the new object starts again at 1 (Terraform plans it with no prior state)', async () => {
    const config = (n: string) => obj({ name: 'ci', ttl: '720h', rotation_triggers: { n } });
    const { api, clock, plan, state } = await setup(config('1'));
    expect(state.generation).toBe(1);
    const ctx = context(clock, api);
    expect((await plan(config('2'), ctx)).requiresReplace).toEqual(['rotation_triggers']);
    // The create half, as Terraform plans it (again at apply): prior null.
    const createHalf = await accessToken.plan({ prior: null, proposed: proposedFrom(config('2'), null), config: config('2') }, ctx);
    expect(createHalf.planned.generation).toBe(1);
  });

  test('GIVEN an import, or a state from before generation existed WHEN imported, read or rotated THEN it counts as 1', async () => {
    const { api, clock, state } = await setup(grace('1'));
    expect((await accessToken.import(String(state.name), context(clock, api))).generation).toBe(1);
    const old = { ...state, generation: null };
    expect((await accessToken.read(old, context(clock, api)))!.generation).toBe(1);
    const { planned } = await accessToken.plan(
      { prior: old, proposed: proposedFrom(grace('2'), old), config: grace('2') },
      context(clock, api),
    );
    expect(planned.generation).toBe(2);
  });
});
