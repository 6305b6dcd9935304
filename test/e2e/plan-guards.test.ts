/**
 * What a plan refuses, with real Terraform against the emulator, before anything changes: a create
 * whose fixed name a token outside the state holds (unless `replace_existing` opts in), a create,
 * destroy or list with a User token, a registration token re-issued for a name whose access token
 * exists (and the `name_prefix` that makes re-issuing work); and what destroying a registration token
 * says: redeemed, expired, or possibly still redeemable. Every scenario ends with the leak check.
 */
import { E2EWorkdir, emulatorSuite, tokenAccepted, projectTokenNames, oneLine } from './harness';

jest.setTimeout(240_000);

const suite = emulatorSuite();
const secrets = new Set<string>();
beforeAll(() => {
  secrets.add(suite.emulator.adminToken);
});

async function valueOf(w: E2EWorkdir, address: string): Promise<string> {
  const value = (await w.resource(address))?.value;
  if (typeof value !== 'string') throw new Error(`${address} has no value in the state`);
  secrets.add(value);
  return value;
}

describe('a create that names a token the state does not hold', () => {
  test('GIVEN a console-made prod-ci WHEN a configuration names it THEN the plan fails naming it, its creation time and issuer and the ways out; nothing is deleted; import adopts it', async () => {
    const { emulator } = suite;
    emulator.clock.set(new Date('2026-05-04T03:02:01Z'));
    const live = emulator.createToken({ name: 'prod-ci', role: 'user', issuerName: 'alice@example.ru' });
    secrets.add(live.value);
    const w = suite.workdir('foreign');
    w.writeConfig({ resource: { mlp_access_token: { mine: { name: 'prod-ci' } } } });
    await w.init();

    const plan = await w.plan([], { check: false });
    const text = oneLine(plan.text);
    expect(plan.changes).toBe(false);
    expect(text).toMatch(/Error: An MLP token of that name exists outside this state/);
    expect(text).toMatch(/"prod-ci"/);
    expect(text).toMatch(/created 2026-05-04T03:02:0[12](\.\d+)?Z by "alice@example\.ru"/);
    expect(text).toMatch(/terraform import mlp_access_token\.<address> prod-ci/);
    expect(text).toMatch(/replace_existing = true/);
    expect(text).toMatch(/with mlp_access_token\.mine/);
    const applied = await w.apply([], { check: false });
    expect(applied.code).not.toBe(0);
    expect(emulator.counters()).toMatchObject({ mint: 0, redeem: 0, delete: 0 });
    expect(await tokenAccepted(emulator.url, live.value)).toBe(true);

    // The way out it names: import, after which the plan is clean and nothing was replaced.
    await w.run(['import', '-input=false', '-no-color', 'mlp_access_token.mine', 'prod-ci']);
    expect((await w.plan()).changes).toBe(false);
    expect(await tokenAccepted(emulator.url, live.value)).toBe(true);
    await w.destroy();
    expect(projectTokenNames(suite.emulator)).toEqual([]);
    await w.assertNoSecrets(secrets);
  });

  test('GIVEN replace_existing = true WHEN a token of that name exists outside the state THEN the plan warns what it will replace, and the apply replaces it', async () => {
    const { emulator } = suite;
    const orphan = emulator.createToken({ name: 'fleet-7', role: 'user' });
    secrets.add(orphan.value);
    const w = suite.workdir('opt-in');
    w.writeConfig({ resource: { mlp_access_token: { fleet: { name: 'fleet-7', replace_existing: true } } } });
    await w.init();
    const plan = await w.plan();
    expect(plan).toMatchObject({ changes: true, add: 1 });
    expect(plan.text).toMatch(/Warning: An MLP token outside the state will be replaced/);
    expect(emulator.counters().delete).toBe(0);

    const applied = await w.apply();
    expect(`${applied.stdout}${applied.stderr}`).toMatch(/Replaced an MLP token that the state did not know/);
    const value = await valueOf(w, 'mlp_access_token.fleet');
    expect(projectTokenNames(suite.emulator)).toEqual(['fleet-7']);
    expect(await tokenAccepted(emulator.url, orphan.value)).toBe(false);
    expect(await tokenAccepted(emulator.url, value)).toBe(true);
    expect((await w.plan()).changes).toBe(false);
    await w.destroy();
    expect(projectTokenNames(suite.emulator)).toEqual([]);
    await w.assertNoSecrets(secrets);
  });
});

