/**
 * The examples as users run them: synthesized from their compiled `main.js` (CDKTF), then applied with
 * real Terraform against the emulator: apply, a second plan that is empty, rotation, destroy with no
 * token left, and no value in anything printed. (`basic` runs through the demo, `cdktf deploy` and the
 * fork; `distribute` needs hashicorp/null, which cannot be installed here: its provisioner runs on
 * terraform_data in distribute.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { E2EWorkdir, tokenAccepted, projectTokenNames } from './harness';

jest.setTimeout(180_000);

const REPO = path.resolve(__dirname, '../..');
let emulator: RunningEmulator;
const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true });
});

afterAll(async () => {
  await emulator?.close();
  if (!process.env.MLP_E2E_KEEP) for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Synthesizes an example app into a temp dir, as `cdktf synth` would; returns the stacks' folder. */
function synth(example: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `mlp-example-${example}-`));
  dirs.push(outdir);
  const result = spawnSync(process.execPath, [path.join(REPO, 'dist/examples', example, 'main.js')], {
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    // cdktf's default local backend puts terraform.<stack>.tfstate in the working directory.
    cwd: outdir,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`synth of examples/${example} failed:\n${result.stderr}`);
  return path.join(outdir, 'stacks');
}

async function valueOf(w: E2EWorkdir, address: string): Promise<{ name: string; value: string }> {
  const values = await w.resource(address);
  return { name: String(values?.name), value: String(values?.value) };
}

test('GIVEN examples/rotation WHEN applied, due by time, and triggered by hand THEN each rotation replaces the token without downtime and destroy leaves none', async () => {
  const w = E2EWorkdir.at(path.join(synth('rotation'), 'rotation'), {
    name: 'rotation',
    endpoint: emulator.url,
    token: emulator.adminToken,
  });
  await w.init();
  await w.apply();
  const first = await valueOf(w, 'mlp_access_token.inference');
  expect(first.name).toMatch(/^inference-[a-z0-9]{12}$/);
  expect(projectTokenNames(emulator)).toEqual([first.name]);
  expect((await w.plan()).changes).toBe(false);

  // A week later (rotateAfter 168h), by the API's clock: the plan replaces it, the new one first.
  emulator.clock.advance('169h');
  const due = await w.plan();
  expect(due).toMatchObject({ add: 1, destroy: 1 });
  const applied = await w.apply();
  expect(applied.stdout.indexOf('Creation complete')).toBeLessThan(applied.stdout.indexOf('Destruction complete'));
  const second = await valueOf(w, 'mlp_access_token.inference');
  expect(second.name).not.toBe(first.name);
  expect(projectTokenNames(emulator)).toEqual([second.name]);
  expect(await tokenAccepted(emulator.url, first.value)).toBe(false);
  expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
  expect((await w.plan()).changes).toBe(false);

  // By hand: a new `release`.
  await w.apply(['-var', 'release=2025-06']);
  const third = await valueOf(w, 'mlp_access_token.inference');
  expect(projectTokenNames(emulator)).toEqual([third.name]);
  expect(await tokenAccepted(emulator.url, third.value)).toBe(true);
  expect((await w.plan(['-var', 'release=2025-06'])).changes).toBe(false);

  await w.destroy(['-var', 'release=2025-06']);
  expect(projectTokenNames(emulator)).toEqual([]);
  await w.assertNoSecrets([emulator.adminToken, first.value, second.value, third.value]);
});

test('GIVEN examples/registration WHEN the admin stack mints and the team stack, with no admin token, redeems THEN the team holds a working token; re-issuing mints a new registration token; destroy leaves none', async () => {
  const stacks = synth('registration');
  const admin = E2EWorkdir.at(path.join(stacks, 'registration-admin'), {
    name: 'registration-admin',
    endpoint: emulator.url,
    token: emulator.adminToken,
  });
  await admin.init();
  await admin.apply();
  const handoff = String((await admin.tf.outputs()).handoff_value!.value);
  expect(projectTokenNames(emulator)).toEqual([]);

  const team = E2EWorkdir.at(path.join(stacks, 'registration-team'), {
    name: 'registration-team',
    endpoint: emulator.url,
    token: undefined,
    env: { TF_VAR_register_token: handoff },
  });
  await team.init();
  await team.apply();
  const token = await valueOf(team, 'mlp_access_token.team');
  expect(token.name).toMatch(/^team-analytics-[a-z0-9]{12}$/);
  expect(emulator.tokens().find((t) => t.name === token.name)).toMatchObject({ role: 'user' });
  expect(await tokenAccepted(emulator.url, token.value)).toBe(true);
  expect((await team.plan()).changes).toBe(false);
  // The redeemed registration token is one-time: the admin's plan does not mint it again.
  expect((await admin.plan()).changes).toBe(false);

  // Re-issue: a new `issue` (rotationTriggers only) mints a fresh registration token for a new name
  // (namePrefix) while the old token still exists, in place (generation 1 -> 2); the team
  // applies with it, which replaces its token, the new one first. Deleting the old token needs an
  // Administrator token (documented).
  const reissue = await admin.apply(['-var', 'issue=2']);
  expect(reissue.stdout).toMatch(/Modifications complete/);
  expect(reissue.stdout).not.toMatch(/Destruction complete/);
  const reissued = String((await admin.tf.outputs()).handoff_value!.value);
  expect(reissued).not.toBe(handoff);
  expect((await admin.plan(['-var', 'issue=2'])).changes).toBe(false);
  const withAdmin = { env: { TF_VAR_register_token: reissued, MLP_TOKEN: emulator.adminToken } };
  const replaced = await team.apply([], withAdmin);
  expect(replaced.stdout.indexOf('Creation complete')).toBeLessThan(replaced.stdout.indexOf('Destruction complete'));
  const rotated = await valueOf(team, 'mlp_access_token.team');
  expect(rotated.name).toMatch(/^team-analytics-[a-z0-9]{12}$/);
  expect(rotated.name).not.toBe(token.name);
  expect(projectTokenNames(emulator)).toEqual([rotated.name]);
  expect(await tokenAccepted(emulator.url, token.value)).toBe(false);
  expect(await tokenAccepted(emulator.url, rotated.value)).toBe(true);
  expect((await team.plan([], withAdmin)).changes).toBe(false);

  // Destroy: the team's token is deleted (admin token needed); the registration token is only forgotten.
  await team.destroy([], withAdmin);
  const forgotten = await admin.destroy(['-var', 'issue=2']);
  expect(forgotten.stdout + forgotten.stderr).toMatch(/cannot be revoked/i);
  expect(projectTokenNames(emulator)).toEqual([]);
  const secrets = [emulator.adminToken, handoff, reissued, token.value, rotated.value];
  await team.assertNoSecrets(secrets);
  await admin.assertNoSecrets(secrets);
});
