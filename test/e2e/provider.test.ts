/**
 * The provider driven by real Terraform against the emulator: each scenario is one working
 * directory, checked against the emulator's own state, and ends by searching every text it
 * produced (command output, `terraform show`, trace logs, the provider's stderr) for every token value.
 */
import { MlpClient } from '../../lib/client';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { E2EWorkdir, tokenAccepted, projectTokenNames } from './harness';

jest.setTimeout(240_000);

let emulator: RunningEmulator;
const secrets = new Set<string>();
const workdirs: E2EWorkdir[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true });
  secrets.add(emulator.adminToken);
});

afterAll(async () => {
  await emulator?.close();
  if (!process.env.MLP_E2E_KEEP) for (const w of workdirs) w.remove();
});

beforeEach(() => emulator.reset());

/** A working directory against the emulator; `token: null` configures no provider token at all. */
function workdir(name: string, options: { token?: string | null; env?: Record<string, string> } = {}): E2EWorkdir {
  const token = options.token === null ? undefined : (options.token ?? emulator.adminToken);
  const w = E2EWorkdir.create({ name, endpoint: emulator.url, token, env: options.env });
  workdirs.push(w);
  return w;
}

/** Reads a resource's value from the state and remembers it as a secret. */
async function valueOf(w: E2EWorkdir, address: string): Promise<string> {
  const values = await w.resource(address);
  const value = values?.value;
  if (typeof value !== 'string') throw new Error(`${address} has no value in the state`);
  secrets.add(value);
  return value;
}

function accessTokenConfig(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resource: { mlp_access_token: { ci: resource } }, ...extra };
}