describe('a User token where an Administrator token is needed', () => {
  test('GIVEN a User token WHEN a create, a list or a destroy is planned THEN the plan fails saying it needs an Administrator token, before any change; a redeem plans and applies with a User token or none', async () => {
    const { emulator } = suite;
    const user = emulator.createToken({ name: 'just-a-user', role: 'user' });
    secrets.add(user.value);
    const asUser = { env: { MLP_TOKEN: user.value } };

    // Create: refused at plan.
    const w = suite.workdir('user-plan', { token: user.value });
    w.writeConfig({
      resource: { mlp_access_token: { wanted: { name: 'wanted' } }, mlp_register_token: { handoff: { name: 'handed', ttl: '1h' } } },
    });
    await w.init();
    emulator.resetCounters();
    const plan = await w.plan([], { check: false });
    expect(plan.text).toMatch(/Error: Create the access token "wanted" needs an Administrator token/);
    expect(plan.text).toMatch(/Error: Mint a registration token for "handed" needs an Administrator token/);
    expect(emulator.counters()).toMatchObject({ whoami: 1, mint: 0, redeem: 0, delete: 0 });

    // List: the mlp_tokens data source, read at plan.
    w.writeConfig({ data: { mlp_tokens: { all: {} } } });
    expect((await w.plan([], { check: false })).text).toMatch(/needs an Administrator token/);

    // Destroy: created by an admin, destroyed with a User token (without refresh, which would list).
    w.writeConfig({ resource: { mlp_access_token: { wanted: { name: 'wanted' } } } });
    await w.apply([], { env: { MLP_TOKEN: emulator.adminToken } });
    await valueOf(w, 'mlp_access_token.wanted');
    const destroy = await w.destroy(['-refresh=false'], { ...asUser, check: false });
    expect(destroy.code).not.toBe(0);
    expect(`${destroy.stdout}${destroy.stderr}`).toMatch(/Delete the access token "wanted" needs an Administrator token/);
    expect(`${destroy.stdout}${destroy.stderr}`).not.toMatch(/Destroying\.\.\./);
    expect(projectTokenNames(suite.emulator)).toEqual(['just-a-user', 'wanted']);
    await w.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });

    // Redeem: needs no credentials; a User token or none plans and applies.
    const minter = suite.workdir('user-minter');
    minter.writeConfig({
      resource: { mlp_register_token: { a: { name: 'redeemed-a', ttl: '1h' }, b: { name: 'redeemed-b', ttl: '1h' } } },
      output: {
        a: { value: '${mlp_register_token.a.value}', sensitive: true },
        b: { value: '${mlp_register_token.b.value}', sensitive: true },
      },
    });
    await minter.init();
    await minter.apply();
    const [a, b] = [await valueOf(minter, 'mlp_register_token.a'), await valueOf(minter, 'mlp_register_token.b')];
    for (const [label, token, registration] of [
      ['user', user.value, a],
      ['none', undefined, b],
    ] as const) {
      const holder = suite.workdir(`redeem-${label}`, { token, env: { TF_VAR_register_token: registration } });
      holder.writeConfig({
        variable: { register_token: { type: 'string', sensitive: true } },
        resource: { mlp_access_token: { team: { register_token: '${var.register_token}' } } },
      });
      await holder.init();
      expect(await holder.plan()).toMatchObject({ changes: true, add: 1 });
      await holder.apply();
      await valueOf(holder, 'mlp_access_token.team');
      // The next plan refreshes it: a User token cannot list, so the token reads itself; no change.
      emulator.resetCounters();
      expect((await holder.plan()).changes).toBe(false);
      expect(emulator.counters().list).toBeLessThanOrEqual(1);
      await holder.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });
      await holder.assertNoSecrets(secrets);
    }
    await minter.destroy();
    expect(projectTokenNames(suite.emulator)).toEqual(['just-a-user']);
    for (const dir of [w, minter]) await dir.assertNoSecrets(secrets);
  });
});

