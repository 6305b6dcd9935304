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

function workdir(name: string, token: string | undefined = emulator.adminToken, env: Record<string, string> = {}): E2EWorkdir {
  const w = E2EWorkdir.create({ name, endpoint: proxy.url, token, env });
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

describe('register_token_wo with real Terraform', () => {
  test('GIVEN a registration token passed through an ephemeral variable WHEN the team stack redeems it with register_token_wo THEN the token exists and the registration token is in neither state nor plan file nor any log; a new version plans a replacement', async () => {
    const admin = workdir('wo-admin');
    admin.writeConfig({ resource: { mlp_register_token: { team: { name: 'team-ci', ttl: '1h', access_token_ttl: '720h' } } } });
    await admin.init();
    await admin.apply();
    const reg = String((await admin.resource('mlp_register_token.team'))!.value);
    expect(reg.length).toBeGreaterThan(20);

    const team = workdir('wo-team', undefined, { TF_VAR_reg: reg });
    const teamConfig = (version: number) => ({
      variable: { reg: { type: 'string', sensitive: true, ephemeral: true } },
      resource: { mlp_access_token: { team: { register_token_wo: '${var.reg}', register_token_wo_version: version } } },
      output: { team_name: { value: '${mlp_access_token.team.name}' } },
    });
    team.writeConfig(teamConfig(1));
    await team.init();
    const planFile = path.join(team.dir, 'tfplan');
    await team.run(['plan', '-input=false', '-no-color', `-out=${planFile}`]);
    await team.apply([planFile]);
    const state = (await team.resource('mlp_access_token.team'))!;
    expect(state).toMatchObject({ name: 'team-ci', role: 'user', register_token_wo: null, register_token_wo_version: 1 });
    expect(projectTokens()).toEqual(['team-ci']);
    expect(emulator.tokens().find((t) => t.name === 'team-ci')!.id).toBe(state.id);
    expect((await team.plan()).changes).toBe(false);

    team.writeConfig(teamConfig(2));
    const bumped = await team.plan();
    expect(bumped).toMatchObject({ add: 1, destroy: 1 });
    expect(bumped.text).toMatch(/register_token_wo_version\s+= 1 -> 2 # forces replacement/);

    await addStoredTexts(team, planFile);
    // The registration token: nowhere on the team side (its state, plan file, show -json, logs).
    assertNoSecrets(team.texts(), [reg]);
    await team.assertNoSecrets([reg, emulator.adminToken]);
  });
});