describe('mlp_access_token with real Terraform', () => {
  test('GIVEN a token WHEN created, refreshed, deleted outside, rotated by time, imported and destroyed THEN Terraform and the API agree at each step', async () => {
    const w = workdir('lifecycle');
    w.writeConfig(accessTokenConfig({ name: 'ci-token', ttl: '720h', early_rotation_window: '24h' }));
    await w.init();

    // Create.
    await w.apply();
    expect(projectTokenNames(emulator)).toEqual(['ci-token']);
    const first = await valueOf(w, 'mlp_access_token.ci');
    expect(await tokenAccepted(emulator.url, first)).toBe(true);

    // A second plan is empty.
    expect((await w.plan()).changes).toBe(false);

    // Drift: deleted in the API -> the plan creates it again.
    const admin = new MlpClient({ endpoint: emulator.url, token: emulator.adminToken });
    await admin.deleteToken('ci-token');
    const drift = await w.plan();
    expect(drift).toMatchObject({ changes: true, add: 1, destroy: 0 });
    expect(drift.text).toMatch(/MLP token no longer exists/);
    await w.apply();
    const second = await valueOf(w, 'mlp_access_token.ci');
    expect(projectTokenNames(emulator)).toEqual(['ci-token']);

    // Before the window: nothing to do. Inside it (by the API's clock): replace.
    emulator.clock.advance('695h');
    expect((await w.plan()).changes).toBe(false);
    emulator.clock.advance('2h');
    // Even without a refresh, the decision is made on the API's clock (learned from one who-am-I).
    expect(await w.plan(['-refresh=false'])).toMatchObject({ add: 1, destroy: 1 });
    const rotation = await w.plan();
    expect(rotation).toMatchObject({ changes: true, add: 1, destroy: 1 });
    expect(rotation.text).toMatch(/rotate_at .* # forces replacement/);
    await w.apply();
    const third = await valueOf(w, 'mlp_access_token.ci');
    expect(third).not.toBe(second);
    expect(await tokenAccepted(emulator.url, third)).toBe(true);
    expect(await tokenAccepted(emulator.url, second)).toBe(false);
    expect(projectTokenNames(emulator)).toEqual(['ci-token']);
    expect((await w.plan()).changes).toBe(false);

    // Import by name: metadata only, with a warning.
    await w.run(['state', 'rm', 'mlp_access_token.ci']);
    const imported = await w.run(['import', '-input=false', '-no-color', 'mlp_access_token.ci', 'ci-token']);
    expect(`${imported.stdout}${imported.stderr}`).toMatch(/Imported token has no value/);
    const state = await w.resource('mlp_access_token.ci');
    expect(state).toMatchObject({
      name: 'ci-token',
      ttl: '720h',
      value: null,
      id: emulator.tokens().find((t) => t.name === 'ci-token')!.id,
    });
    // Only the rotation window (not stored on import) differs: an update without an API call.
    const afterImport = await w.plan();
    expect(afterImport).toMatchObject({ add: 0, change: 1, destroy: 0 });

    await w.show();
    await w.destroy();
    expect(projectTokenNames(emulator)).toEqual([]);
    await admin.close();
    // The search covers what the provider said, where Terraform logged it too.
    const texts = w.texts();
    expect(texts['provider stderr']).toMatch(/ApplyResourceChange done/);
    expect(
      Object.entries(texts).filter(([label, text]) => label.startsWith('trace log') && /provider\.terraform-provider-mlp/.test(text))
        .length,
    ).toBeGreaterThan(5);
    await w.assertNoSecrets(secrets);
  });

  test('GIVEN create_before_destroy with name_prefix WHEN rotation_triggers change THEN exactly one token remains, and it works', async () => {
    const w = workdir('cbd');
    const config = (version: string) =>
      accessTokenConfig({ name_prefix: 'svc-', role: 'admin', rotation_triggers: { version }, lifecycle: { create_before_destroy: true } });
    w.writeConfig(config('1'));
    await w.init();
    await w.apply();
    const before = await valueOf(w, 'mlp_access_token.ci');
    const [firstName] = projectTokenNames(emulator);
    expect(firstName).toMatch(/^svc-[a-z0-9]{12}$/);

    w.writeConfig(config('2'));
    const plan = await w.plan();
    expect(plan).toMatchObject({ add: 1, destroy: 1 });
    expect(plan.text).toMatch(/create replacement and then destroy/);
    await w.apply();
    const after = await valueOf(w, 'mlp_access_token.ci');
    const names = projectTokenNames(emulator);
    expect(names).toHaveLength(1);
    expect(names[0]).not.toBe(firstName);
    expect(await tokenAccepted(emulator.url, after)).toBe(true);
    expect(await tokenAccepted(emulator.url, before)).toBe(false);

    await w.destroy();
    expect(projectTokenNames(emulator)).toEqual([]);
    await w.assertNoSecrets(secrets);
  });

  test('GIVEN the redeem answer is lost WHEN creating THEN the orphan is cleaned up and exactly one token, held in state, exists', async () => {
    const w = workdir('lost');
    w.writeConfig(accessTokenConfig({ name: 'lost-answer' }));
    await w.init();
    emulator.faults.script('redeem', ['lost']);
    const applied = await w.apply();
    expect(`${applied.stdout}${applied.stderr}`).toMatch(/Recovered from a lost answer/);
    expect(projectTokenNames(emulator)).toEqual(['lost-answer']);
    expect(await tokenAccepted(emulator.url, await valueOf(w, 'mlp_access_token.ci'))).toBe(true);
    expect(emulator.counters()).toMatchObject({ redeem: 2, delete: 1 });
    await w.destroy();
    expect(projectTokenNames(emulator)).toEqual([]);
    await w.assertNoSecrets(secrets);
  });
});

describe('refresh cost', () => {
  test('GIVEN five tokens WHEN planned THEN the refresh costs one exchange and one list request', async () => {
    const w = workdir('refresh');
    w.writeConfig({ resource: { mlp_access_token: { many: { count: 5, name: 'many-${count.index}' } } } });
    await w.init();
    await w.apply();
    expect(projectTokenNames(emulator)).toHaveLength(5);
    emulator.resetCounters();
    expect((await w.plan()).changes).toBe(false);
    expect(emulator.counters()).toMatchObject({ exchange: 1, list: 1, whoami: 0, mint: 0, redeem: 0, delete: 0 });
    for (let i = 0; i < 5; i++) await valueOf(w, `mlp_access_token.many[${i}]`);
    await w.destroy();
    expect(projectTokenNames(emulator)).toEqual([]);
    await w.assertNoSecrets(secrets);
  });
});

describe('mlp_register_token with real Terraform', () => {
  test('GIVEN a registration token minted in one directory WHEN another, with no provider token, redeems it THEN the token exists there; the registration token is never replaced for being used or expired', async () => {
    const minter = workdir('minter');
    minter.writeConfig({
      resource: { mlp_register_token: { worker: { name: 'worker', ttl: '1h', access_token_ttl: '720h' } } },
      output: { register_token: { value: '${mlp_register_token.worker.value}', sensitive: true } },
    });
    await minter.init();
    await minter.apply();
    const registration = await valueOf(minter, 'mlp_register_token.worker');
    expect(emulator.registerTokens().map((r) => r.name)).toEqual(['worker']);

    const holder = workdir('holder', { token: null, env: { TF_VAR_register_token: registration } });
    holder.writeConfig({
      variable: { register_token: { type: 'string', sensitive: true } },
      ...accessTokenConfig({ register_token: '${var.register_token}' }),
    });
    await holder.init();
    await holder.apply();
    const redeemed = await valueOf(holder, 'mlp_access_token.ci');
    expect(await holder.resource('mlp_access_token.ci')).toMatchObject({ name: 'worker', role: 'user' });
    expect(projectTokenNames(emulator)).toEqual(['worker']);
    expect(await tokenAccepted(emulator.url, redeemed)).toBe(true);
    // The holder refreshes with the token's own value (no provider token): no change.
    expect((await holder.plan()).changes).toBe(false);

    // Redeemed, then expired: the minter's plan stays empty.
    expect((await minter.plan()).changes).toBe(false);
    emulator.clock.advance('2h');
    expect((await minter.plan()).changes).toBe(false);

    // Destroy: the holder needs an Administrator to delete its token; the minter only forgets.
    const destroyed = await minter.destroy();
    // The holder redeemed it: the minter's destroy says so (nothing to revoke), not "stays redeemable".
    expect(`${destroyed.stdout}${destroyed.stderr}`).toMatch(/Registration token already redeemed/);
    expect(`${destroyed.stdout}${destroyed.stderr}`).not.toMatch(/stays redeemable/);
    const refused = await holder.destroy([], { check: false });
    if (refused.code === 0) throw new Error(`destroy without an admin token succeeded:\n${refused.stdout}\n${refused.stderr}`);
    expect(refused.stderr).toMatch(/needs an Administrator token/);
    await holder.destroy([], { env: { MLP_TOKEN: emulator.adminToken } });
    expect(projectTokenNames(emulator)).toEqual([]);

    for (const w of [minter, holder]) await w.assertNoSecrets(secrets);
  });
});

describe('data sources and provider configuration with real Terraform', () => {
  test('GIVEN an admin token WHEN mlp_token and mlp_tokens are read THEN they describe the API; a bad endpoint points at the attribute', async () => {
    emulator.createToken({ name: 'console-made', role: 'user' });
    const w = workdir('data');
    w.writeConfig({
      data: { mlp_token: { me: {} }, mlp_tokens: { all: {} } },
      output: { me: { value: '${data.mlp_token.me.name}' }, names: { value: '${data.mlp_tokens.all.tokens[*].name}' } },
    });
    await w.init();
    await w.apply();
    const outputs = await w.tf.outputs();
    expect(outputs.me!.value).toBe('emulator-admin');
    expect(outputs.names!.value).toEqual(['emulator-admin', 'console-made']);

    w.writeConfig({ provider: { mlp: { endpoint: 'ftp://example.com', request_timeout: '30 seconds' } }, data: { mlp_token: { me: {} } } });
    const bad = await w.plan([], { check: false });
    expect(bad.text).toMatch(/Invalid MLP endpoint/);
    expect(bad.text).toMatch(/Invalid request_timeout/);
    expect(bad.text).toMatch(/with provider\["terraform\.local\/mlp-tokens\/mlp"\]/);
    await w.assertNoSecrets(secrets);
  });

  test('GIVEN a User token WHEN a token is to be created THEN the error says it needs an Administrator token', async () => {
    const user = emulator.createToken({ name: 'just-a-user', role: 'user' });
    secrets.add(user.value);
    const w = workdir('user', { token: user.value });
    w.writeConfig(accessTokenConfig({ name: 'wanted' }));
    await w.init();
    const failed = await w.apply([], { check: false });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/needs an Administrator token/);
    expect(projectTokenNames(emulator)).toEqual(['just-a-user']);
    await w.assertNoSecrets(secrets);
  });
});