describe('re-issuing a registration token', () => {
  test('GIVEN a fixed-name registration token that was redeemed WHEN only rotation_triggers change THEN the plan fails with the way out, and the hand-off stays in the state; with name_prefix each re-issue mints a new name', async () => {
    const { emulator } = suite;
    const minter = suite.workdir('reissue-minter');
    const fixed = (issue: string) => ({
      resource: { mlp_register_token: { handoff: { name: 'worker', ttl: '1h', rotation_triggers: { issue } } } },
      output: { handoff: { value: '${mlp_register_token.handoff.value}', sensitive: true } },
    });
    minter.writeConfig(fixed('1'));
    await minter.init();
    await minter.apply();
    const first = await valueOf(minter, 'mlp_register_token.handoff');
    const holder = suite.workdir('reissue-holder', { token: undefined, env: { TF_VAR_register_token: first } });
    const holderConfig = {
      variable: { register_token: { type: 'string', sensitive: true } },
      resource: { mlp_access_token: { team: { register_token: '${var.register_token}', lifecycle: { create_before_destroy: true } } } },
    };
    holder.writeConfig(holderConfig);
    await holder.init();
    await holder.apply();
    await valueOf(holder, 'mlp_access_token.team');
    expect(projectTokenNames(suite.emulator)).toEqual(['worker']);

    // Fixed name, re-issued: refused at plan (the mint would be refused after the old one was destroyed).
    minter.writeConfig(fixed('2'));
    const refused = await minter.plan([], { check: false });
    expect(refused.text).toMatch(/Error: An access token of that name exists/);
    expect(refused.text).toMatch(/use name_prefix instead of name/);
    expect(refused.text).not.toMatch(/Plan: /);
    const apply = await minter.apply([], { check: false });
    expect(apply.code).not.toBe(0);
    expect((await minter.resource('mlp_register_token.handoff'))?.value).toBe(first);

    // name_prefix: every issue names a new token, so it mints while the redeemed one exists.
    const prefixed = (issue: string) => ({
      resource: { mlp_register_token: { handoff: { name_prefix: 'worker-', ttl: '1h', rotation_triggers: { issue } } } },
      output: { handoff: { value: '${mlp_register_token.handoff.value}', sensitive: true } },
    });
    minter.writeConfig(prefixed('2'));
    await minter.apply();
    const second = await valueOf(minter, 'mlp_register_token.handoff');
    const secondName = String((await minter.resource('mlp_register_token.handoff'))?.name);
    expect(secondName).toMatch(/^worker-[a-z0-9]{12}$/);
    expect((await minter.plan()).changes).toBe(false);
    minter.writeConfig(prefixed('3'));
    await minter.apply();
    const third = await valueOf(minter, 'mlp_register_token.handoff');
    const thirdName = String((await minter.resource('mlp_register_token.handoff'))?.name);
    expect(thirdName).not.toBe(secondName);

    // The holder moves to the newest hand-off: the new token exists before the old one goes.
    const withAdmin = { env: { TF_VAR_register_token: third, MLP_TOKEN: emulator.adminToken } };
    await holder.apply([], withAdmin);
    await valueOf(holder, 'mlp_access_token.team');
    expect(projectTokenNames(suite.emulator)).toEqual([thirdName]);
    await holder.destroy([], withAdmin);
    await minter.destroy();
    expect(projectTokenNames(suite.emulator)).toEqual([]);
    for (const w of [minter, holder]) await w.assertNoSecrets([...secrets, second]);
  });
});

describe('destroying a registration token', () => {
  test('GIVEN one redeemed, one expired and one unused WHEN destroyed THEN each message says what happened to it', async () => {
    const { emulator } = suite;
    const minter = suite.workdir('forget');
    minter.writeConfig({
      resource: {
        mlp_register_token: {
          used: { name: 'used-one', ttl: '3h' },
          lapsed: { name: 'lapsed-one', ttl: '1h' },
          spare: { name: 'spare-one', ttl: '3h' },
        },
      },
    });
    await minter.init();
    await minter.apply();
    const used = await valueOf(minter, 'mlp_register_token.used');
    for (const r of ['lapsed', 'spare']) await valueOf(minter, `mlp_register_token.${r}`);
    const holder = suite.workdir('forget-holder', { token: undefined, env: { TF_VAR_register_token: used } });
    holder.writeConfig({
      variable: { register_token: { type: 'string', sensitive: true } },
      resource: { mlp_access_token: { team: { register_token: '${var.register_token}' } } },
    });
    await holder.init();
    await holder.apply();
    await valueOf(holder, 'mlp_access_token.team');
    emulator.clock.advance('2h');
    const spareExpiry = String((await minter.resource('mlp_register_token.spare'))?.expires_at);

    const destroyed = await minter.destroy();
    const text = oneLine(`${destroyed.stdout}${destroyed.stderr}`);
    expect(text).toMatch(/Registration token already redeemed.*"used-one"/);
    expect(text).toMatch(/it had expired.*"lapsed-one" expired at/);
    expect(text).toMatch(
      new RegExp(
        `No access token named "spare-one" exists.*stays redeemable, once, until it expires at ${spareExpiry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    expect(text).not.toMatch(/"used-one" stays redeemable/);
    await holder.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });
    expect(projectTokenNames(suite.emulator)).toEqual([]);
    for (const w of [minter, holder]) await w.assertNoSecrets(secrets);
  });
});
