/**
 * Shared remote state on a real database: two working directories ("runners", as two CI jobs on two
 * machines would have) on one Terraform `pg` backend state, against a PostgreSQL server the harness
 * starts on loopback (`support/postgres.ts`), real Terraform, our provider and the emulator.
 *
 * - what runner A applies, runner B sees: an empty plan; B's destroy leaves A a plan to create again;
 * - two applies at once: the backend's lock (a PostgreSQL advisory lock) refuses one; no duplicate;
 *   with `-lock-timeout` the second waits and then finds nothing to do;
 * - a runner killed (SIGKILL) mid-apply: the server drops its session and with it the lock, so the
 *   next runner's apply goes ahead and repairs what the kill left (tokens the state never recorded);
 * - a runner that hangs mid-apply (SIGSTOP: a frozen VM, a lost network) keeps its session and the
 *   lock: `terraform force-unlock` cannot release another session's advisory lock (measured below),
 *   ending the hung session on the server does; then the next apply leaves no orphan.
 */
import type { RunningEmulator } from '../../../lib/emulator';
import { type E2EWorkdir, crashSigns, emulatorSuite } from '../harness';
import { alive, killTree, reconcile, report, tokensConfig, waitFor } from '../reliability/support';
import { advisoryLockHolders, postgresSuite } from '../support/postgres';
import { pgRunners } from '../support/runners';

jest.setTimeout(120_000);

const DATABASE = 'shared_state';
const suite = emulatorSuite({ seed: 12 });
const pg = postgresSuite();
let emulator: RunningEmulator;
let connString: string;
const secrets = new Set<string>();

beforeAll(async () => {
  emulator = suite.emulator;
  connString = await pg.server.createDatabase(DATABASE);
});

const runner = pgRunners(suite, () => connString);

async function finish(...runners: E2EWorkdir[]): Promise<void> {
  for (const w of runners) for (const s of await w.stateSecrets()) secrets.add(s);
  for (const w of runners) await w.assertNoSecrets([emulator.adminToken, pg.server.password, ...secrets]);
}

test('GIVEN runner A applied 3 tokens to the pg state WHEN runner B, a fresh directory, plans THEN B sees them (empty plan), and what B destroys A plans to create again', async () => {
  const config = tokensConfig(3, 'shared');
  const a = await runner('runner-a', 'two_runners', config);
  await a.apply();
  const b = await runner('runner-b', 'two_runners', config);

  const planB = await b.plan();
  expect(planB.changes).toBe(false);
  expect(await reconcile(emulator, b)).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 3, inApi: 3 });
  const stateIds = (await b.state()).values!.root_module!.resources!.map((r) => r.values.id).sort();
  expect(stateIds).toEqual((await a.state()).values!.root_module!.resources!.map((r) => r.values.id).sort());

  await finish(a, b);
  await b.destroy();
  expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
  const planA = await a.plan();
  expect(planA).toMatchObject({ changes: true, add: 3, destroy: 0 });
  report('ci-two-runners', { runners: 2, tokens: 3, planOfSecondRunner: 'no changes', afterDestroyByB: `A plans ${planA.add} to add` });
});

test('GIVEN two runners on one pg state WHEN both apply at once THEN the lock refuses one, no token is duplicated, and with -lock-timeout the second waits and finds nothing to do', async () => {
  const config = tokensConfig(3, 'lock');
  const a = await runner('lock-a', 'lock', config);
  const b = await runner('lock-b', 'lock', config);
  // Slow the mints so the first apply holds the lock while the second starts.
  emulator.faults.probabilities('mint', { delay: { p: 1, ms: 1_500 } });
  const args = ['apply', '-input=false', '-no-color', '-auto-approve'];
  const [ra, rb] = await Promise.all([a.start(args).done, b.start(args).done]);
  const codes = [ra.code, rb.code].sort();
  expect(codes).toEqual([0, 1]);
  const refused = ra.code === 0 ? rb : ra;
  expect(refused.stderr).toMatch(/Error acquiring the state lock/);
  expect(refused.stderr).toMatch(/Lock Info:\s+ID:/);
  expect(crashSigns(refused.stderr)).toEqual([]);
  expect(await reconcile(emulator, a)).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 3, inApi: 3 });
  expect(emulator.counters().redeem).toBe(3);

  // The same race with -lock-timeout: the second waits for the first, then sees its work.
  const config2 = tokensConfig(3, 'wait');
  a.writeConfig(config2);
  b.writeConfig(config2);
  emulator.resetCounters();
  const waitArgs = [...args, '-lock-timeout=60s'];
  const [wa, wb] = await Promise.all([a.start(waitArgs).done, b.start(waitArgs).done]);
  emulator.faults.clear();
  expect([wa.code, wb.code]).toEqual([0, 0]);
  const outputs = [wa.stdout, wb.stdout];
  expect(outputs.filter((o) => /Apply complete! Resources: 3 added, 0 changed, 3 destroyed/.test(o))).toHaveLength(1);
  expect(outputs.filter((o) => /No changes\./.test(o))).toHaveLength(1);
  expect(emulator.counters().redeem).toBe(3);
  expect(await reconcile(emulator, b)).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 3, inApi: 3 });

  report('ci-lock', {
    applies: 2,
    succeeded: 1,
    refusedByLock: 1,
    duplicates: 0,
    withLockTimeout: { applies: 2, succeeded: 2, secondFound: 'No changes', redeems: 3 },
  });
  await finish(a, b);
  await b.destroy();
});

