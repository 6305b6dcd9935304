/**
 * Secrets out of state, proven with real Terraform 1.11 against the emulator: the ephemeral access
 * token, write-only inputs and sealed values. Every secret the API handed out during a scenario is
 * recorded by a loopback proxy in front of the emulator, and searched for in everything the scenario
 * produced, including what normally holds values: the state file, the saved plan file (unzipped) and
 * `terraform show -json`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { E2EWorkdir, assertNoSecrets, killMarkedUntilGone, tokenAccepted, projectTokenNames } from './harness';
import { type RecordingProxy, addStoredTexts, ageDecrypt, ageKeyPair, startRecordingProxy, storedTexts } from './secrets-harness';
import { expectKnownValues, expectPlanCounts, expectPlanText, expectResourceAction, runSteps } from './steps';

jest.setTimeout(240_000);

let emulator: RunningEmulator;
let proxy: RecordingProxy;
const workdirs: E2EWorkdir[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true });
  proxy = await startRecordingProxy(emulator.url);
});

let keys: string;
beforeAll(() => {
  keys = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-keys-'));
});

afterAll(async () => {
  fs.rmSync(keys, { recursive: true, force: true });
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
    expect(projectTokenNames(emulator)).toEqual([]);
    await w.apply([planFile]);
    expect(projectTokenNames(emulator)).toEqual([]);

    const outputs = await w.tf.outputs();
    expect(outputs.eph_name!.value).toMatch(/^eph-[a-z0-9]{12}$/);
    expect(outputs.eph_role!.value).toBe('user');
    // The name who-am-I answered with is a token this run minted and deleted.
    expect(emulator.tokens().some((t) => t.name === outputs.eph_name!.value)).toBe(false);

    // A plain apply (no plan file) opens and closes again: still nothing left.
    await w.apply();
    expect(projectTokenNames(emulator)).toEqual([]);

    const secrets = allSecrets();
    expect(proxy.secrets().length).toBeGreaterThanOrEqual(4);
    await addStoredTexts(w, planFile);
    expect(Object.keys(w.texts())).toEqual(expect.arrayContaining(['state file', 'show -json', 'plan file (unzipped)', 'provider stderr']));
    await w.assertNoSecrets(secrets);
    assertNoSecrets(w.texts(), secrets);
  });
});

describe('ephemeral mlp_access_token redeeming a registration token', () => {
  test('GIVEN register_token WHEN planned THEN the redeemed token serves the run and is deleted at close; a plain apply (two opens) meets the used registration token and says why', async () => {
    const w = workdir('ephemeral-redeem');
    w.writeConfig({ resource: { mlp_register_token: { reg: { name: 'eph-redeemed', ttl: '1h', access_token_ttl: '1h' } } } });
    await w.init();
    await w.apply();
    const reg = String((await w.resource('mlp_register_token.reg'))!.value);
    w.writeConfig({
      variable: { reg: { type: 'string', sensitive: true, ephemeral: true } },
      resource: { mlp_register_token: { reg: { name: 'eph-redeemed', ttl: '1h', access_token_ttl: '1h' } } },
      ephemeral: { mlp_access_token: { t: { ttl: '2h', register_token: '${var.reg}' } } },
      provider: { mlp: [{}, { alias: 'eph', token: '${ephemeral.mlp_access_token.t.value}' }] },
      data: { mlp_token: { me: { provider: 'mlp.eph' } } },
    });
    const plan = await w.plan([], { env: { TF_VAR_reg: reg } });
    expect(plan.text).not.toMatch(/Error/);
    // Redeemed by the plan's open, deleted by its close.
    expect(emulator.registerTokens().map((r) => r.name)).not.toContain('eph-redeemed');
    expect(projectTokenNames(emulator)).toEqual([]);

    const minted = await w.run(['apply', '-input=false', '-no-color', '-auto-approve'], { env: { TF_VAR_reg: reg }, check: false });
    expect(minted.code).toBe(1);
    expect(minted.stderr).toMatch(/Registration token cannot be redeemed/);
    expect(minted.stderr.replace(/\s+/g, ' ')).toMatch(/opens an ephemeral resource at plan and again at apply/);
    expect(projectTokenNames(emulator)).toEqual([]);
    await w.assertNoSecrets(allSecrets());
  });
});

describe('ephemeral mlp_access_token when the run is killed', () => {
  test('GIVEN a plan killed (SIGKILL, provider included) after open and before close WHEN the leftover is looked at THEN it is the one token, it expires within its ttl, and after that its value is refused', async () => {
    const marker = `MLP_E2E_RUN=secrets-kill-${process.pid}`;
    const w = workdir('ephemeral-kill', emulator.adminToken, { MLP_E2E_RUN: marker.split('=')[1]! });
    w.writeConfig({
      ephemeral: { mlp_access_token: { t: { ttl: '30m', name_prefix: 'killed-' } } },
      provider: { mlp: [{}, { alias: 'eph', token: '${ephemeral.mlp_access_token.t.value}' }] },
      data: { mlp_token: { me: { provider: 'mlp.eph' } } },
    });
    await w.init();
    // who-am-I (the aliased provider's read) hangs: the run is between open and close when it dies.
    emulator.faults.script('whoami', ['delay:60000']);
    const before = new Set(proxy.secrets());
    const { child, done } = w.start(['plan', '-input=false', '-no-color']);
    const deadline = Date.now() + 60_000;
    while (emulator.counters().whoami === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(emulator.counters().whoami).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await done;
    // Terraform is gone; its providers (marked by the environment) are killed too, the last ones as they appear.
    expect(await killMarkedUntilGone(marker)).toEqual([]);
    emulator.faults.clear();

    const leftovers = emulator.tokens().filter((t) => t.name.startsWith('killed-'));
    expect(leftovers).toHaveLength(1);
    const lifetimeMs = Date.parse(leftovers[0]!.expiresAt!) - Date.parse(leftovers[0]!.createdAt);
    expect(lifetimeMs).toBe(30 * 60 * 1000);
    // What this run was handed (the registration token, the token, bearers): the token works until its ttl.
    const minted = proxy.secrets().filter((v) => !before.has(v));
    expect((await Promise.all(minted.map((v) => tokenAccepted(emulator.url, v)))).some(Boolean)).toBe(true);
    emulator.clock.advance('31m');
    expect((await Promise.all(minted.map((v) => tokenAccepted(emulator.url, v)))).some(Boolean)).toBe(false);
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
    const TEAM = 'mlp_access_token.team';
    let planFile: string | undefined;
    await runSteps(team, emulator, {
      steps: [
        {
          name: 'planned to a file and applied',
          config: teamConfig(1),
          stateChecks: expectKnownValues(TEAM, { name: 'team-ci', role: 'user', register_token_wo: null, register_token_wo_version: 1 }),
          check: (r) => {
            planFile = r.planFile;
            expect(projectTokenNames(emulator)).toEqual(['team-ci']);
            expect(emulator.tokens().find((t) => t.name === 'team-ci')!.id).toBe(r.resource(TEAM).id);
          },
        },
        {
          name: 'a new version',
          config: teamConfig(2),
          planOnly: true,
          expectNonEmptyPlan: true,
          planChecks: {
            preApply: [
              expectResourceAction(TEAM, 'replace'),
              expectPlanCounts({ add: 1, change: 0, destroy: 1 }),
              expectPlanText(/register_token_wo_version\s+= 1 -> 2 # forces replacement/),
            ],
          },
          check: async (r) => {
            // The registration token, and the admin's: nowhere on the team side (its state, plan file,
            // show -json; the harness searches its logs). The state holds the team's own token by design.
            assertNoSecrets(await storedTexts(r.workdir, planFile), [reg, emulator.adminToken]);
          },
        },
      ],
      // The team stack has no token of its own: deleting needs an Administrator.
      destroy: { env: { MLP_TOKEN: emulator.adminToken } },
      extraSecrets: () => [reg],
    });
    expect(planFile).toEqual(expect.any(String));
  });
});

describe('sealed values with real Terraform and the age CLI', () => {
  test('GIVEN seal_to on both resources WHEN planned to a file and applied THEN the state holds only ciphertext, age -d gives the values (who-am-I accepts the access token), and no value is in state, plan file, show -json, trace or provider stderr', async () => {
    const team = ageKeyPair(keys, 'sealed-team');
    const other = ageKeyPair(keys, 'sealed-other');
    const CI = 'mlp_access_token.ci';
    const REG = 'mlp_register_token.reg';
    const reg = { name: 'sealed-worker', ttl: '1h', access_token_ttl: '24h', seal_to: [team.recipient] };
    const w = workdir('sealed');
    let planFile: string | undefined;
    let ci: Record<string, unknown> = {};
    let value = '';
    let registration = '';
    let rotated = '';
    await runSteps(w, emulator, {
      steps: [
        {
          name: 'planned to a file and applied',
          config: {
            resource: {
              mlp_access_token: { ci: { name: 'sealed-ci', ttl: '720h', seal_to: [team.recipient] } },
              mlp_register_token: { reg },
            },
            output: {
              ci_sealed_value: { value: '${mlp_access_token.ci.sealed_value}' },
              reg_sealed_value: { value: '${mlp_register_token.reg.sealed_value}' },
            },
          },
          stateChecks: [
            ...expectKnownValues(CI, { value: null, seal_to: [team.recipient] }),
            ...expectKnownValues(REG, { value: null, seal_to: [team.recipient] }),
          ],
          check: async (r) => {
            planFile = r.planFile;
            ci = r.resource(CI);
            const armored = (await w.run(['output', '-raw', 'ci_sealed_value'])).stdout;
            expect(armored).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
            value = ageDecrypt(armored, team.identityFile);
            expect(proxy.secrets()).toContain(value);
            expect(await tokenAccepted(emulator.url, value)).toBe(true);
            // The registration token opens too, and redeems.
            registration = ageDecrypt((await w.run(['output', '-raw', 'reg_sealed_value'])).stdout, team.identityFile);
            expect(emulator.registerTokens().map((t) => t.name)).toContain('sealed-worker');
            expect(proxy.secrets()).toContain(registration);
            // Outputs are not sensitive: the ciphertext is printed as it is.
            expect((await w.tf.outputs()).ci_sealed_value!.sensitive).toBe(false);
          },
        },
        {
          name: 'a changed seal_to: in place, not re-sealed, with a warning',
          config: {
            resource: {
              mlp_access_token: { ci: { name: 'sealed-ci', ttl: '720h', seal_to: [other.recipient] } },
              mlp_register_token: { reg },
            },
          },
          planChecks: {
            preApply: [
              expectResourceAction(CI, 'update'),
              expectPlanCounts({ add: 0, change: 1, destroy: 0 }),
              expectPlanText(/seal_to changed: the token is not re-sealed/),
            ],
          },
          check: (r) => expect(r.resource(CI).sealed_value).toBe(ci.sealed_value),
        },
        {
          name: 're-sealing, as documented: rotate; the new value is sealed to the new recipient only',
          config: {
            resource: {
              mlp_access_token: { ci: { name: 'sealed-ci', ttl: '720h', seal_to: [other.recipient], rotation_triggers: { reseal: '1' } } },
              mlp_register_token: { reg },
            },
            output: { ci_sealed_value: { value: '${mlp_access_token.ci.sealed_value}' } },
          },
          planChecks: { preApply: [expectResourceAction(CI, 'replace'), expectPlanCounts({ add: 1, change: 0, destroy: 1 })] },
          check: async (r) => {
            const resealed = (await w.run(['output', '-raw', 'ci_sealed_value'])).stdout;
            rotated = ageDecrypt(resealed, other.identityFile);
            expect(rotated).not.toBe(value);
            expect(await tokenAccepted(emulator.url, rotated)).toBe(true);
            expect(await tokenAccepted(emulator.url, value)).toBe(false);
            expect(() => ageDecrypt(resealed, team.identityFile)).toThrow(/age -d failed/);
            // What holds values by design joins the search: the state file, show -json, the first plan file.
            await addStoredTexts(r.workdir, planFile);
          },
        },
      ],
      extraSecrets: allSecrets,
    });
    expect(allSecrets()).toEqual(expect.arrayContaining([value, registration, rotated]));
  });

  test('GIVEN the hand-off WHEN the admin stack seals a registration token to the team key, the team decrypts it into register_token_wo and seals its access token to the consumer THEN the consumer opens a working token and no state, plan file or log of either stack holds a usable secret', async () => {
    const teamKey = ageKeyPair(keys, 'handoff-team');
    const consumerKey = ageKeyPair(keys, 'handoff-consumer');
    const admin = workdir('handoff-admin');
    admin.writeConfig({
      resource: {
        mlp_register_token: { team: { name: 'handoff-team', ttl: '1h', access_token_ttl: '720h', seal_to: [teamKey.recipient] } },
      },
      output: { team_registration_sealed_value: { value: '${mlp_register_token.team.sealed_value}' } },
    });
    await admin.init();
    const adminPlan = path.join(admin.dir, 'tfplan');
    await admin.run(['plan', '-input=false', '-no-color', `-out=${adminPlan}`]);
    await admin.apply([adminPlan]);
    const registration = ageDecrypt((await admin.run(['output', '-raw', 'team_registration_sealed_value'])).stdout, teamKey.identityFile);

    const team = workdir('handoff-team', undefined, { TF_VAR_registration: registration });
    team.writeConfig({
      variable: { registration: { type: 'string', sensitive: true, ephemeral: true } },
      resource: {
        mlp_access_token: {
          team: { register_token_wo: '${var.registration}', register_token_wo_version: 1, seal_to: [consumerKey.recipient] },
        },
      },
      output: { team_sealed_value: { value: '${mlp_access_token.team.sealed_value}' } },
    });
    await team.init();
    const teamPlan = path.join(team.dir, 'tfplan');
    await team.run(['plan', '-input=false', '-no-color', `-out=${teamPlan}`]);
    await team.apply([teamPlan]);
    const value = ageDecrypt((await team.run(['output', '-raw', 'team_sealed_value'])).stdout, consumerKey.identityFile);
    expect(await tokenAccepted(emulator.url, value)).toBe(true);
    expect(projectTokenNames(emulator)).toEqual(['handoff-team']);
    expect(await team.resource('mlp_access_token.team')).toMatchObject({ name: 'handoff-team', value: null, register_token_wo: null });

    const secrets = allSecrets();
    expect(secrets).toEqual(expect.arrayContaining([registration, value]));
    for (const [w, plan] of [
      [admin, adminPlan],
      [team, teamPlan],
    ] as const) {
      await addStoredTexts(w, plan);
      await w.assertNoSecrets(secrets);
    }
  });
});
