/**
 * Saved plans across jobs: `terraform plan -out plan.tfplan` in runner A, the file carried to runner B
 * (a fresh directory, `init` on the same pg state), `terraform apply plan.tfplan` there. The apply does
 * what the plan showed, or fails cleanly as stale; never something else:
 * - a plan that creates, and one that rotates a token (a changed `rotation_triggers`);
 * - a plan whose state changed before its apply: Terraform refuses it ("Saved plan is stale");
 * - a plan taken hours before its apply (the emulator's clock moved between them): a token that fell
 *   due meanwhile is not rotated by that apply (the plan did not show it) but by the next plan; a
 *   rotation planned before the old token expired still happens after it did.
 * - through CDKTF: examples/ci synthesized, then plain terraform in `cdktf.out/stacks/tokens`.
 * Each plan file is read as the zip it is: the admin token and the database password are never in it;
 * the token values it holds (from the prior state) are noted in the figures.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningEmulator } from '../../../lib/emulator';
import { E2EWorkdir, crashSigns, emulatorSuite } from '../harness';
import { reconcile, report } from '../reliability/support';
import { secretsInPlanFile } from '../support/plan-file';
import { postgresSuite } from '../support/postgres';
import { carry, pgRunners } from '../support/runners';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PLAN = 'plan.tfplan';
const suite = emulatorSuite({ seed: 12 });
const pg = postgresSuite();
let emulator: RunningEmulator;
let connString = '';
const runner = pgRunners(suite, () => connString);
const secrets = new Set<string>();
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  emulator = suite.emulator;
  connString = await pg.server.createDatabase('saved_plans');
});

afterAll(() => report('ci-saved-plans', figures));

/** Two tokens; `app` rotates after 6h, `ci` by its trigger; `extra` tokens when asked. */
function config(extra: readonly string[] = []): Record<string, unknown> {
  const tokens: Record<string, unknown> = {
    app: { name: 'plan-app', ttl: '72h', rotate_after: '6h' },
    ci: { name: 'plan-ci', ttl: '72h', rotation_triggers: { rotation: '${var.rotation}' } },
  };
  for (const name of extra) tokens[name] = { name: `plan-${name}`, ttl: '72h' };
  return { variable: { rotation: { type: 'string', default: '1' } }, resource: { mlp_access_token: tokens } };
}

async function ids(w: E2EWorkdir): Promise<Record<string, string>> {
  const resources = (await w.state()).values?.root_module?.resources ?? [];
  return Object.fromEntries(resources.map((r) => [r.name, String(r.values.id)]));
}

/** Plans to PLAN in `w`; the plan's summary (what the job log shows). */
async function planOut(w: E2EWorkdir, extra: readonly string[] = []): Promise<string> {
  const r = await w.run(['plan', '-input=false', '-no-color', `-out=${PLAN}`, ...extra]);
  return /Plan: .*|No changes\./.exec(r.stdout)?.[0] ?? r.stdout;
}

/** `apply plan.tfplan` in `w`, unchecked. */
function applyPlan(w: E2EWorkdir) {
  return w.run(['apply', '-input=false', '-no-color', PLAN], { check: false });
}

async function planFileSecrets(w: E2EWorkdir, label: string): Promise<void> {
  const values: Record<string, string> = { 'admin token': emulator.adminToken, 'database password': pg.server.password };
  for (const [i, s] of [...secrets].entries()) values[`token value ${i + 1}`] = s;
  const found = await secretsInPlanFile(path.join(w.dir, PLAN), values);
  expect(found['admin token']).toEqual([]);
  expect(found['database password']).toEqual([]);
  figures[`planFile:${label}`] = Object.fromEntries(Object.entries(found).filter(([k, v]) => k.startsWith('token') && v.length > 0));
}

async function collect(w: E2EWorkdir): Promise<void> {
  for (const s of await w.stateSecrets()) secrets.add(s);
}

