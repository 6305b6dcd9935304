/**
 * Fault soak: N access tokens created, rotated and destroyed by real Terraform (`-parallelism=10`)
 * while the emulator fails 20% of the API requests with 5xx/429 (Retry-After 1 s), resets 5% of the
 * connections and loses 1% of the answers after processing them (seed fixed; the control API is
 * never faulted). A failed apply is followed by another, at most three in all; afterwards the
 * emulator's tokens equal the state's exactly. N = 30 here, `npm run test:soak` runs 100
 * (`MLP_SOAK_TOKENS`).
 */
import { startEmulator, type RunningEmulator } from '../../../lib/emulator';
import { E2EWorkdir } from '../harness';
import { SOAK_FAULTS, errorSummaries, injectedFaults, reconcile, report, retriesLogged, tokensConfig, untilConverged } from './support';

const N = Number(process.env.MLP_SOAK_TOKENS ?? 30);
const SEED = 20260601;
const MAX_APPLIES = 3;

jest.setTimeout(Math.max(240_000, N * 4_000));

let emulator: RunningEmulator;
let w: E2EWorkdir | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, control: true, seed: SEED });
});

afterAll(async () => {
  await emulator?.close();
  if (!process.env.MLP_E2E_KEEP) w?.remove();
});

test(`GIVEN ${N} tokens and 20% 5xx/429, 5% resets, 1% lost answers WHEN applied, rotated and destroyed THEN at most ${MAX_APPLIES} applies converge each time, with 0 orphans, 0 duplicates, 0 missing, 0 leaks`, async () => {
  w = E2EWorkdir.create({ name: 'soak', endpoint: emulator.url, token: emulator.adminToken });
  const config = (version: string) => tokensConfig(N, 'soak', { rotation_triggers: { version } });
  w.writeConfig(config('1'));
  await w.init();
  const secrets = new Set<string>([emulator.adminToken]);
  const probabilities = { '*': SOAK_FAULTS };
  emulator.faults.probabilities('*', SOAK_FAULTS);

  const phases: Record<string, unknown>[] = [];
  const phase = async (label: string, run: () => Promise<import('../../../lib/testing/terraform').TerraformResult>, expected: number) => {
    const before = { counters: emulator.counters(), retries: retriesLogged(w!).total };
    const started = performance.now();
    const runs = await untilConverged(run, MAX_APPLIES);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const after = emulator.counters();
    const tally = await reconcile(emulator, w!);
    for (const v of await w!.stateSecrets()) secrets.add(v);
    const figures = {
      phase: label,
      runs: runs.length,
      seconds,
      requests: Object.values(after).reduce((a, b) => a + b, 0) - Object.values(before.counters).reduce((a, b) => a + b, 0),
      retries: retriesLogged(w!).total - before.retries,
      failedRunErrors: runs.filter((r) => r.code !== 0).map(errorSummaries),
      orphans: tally.orphans.length,
      duplicates: tally.duplicates.length,
      missing: tally.missing.length,
      tokens: tally.inApi,
    };
    phases.push(figures);
    expect({
      orphans: tally.orphans,
      duplicates: tally.duplicates,
      missing: tally.missing,
      inState: tally.inState,
      inApi: tally.inApi,
    }).toEqual({
      orphans: [],
      duplicates: [],
      missing: [],
      inState: expected,
      inApi: expected,
    });
    return runs;
  };

  // Create.
  await phase('create', () => w!.apply(['-parallelism=10'], { check: false }), N);
  const firstIds = new Set(emulator.tokens().map((t) => t.id));

  // Rotate: a new trigger replaces every token.
  w.writeConfig(config('2'));
  await phase('rotate', () => w!.apply(['-parallelism=10'], { check: false }), N);
  expect(
    emulator
      .tokens()
      .filter((t) => firstIds.has(t.id))
      .map((t) => t.name),
  ).toEqual(['emulator-admin']);
  const values = await w.stateSecrets();
  expect(new Set(values).size).toBe(N);

  // Destroy.
  await phase('destroy', () => w!.destroy(['-parallelism=10'], { check: false }), 0);

  const counters = emulator.counters();
  const faults = injectedFaults(emulator.seed, probabilities, counters);
  const retries = retriesLogged(w);
  emulator.faults.clear();
  report('soak', {
    tokens: N,
    seed: emulator.seed,
    requests: faults.requests,
    counters,
    faultsInjected: faults.total,
    faultsByRoute: faults.byRoute,
    retries,
    phases,
  });

  // No value of any token issued here, nor the admin token, in any text the runs produced.
  await w.assertNoSecrets(secrets);
});
