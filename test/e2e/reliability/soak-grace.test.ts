/**
 * Fault soak of rotation with an overlap (`previous_token_grace`): N `name_prefix` tokens rotated in
 * place, then their retired tokens revoked after the grace, then destroyed, by real Terraform while
 * the emulator fails requests as in `soak.test.ts` (5xx/429, resets, lost answers; seed fixed). A
 * failed apply is followed by another, at most three in all; after each phase the emulator's tokens
 * equal exactly the tokens the state holds, current and retired.
 */
import { E2EWorkdir, emulatorSuite } from '../harness';
import { ADMIN_NAME, SOAK_FAULTS, errorSummaries, report, untilConverged } from './support';

const N = 10;
const MAX_APPLIES = 3;

jest.setTimeout(300_000);

const suite = emulatorSuite({ seed: 20261201 });

/** Every token the state holds (current and retired), against the emulator's, by id. */
async function heldAndLive(w: E2EWorkdir): Promise<{ held: string[]; live: string[]; retired: number }> {
  const state = await w.state();
  const held: string[] = [];
  let retired = 0;
  for (const r of state.values?.root_module?.resources ?? []) {
    if (r.type !== 'mlp_access_token') continue;
    held.push(String(r.values.id));
    for (const t of (r.values.retired_tokens ?? []) as { id: string }[]) {
      held.push(String(t.id));
      retired++;
    }
  }
  const live = suite.emulator
    .tokens()
    .filter((t) => t.name !== ADMIN_NAME)
    .map((t) => t.id);
  return { held: held.sort(), live: live.sort(), retired };
}

test(`GIVEN ${N} tokens with previous_token_grace and 20% faults WHEN rotated, revoked after the grace and destroyed THEN each phase converges in at most ${MAX_APPLIES} applies with the API holding exactly the state's tokens, current and retired`, async () => {
  const { emulator } = suite;
  const w = suite.workdir('soak-grace');
  const config = (release: string) => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < N; i++)
      resources[`g${i}`] = { name_prefix: `grace-${i}-`, previous_token_grace: '1h', rotation_triggers: { release } };
    return { resource: { mlp_access_token: resources } };
  };
  w.writeConfig(config('1'));
  await w.init();
  await w.apply(['-parallelism=10']);
  const secrets = new Set<string>([emulator.adminToken, ...(await w.stateSecrets())]);
  emulator.faults.probabilities('*', SOAK_FAULTS);

  const phases: Record<string, unknown>[] = [];
  const phase = async (label: string, run: () => ReturnType<E2EWorkdir['apply']>, expected: { live: number; retired: number }) => {
    const runs = await untilConverged(run, MAX_APPLIES);
    const tally = await heldAndLive(w);
    for (const v of await w.stateSecrets()) secrets.add(v);
    phases.push({
      phase: label,
      runs: runs.length,
      failedRunErrors: runs.filter((r) => r.code !== 0).map(errorSummaries),
      live: tally.live.length,
      retired: tally.retired,
    });
    expect(tally.live).toEqual(tally.held);
    expect({ live: tally.live.length, retired: tally.retired }).toEqual(expected);
  };

  w.writeConfig(config('2'));
  await phase('rotate in place', () => w.apply(['-parallelism=10'], { check: false }), { live: 2 * N, retired: N });
  emulator.clock.advance('61m');
  await phase('revoke after the grace', () => w.apply(['-parallelism=10'], { check: false }), { live: N, retired: 0 });
  await phase('destroy', () => w.destroy(['-parallelism=10'], { check: false }), { live: 0, retired: 0 });
  emulator.faults.clear();
  report('soak-grace', { tokens: N, seed: emulator.seed, counters: emulator.counters(), phases });
  await w.assertNoSecrets(secrets);
});