test('GIVEN a plan saved in runner A WHEN runner B (fresh directory, init) applies the file THEN B creates what it showed; then a rotation planned in A and applied in B replaces exactly that token', async () => {
  const a = await runner('plan-a', 'carried', config());
  expect(await planOut(a)).toBe('Plan: 2 to add, 0 to change, 0 to destroy.');
  await planFileSecrets(a, 'create');
  const b = await runner('apply-b', 'carried', config());
  carry(a, b, PLAN);
  const created = await applyPlan(b);
  expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
  expect(created.stdout).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed/);
  expect(await reconcile(emulator, b)).toMatchObject({ orphans: [], duplicates: [], inState: 2, inApi: 2 });
  expect((await a.plan()).changes).toBe(false);
  await collect(b);

  // A rotation: runner A plans with a new trigger value; B applies the file (variables travel in it).
  const before = await ids(b);
  expect(await planOut(a, ['-var', 'rotation=2'])).toBe('Plan: 1 to add, 0 to change, 1 to destroy.');
  await planFileSecrets(a, 'rotation');
  const c = await runner('apply-c', 'carried', config());
  carry(a, c, PLAN);
  const rotated = await applyPlan(c);
  expect({ code: rotated.code, stderr: rotated.stderr }).toEqual({ code: 0, stderr: '' });
  expect(rotated.stdout).toMatch(/Resources: 1 added, 0 changed, 1 destroyed/);
  const after = await ids(c);
  expect(after.app).toBe(before.app);
  expect(after.ci).not.toBe(before.ci);
  expect(emulator.tokens().map((t) => t.id)).not.toContain(before.ci);
  expect(await reconcile(emulator, c)).toMatchObject({ orphans: [], duplicates: [], inState: 2, inApi: 2 });
  await collect(c);
  // The trigger now in state is 2: a plan with the default (1) would rotate again; with 2 it is empty.
  expect((await c.plan(['-var', 'rotation=2'])).changes).toBe(false);

  for (const w of [a, b, c]) await w.assertNoSecrets([emulator.adminToken, pg.server.password, ...secrets]);
  await c.destroy(['-var', 'rotation=2']);
});

test('GIVEN a saved plan WHEN another runner changed the state before it is applied THEN the apply fails as stale ("Saved plan is stale") and the API is untouched', async () => {
  const a = await runner('stale-a', 'stale', config());
  await a.apply();
  await collect(a);
  expect(await planOut(a, ['-var', 'rotation=2'])).toBe('Plan: 1 to add, 0 to change, 1 to destroy.');
  // Meanwhile another job applies (the state's serial moves on).
  const other = await runner('stale-other', 'stale', config(['late']));
  await other.apply();
  await collect(other);
  const tokensBefore = emulator
    .tokens()
    .map((t) => t.id)
    .sort();
  emulator.resetCounters();

  const b = await runner('stale-b', 'stale', config());
  carry(a, b, PLAN);
  const stale = await applyPlan(b);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/Saved plan is stale/);
  expect(crashSigns(stale.stderr)).toEqual([]);
  expect(
    emulator
      .tokens()
      .map((t) => t.id)
      .sort(),
  ).toEqual(tokensBefore);
  expect(emulator.counters()).toMatchObject({ mint: 0, redeem: 0, delete: 0 });
  figures.stalePlan = { refusedBy: 'Saved plan is stale', apiCallsThatChangedSomething: 0 };

  for (const w of [a, other, b]) await w.assertNoSecrets([emulator.adminToken, pg.server.password, ...secrets]);
  await other.destroy();
});

