/**
 * Secrets out of state, proven with real Terraform 1.11 against the emulator: the ephemeral access
 * token, write-only inputs and sealed values. Every secret the API handed out during a scenario is
 * recorded by a loopback proxy in front of the emulator, and searched for in everything the scenario
 * produced, including what normally holds values: the state file, the saved plan file (unzipped) and
 * `terraform show -json`.
 */
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { E2EWorkdir, assertNoSecrets } from './harness';
import { type RecordingProxy, addStoredTexts, startRecordingProxy } from './secrets-harness';

jest.setTimeout(240_000);

let emulator: RunningEmulator;
let proxy: RecordingProxy;
const workdirs: E2EWorkdir[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true });
  proxy = await startRecordingProxy(emulator.url);
});

afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  if (!process.env.MLP_E2E_KEEP) for (const w of workdirs) w.remove();
});

beforeEach(() => emulator.reset());

function workdir(name: string, token: string | undefined = emulator.adminToken): E2EWorkdir {
  const w = E2EWorkdir.create({ name, endpoint: proxy.url, token });
  workdirs.push(w);
  return w;
}

function projectTokens(): string[] {
  return emulator
    .tokens()
    .map((t) => t.name)
    .filter((n) => n !== 'emulator-admin')
    .sort();
}

/** Every secret of the scenario: the admin token and whatever the API answered with. */
function allSecrets(): string[] {
  return [emulator.adminToken, ...proxy.secrets()];
}

describe('ephemeral mlp_access_token with real Terraform', () => {
  test('GIVEN an aliased provider configured with the ephemeral token WHEN planned to a file and applied THEN it reads who-am-I as the ephemeral token, every token is deleted by the run that minted it, and its value is in no state, plan or log', async () => {
    const w = workdir('ephemeral');
    w.writeConfig({
      ephemeral: { mlp_access_token: { t: { ttl: '1h', name_prefix: 'eph-' } } },
      provider: { mlp: [{}, { alias: 'eph', token: '${ephemeral.mlp_access_token.t.value}' }] },
      data: { mlp_token: { me: { provider: 'mlp.eph' } } },
      output: { eph_name: { value: '${data.mlp_token.me.name}' }, eph_role: { value: '${data.mlp_token.me.role}' } },
    });
    await w.init();
    const planFile = path.join(w.dir, 'tfplan');
    const redeemsBefore = emulator.counters().redeem;
    await w.run(['plan', '-input=false', '-no-color', `-out=${planFile}`]);
    // The plan minted a token (opened), read who-am-I with it, and deleted it (closed).
    expect(emulator.counters().redeem).toBeGreaterThan(redeemsBefore);
    expect(projectTokens()).toEqual([]);
    await w.apply([planFile]);
    expect(projectTokens()).toEqual([]);

    const outputs = await w.tf.outputs();
    expect(outputs.eph_name!.value).toMatch(/^eph-[a-z0-9]{12}$/);
    expect(outputs.eph_role!.value).toBe('user');
    // The name who-am-I answered with is a token this run minted and deleted.
    expect(emulator.tokens().some((t) => t.name === outputs.eph_name!.value)).toBe(false);

    // A plain apply (no plan file) opens and closes again: still nothing left.
    await w.apply();
    expect(projectTokens()).toEqual([]);

    const secrets = allSecrets();
    expect(proxy.secrets().length).toBeGreaterThanOrEqual(4);
    await addStoredTexts(w, planFile);
    expect(Object.keys(w.texts())).toEqual(expect.arrayContaining(['state file', 'show -json', 'plan file (unzipped)', 'provider stderr']));
    await w.assertNoSecrets(secrets);
    assertNoSecrets(w.texts(), secrets);
  });
});