test('GIVEN runner A applying on the pg state WHEN it is killed (SIGKILL, with its provider) mid-apply THEN the server has dropped its lock, runner B applies without force-unlock, and no orphan is left', async () => {
  // Unattended repair of what a killed run left needs the opt-in (RELIABILITY.md, guarantee 2): without
  // it, the next plan refuses each token the state never recorded, by name, and deletes nothing.
  const config = tokensConfig(6, 'killed', { replace_existing: true });
  const a = await runner('killed-a', 'killed', config);
  emulator.faults.probabilities('redeem', { delay: { p: 1, ms: 300 } });
  const { child, done } = a.start(['apply', '-input=false', '-no-color', '-auto-approve', '-parallelism=2']);
  await waitFor(() => emulator.counters().redeem >= 2, 60_000, '2 redeems');
  const tree = killTree(child.pid!);
  const killed = await done;
  await waitFor(() => tree.every((pid) => !alive(pid)), 5_000, 'the provider processes to die');
  emulator.faults.clear();
  await new Promise((r) => setTimeout(r, 400)); // redeems in flight land
  expect(killed.code).not.toBe(0);

  const holdersAfterKill = await advisoryLockHolders(pg.server, DATABASE);
  const b = await runner('killed-b', 'killed', config);
  const afterKill = await reconcile(emulator, b);
  if (afterKill.orphans.length > 0) {
    b.writeConfig(tokensConfig(6, 'killed'));
    const refused = await b.plan([], { check: false });
    expect(refused.text).toMatch(/An MLP token of that name exists outside this state/);
    expect(emulator.counters().delete).toBe(0);
    b.writeConfig(config);
  }
  const repaired = await b.apply(); // no -lock-timeout, no force-unlock: the lock went with the session
  expect(`${repaired.stdout}\n${repaired.stderr}`).not.toMatch(/Error acquiring the state lock/);
  const after = await reconcile(emulator, b);
  expect(after).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 6, inApi: 6 });
  expect((await b.plan()).changes).toBe(false);
  expect(holdersAfterKill).toEqual([]);

  report('ci-killed-runner', {
    tokens: 6,
    lockHoldersAfterKill: holdersAfterKill.length,
    orphansAfterKill: afterKill.orphans.length,
    inStateAfterKill: afterKill.inState,
    orphansAfterNextApply: after.orphans.length,
  });
  await finish(b);
  await b.destroy();
});

test("GIVEN runner A hung (SIGSTOP) mid-apply holding the pg lock WHEN runner B applies THEN it is refused; force-unlock from B does not release another session's lock; ending the hung session does; no orphan after B's apply", async () => {
  const config = tokensConfig(4, 'hung', { replace_existing: true }); // see the killed-runner test
  const a = await runner('hung-a', 'hung', config);
  emulator.faults.probabilities('redeem', { delay: { p: 1, ms: 300 } });
  const { child, done } = a.start(['apply', '-input=false', '-no-color', '-auto-approve', '-parallelism=1']);
  try {
    await waitFor(() => emulator.counters().redeem >= 1, 60_000, '1 redeem');
    process.kill(child.pid!, 'SIGSTOP');
    emulator.faults.clear();
    await new Promise((r) => setTimeout(r, 500));

    const b = await runner('hung-b', 'hung', config);
    const refused = await b.apply([], { check: false });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Error acquiring the state lock/);
    const lockId = /Lock Info:\s+ID:\s+(\S+)/.exec(refused.stderr)?.[1];
    expect(lockId).toBeDefined();

    // `force-unlock` runs in B's own database session: PostgreSQL releases an advisory lock only for
    // the session that holds it. Terraform reports success; the lock stays (measured, not assumed).
    const unlock = await b.run(['force-unlock', '-force', lockId!], { check: false });
    const stillRefused = await b.apply([], { check: false });
    const forceUnlockReleased = !/Error acquiring the state lock/.test(stillRefused.stderr);

    // What does release it: ending the hung runner's session on the server (or killing the runner).
    const holders = await advisoryLockHolders(pg.server, DATABASE);
    expect(holders).toHaveLength(1);
    await pg.server.sql(DATABASE, `SELECT pg_terminate_backend(${holders[0]})`);
    const repaired = await b.apply();
    expect(repaired.code).toBe(0);
    const after = await reconcile(emulator, b);
    expect(after).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 4, inApi: 4 });

    report('ci-hung-runner', {
      tokens: 4,
      refusedWhileHung: true,
      forceUnlockExit: unlock.code,
      forceUnlockReleasedLock: forceUnlockReleased,
      releasedBy: 'pg_terminate_backend',
      orphansAfterNextApply: after.orphans.length,
    });
    expect(forceUnlockReleased).toBe(false);
    killTree(child.pid!);
    await done;
    await finish(b);
    await b.destroy();
  } finally {
    killTree(child.pid!);
  }
});
