/**
 * Crash: `terraform apply` of 50 tokens killed with SIGKILL once the emulator has seen ~20 redeems,
 * with the provider processes it started (as an OS would when the runner dies). Tokens created
 * before Terraform persisted its state are unknown to the state. By default the next plan refuses,
 * naming each (the provider cannot tell them from tokens made elsewhere), and deletes nothing; with
 * `replace_existing = true` the next apply meets their names taken (409), deletes them and creates
 * them again, with a warning each. Then the emulator's tokens equal the state's exactly. Also: a create that fails after the token may exist keeps it in the
 * state (tainted), including with name_prefix, whose name nobody else could find.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningEmulator } from '../../../lib/emulator';
import { E2EWorkdir, emulatorSuite } from '../harness';
import { alive, killTree, reconcile, report, tokensConfig, waitFor } from './support';

const N = 50;
const KILL_AFTER_REDEEMS = 20;

jest.setTimeout(240_000);

const suite = emulatorSuite({ seed: 7 });
let emulator: RunningEmulator;
beforeAll(() => {
  emulator = suite.emulator;
});
const workdir = (name: string): E2EWorkdir => suite.workdir(name);

test(`GIVEN an apply of ${N} tokens WHEN terraform and its provider are killed (SIGKILL) after ~${KILL_AFTER_REDEEMS} redeems THEN the next apply converges with 0 orphans and 0 lost tokens`, async () => {
  const w = workdir('crash');
  w.writeConfig(tokensConfig(N, 'crash', { replace_existing: true }));
  await w.init();
  // Slow every redeem a little so the kill lands mid-apply, not after it.
  emulator.faults.probabilities('redeem', { delay: { p: 1, ms: 50 } });

  const { child, done } = w.start(['apply', '-input=false', '-no-color', '-auto-approve', '-parallelism=10']);
  await waitFor(() => emulator.counters().redeem >= KILL_AFTER_REDEEMS, 60_000, `${KILL_AFTER_REDEEMS} redeems`);
  const tree = killTree(child.pid!);
  const killed = await done;
  await waitFor(() => tree.every((pid) => !alive(pid)), 5_000, 'the provider processes to die');
  emulator.faults.clear();
  // Let redeems already in flight land (the emulator processes them although nobody is listening).
  await new Promise((r) => setTimeout(r, 200));

  const stateFile = path.join(w.dir, 'terraform.tfstate');
  // The local backend writes the state file as each resource completes: count the instances recorded.
  const stateAfterKill = fs.existsSync(stateFile)
    ? ((JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { resources?: { instances?: unknown[] }[] }).resources ?? []).reduce(
        (n, r) => n + (r.instances?.length ?? 0),
        0,
      )
    : 'no state file';
  const afterKill = await reconcile(emulator, w);
  const redeemsAtKill = emulator.counters().redeem;
  const registerTokensLeft = emulator.registerTokens().length;
  expect(killed.code).not.toBe(0);
  expect(afterKill.orphans.length).toBeGreaterThan(0); // what the kill leaves: tokens the state does not know

  // Without the opt-in, the next plan refuses each orphan by name (one list for the whole plan) and deletes nothing.
  w.writeConfig(tokensConfig(N, 'crash'));
  emulator.resetCounters();
  const refused = await w.plan(['-parallelism=10'], { check: false });
  const refusedNames = [...refused.text.matchAll(/An access token named "(crash-\d{3})" already exists/g)].map((m) => m[1]).sort();
  expect(refusedNames).toEqual(afterKill.orphans);
  expect(emulator.counters()).toMatchObject({ list: 1, whoami: 1, mint: 0, redeem: 0, delete: 0 });
  const listsForPlan = emulator.counters().list;

  // With replace_existing = true the next apply converges: every orphan is deleted and created again, with a warning each.
  w.writeConfig(tokensConfig(N, 'crash', { replace_existing: true }));
  emulator.resetCounters();
  const next = await w.apply(['-parallelism=10']);
  // Terraform folds identical warnings ("and 8 more similar warnings"): count the provider's own log lines.
  expect(`${next.stdout}\n${next.stderr}`).toMatch(/Warning: Replaced an MLP token that the state did not know/);
  const warnings = fs.readFileSync(w.providerStderrFile, 'utf8').match(/is not in the state \(409 at (mint|redeem)\)/g)?.length ?? 0;
  const after = await reconcile(emulator, w);
  expect({ orphans: after.orphans, duplicates: after.duplicates, missing: after.missing, inState: after.inState }).toEqual({
    orphans: [],
    duplicates: [],
    missing: [],
    inState: N,
  });
  expect(warnings).toBe(afterKill.orphans.length);
  expect(emulator.counters().delete).toBe(afterKill.orphans.length);
  expect((await w.plan()).changes).toBe(false);

  const secrets = await w.stateSecrets();
  expect(new Set(secrets).size).toBe(N);
  report('crash', {
    tokens: N,
    redeemsAtKill,
    tokensInApiAtKill: afterKill.inApi,
    tokensInStateAtKill: stateAfterKill,
    orphansAtKill: afterKill.orphans.length,
    unusedRegisterTokensAtKill: registerTokensLeft,
    refusedAtPlanWithoutOptIn: refusedNames.length,
    listRequestsForThatPlan: listsForPlan,
    replacedWithWarning: warnings,
    nextApply: { exitCode: next.code, deletes: emulator.counters().delete, redeems: emulator.counters().redeem },
    orphansAfter: after.orphans.length,
    duplicatesAfter: after.duplicates.length,
    missingAfter: after.missing.length,
    providerProcessesKilled: tree.length,
  });

  await w.destroy();
  expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
  await w.assertNoSecrets([emulator.adminToken, ...secrets]);
});

test('GIVEN a lost redeem answer and a failing check WHEN a name_prefix token is created THEN it stays in the state, tainted, and the next apply replaces it: no orphan', async () => {
  const w = workdir('tainted');
  w.writeConfig({ resource: { mlp_access_token: { svc: { name_prefix: 'svc-' } } } });
  await w.init();
  // The redeem is processed and its answer lost; every list that would find it fails. A list is
  // retried on 500 (it changes nothing): script more 500s than the client's retries and the
  // provider's second try of the shared list can use up.
  emulator.faults.script('redeem', ['lost']);
  emulator.faults.script(
    'list',
    Array.from({ length: 12 }, () => '500'),
  );
  const failed = await w.apply([], { check: false });
  const text = `${failed.stdout}\n${failed.stderr}`;
  expect(failed.code).not.toBe(0);
  expect(text).toMatch(/Error: MLP token may have been created/);
  const [orphan] = emulator.tokens().filter((t) => t.name !== 'emulator-admin');
  expect(orphan?.name).toMatch(/^svc-[a-z0-9]{12}$/);
  expect(await w.resource('mlp_access_token.svc')).toMatchObject({ name: orphan!.name, value: null });
  const show = await w.show();
  expect(show.stdout).toMatch(/# mlp_access_token\.svc: \(tainted\)/);

  const plan = await w.plan();
  expect(plan).toMatchObject({ add: 1, destroy: 1 });
  await w.apply();
  const after = await reconcile(emulator, w);
  expect(after).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 1, inApi: 1 });
  expect(emulator.tokens().some((t) => t.name === orphan!.name)).toBe(false);
  const secrets = await w.stateSecrets();
  report('crash-tainted', {
    failedCreate: 'lost redeem + failed check',
    keptInStateTainted: true,
    orphansAfterNextApply: after.orphans.length,
  });
  await w.destroy();
  await w.assertNoSecrets([emulator.adminToken, ...secrets]);
});