test('GIVEN a plan taken hours before its apply (emulator clock moved) WHEN the saved plan is applied THEN the apply does what the plan showed: a token that fell due meanwhile waits for the next plan; a rotation planned before expiry still happens after it', async () => {
  const a = await runner('hours-a', 'hours', config());
  await a.apply();
  await collect(a);
  const first = await ids(a);

  // 08:00: the plan adds a token; nothing is due. The apply runs 7 hours later: `app` (6h) is due by then.
  expect(await planOut(a)).toBe('No changes.');
  fs.rmSync(path.join(a.dir, PLAN));
  a.writeConfig(config(['extra']));
  expect(await planOut(a)).toBe('Plan: 1 to add, 0 to change, 0 to destroy.');
  emulator.clock.advance('7h');
  const b = await runner('hours-b', 'hours', config(['extra']));
  carry(a, b, PLAN);
  const late = await applyPlan(b);
  expect({ code: late.code, stderr: late.stderr }).toEqual({ code: 0, stderr: '' });
  expect(late.stdout).toMatch(/Resources: 1 added, 0 changed, 0 destroyed/);
  const afterLate = await ids(b);
  expect(afterLate.app).toBe(first.app); // not in the plan, so not done
  await collect(b);
  const next = await b.plan();
  expect(next).toMatchObject({ changes: true, add: 1, destroy: 1 });
  expect(next.text).toMatch(/mlp_access_token\.app must be replaced/);

  // The rotation of `app` planned now, applied 70 hours later: after `app` (and `ci`) expired (ttl 72h).
  expect(await planOut(b)).toBe('Plan: 1 to add, 0 to change, 1 to destroy.');
  emulator.clock.advance('70h');
  const c = await runner('hours-c', 'hours', config(['extra']));
  carry(b, c, PLAN);
  const afterExpiry = await applyPlan(c);
  expect(crashSigns(`${afterExpiry.stdout}\n${afterExpiry.stderr}`)).toEqual([]);
  expect({ code: afterExpiry.code, stderr: afterExpiry.stderr }).toEqual({ code: 0, stderr: '' });
  expect(afterExpiry.stdout).toMatch(/Resources: 1 added, 0 changed, 1 destroyed/);
  const rotated = await ids(c);
  expect(rotated.app).not.toBe(first.app);
  expect(rotated.ci).toBe(first.ci);
  await collect(c);
  // What the plan did not show (ci expired too; extra, made 70 hours ago, has 2 left) the next plan does.
  const catchUp = await c.plan();
  expect(catchUp).toMatchObject({ changes: true, add: 1, destroy: 1 });
  expect(catchUp.text).toMatch(/mlp_access_token\.ci must be replaced/);
  await c.apply();
  await collect(c);
  expect(await reconcile(emulator, c)).toMatchObject({ orphans: [], duplicates: [], inState: 3, inApi: 3 });
  figures.hoursLate = {
    planThenApplyAfter: '7h',
    rotatedOnlyWhatPlanShowed: true,
    rotationAppliedAfterExpiry: '70h later: done',
    nextPlanCaughtUp: 'the expired ci replaced',
  };

  for (const w of [a, b, c]) await w.assertNoSecrets([emulator.adminToken, pg.server.password, ...secrets]);
  await c.destroy();
});

test('GIVEN examples/ci synthesized by CDKTF WHEN runner A plans in cdktf.out/stacks/tokens with plain terraform and runner B (its own synth) applies the file THEN the token exists as planned, in the pg state', async () => {
  const app = path.join(ROOT, 'dist', 'examples', 'ci', 'main.js');
  const synth = async (name: string): Promise<string> => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `mlp-e2e-${name}-`));
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [app], {
        cwd: outdir,
        env: { ...process.env, CDKTF_OUTDIR: path.join(outdir, 'cdktf.out'), TF_STATE_BACKEND: 'pg' },
        stdio: 'inherit',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    return path.join(outdir, 'cdktf.out', 'stacks', 'tokens');
  };
  const stackA = await synth('cdktf-a');
  const stackB = await synth('cdktf-b');
  const synthesized = JSON.parse(fs.readFileSync(path.join(stackA, 'cdk.tf.json'), 'utf8'));
  expect(synthesized.terraform.backend).toEqual({ pg: { conn_str: '', schema_name: 'mlp_tokens' } });
  const env = { PG_CONN_STR: connString };
  const a = E2EWorkdir.at(stackA, { name: 'cdktf-a', endpoint: emulator.url, token: emulator.adminToken, env });
  const b = E2EWorkdir.at(stackB, { name: 'cdktf-b', endpoint: emulator.url, token: emulator.adminToken, env });
  try {
    await a.init();
    expect(await planOut(a)).toBe('Plan: 1 to add, 0 to change, 0 to destroy.');
    await planFileSecrets(a, 'cdktf create');
    await b.init();
    carry(a, b, PLAN);
    const applied = await applyPlan(b);
    expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
    expect(emulator.tokens().filter((t) => t.name === 'ci-deploy')).toHaveLength(1);
    expect((await a.plan()).changes).toBe(false);
    await collect(b);
    for (const w of [a, b]) await w.assertNoSecrets([emulator.adminToken, pg.server.password, ...secrets]);
    await b.destroy();
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
  } finally {
    for (const dir of [stackA, stackB]) fs.rmSync(path.resolve(dir, '..', '..', '..'), { recursive: true, force: true });
  }
});
