/**
 * Slow API: answers delayed past the configured `request_timeout` give a timeout error that names the
 * operation and the call, and leave nothing half-done (a retry converges without orphans).
 * Concurrency: two `terraform apply` runs on one state at once: the local backend's lock refuses the
 * second, and the emulator shows no duplicate.
 */
import type { RunningEmulator } from '../../../lib/emulator';
import { E2EWorkdir, crashSigns, emulatorSuite } from '../harness';
import { reconcile, report, tokensConfig } from './support';

jest.setTimeout(180_000);

const suite = emulatorSuite({ seed: 11 });
let emulator: RunningEmulator;
beforeAll(() => {
  emulator = suite.emulator;
});
const workdir = (name: string): E2EWorkdir => suite.workdir(name);

describe('slow API', () => {
  test.each([
    // The mint answers after the deadline: nothing exists but a registration token that expires unused.
    [
      'mint',
      { mint: ['delay:3000'] },
      /Could not create the access token "slow"\. mint registration token \(POST \/v1_0\/auth\/register_tokens\) timed out after 2s/,
    ],
    // The redeem answers after the deadline, and so does the list that would find what it did: the
    // token is kept in the state, tainted, and the retry replaces it. (The first two lists are the
    // name checks of the plan and of the apply's final plan, one per provider process.)
    [
      'redeem and list',
      { redeem: ['delay:3000'], list: ['ok', 'ok', 'delay:3000'] },
      /Error: MLP token may have been created .* Could not create the access token "slow" \(checking whether a lost attempt created it\)\. list tokens \(GET \/v1_0\/auth\/tokens\) timed out after 2s/,
    ],
  ] as const)(
    'GIVEN request_timeout 2s and a %s answer 3s late WHEN applied THEN the error names the operation and the call, and a retry converges without orphans',
    async (label, scripts, message) => {
      const w = workdir(`slow-${label.replace(/ /g, '-')}`);
      w.writeConfig({ provider: { mlp: { request_timeout: '2s' } }, ...tokensConfig(1, 'slow') });
      await w.init();
      // tokensConfig names it slow-000; use a plain name for a readable message.
      w.writeConfig({ provider: { mlp: { request_timeout: '2s' } }, resource: { mlp_access_token: { slow: { name: 'slow' } } } });
      for (const [route, steps] of Object.entries(scripts)) emulator.faults.script(route as 'mint', [...steps]);
      const started = performance.now();
      const failed = await w.apply([], { check: false });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const text = `${failed.stdout}\n${failed.stderr}`;
      expect(failed.code).not.toBe(0);
      expect(text.replace(/\s+/g, ' ')).toMatch(message);
      expect(crashSigns(text)).toEqual([]);
      w.addText('the failed apply', text);
      // Let the late answers land, then retry without faults.
      await new Promise((r) => setTimeout(r, 1_200));
      const retry = await w.apply();
      const after = await reconcile(emulator, w);
      expect(after).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 1, inApi: 1 });
      const secrets = await w.stateSecrets();
      report('slow', {
        late: label,
        failedApplySeconds: seconds,
        error: /Error: (.+)/.exec(text)?.[1],
        retryExitCode: retry.code,
        orphans: after.orphans.length,
      });
      await w.destroy();
      await w.assertNoSecrets([emulator.adminToken, ...secrets]);
    },
  );
});

describe('two applies at once', () => {
  test('GIVEN one state WHEN two terraform apply runs start on it at the same time THEN the state lock refuses the second and the emulator has no duplicate', async () => {
    const w = workdir('concurrent');
    w.writeConfig(tokensConfig(3, 'lock'));
    await w.init();
    // Slow the mints so the first apply holds the lock while the second starts.
    emulator.faults.probabilities('mint', { delay: { p: 1, ms: 1_500 } });
    const args = ['apply', '-input=false', '-no-color', '-auto-approve'];
    const [a, b] = await Promise.all([w.start(args).done, w.start(args).done]);
    emulator.faults.clear();
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const refused = a.code === 0 ? b : a;
    expect(refused.stderr).toMatch(/Error acquiring the state lock/);
    expect(crashSigns(refused.stderr)).toEqual([]);
    const after = await reconcile(emulator, w);
    expect(after).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 3, inApi: 3 });
    expect(emulator.counters().redeem).toBe(3);
    const secrets = await w.stateSecrets();
    report('concurrency', {
      applies: 2,
      succeeded: 1,
      refusedByLock: 1,
      redeems: emulator.counters().redeem,
      tokens: after.inApi,
      duplicates: after.duplicates.length,
      orphans: after.orphans.length,
    });
    await w.destroy();
    await w.assertNoSecrets([emulator.adminToken, ...secrets]);
  });
});
