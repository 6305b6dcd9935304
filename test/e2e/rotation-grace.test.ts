/**
 * Rotation with an overlap window (`previous_token_grace`), with real Terraform against the emulator:
 * a rotation replaces the token in place and the old one keeps working, listed in `retired_tokens`;
 * a plan after the grace shows its revocation, and that apply deletes it; destroy leaves nothing.
 */
import { emulatorSuite, tokenAccepted, projectTokenNames, oneLine } from './harness';
import { expectKnownValue, expectPlanCounts, expectPlanText, expectResourceAction, runSteps, type StepResult } from './steps';

jest.setTimeout(240_000);

const suite = emulatorSuite();

const SVC = 'mlp_access_token.svc';

interface Retired {
  name: string;
  id: string;
  revoke_after: string;
}

function current(r: StepResult): { name: string; value: string; retired: Retired[] } {
  const values = r.resource(SVC);
  return { name: String(values.name), value: String(values.value), retired: (values.retired_tokens ?? []) as Retired[] };
}

/** The plan for one in-place change of the token. */
const inPlace = [expectResourceAction(SVC, 'update'), expectPlanCounts({ add: 0, change: 1, destroy: 0 })];

test('GIVEN previous_token_grace WHEN the token rotates (triggers, then time) THEN the old one works until the grace ends, a later plan shows its revocation and the apply revokes it; destroy leaves nothing', async () => {
  const { emulator } = suite;
  const config = (release: string) => ({
    resource: {
      mlp_access_token: {
        svc: { name_prefix: 'svc-', ttl: '720h', rotate_after: '240h', previous_token_grace: '1h', rotation_triggers: { release } },
      },
    },
  });
  let first = { name: '', value: '' };
  let second = { name: '', value: '' };
  let at = 0;
  await runSteps(suite.workdir('grace'), emulator, {
    steps: [
      { config: config('1'), stateChecks: [expectKnownValue(SVC, 'retired_tokens', [])], check: (r) => void (first = current(r)) },
      {
        name: 'manual rotation: in place (no replacement), the old token retired with its revoke time',
        preConfig: () => void (at = emulator.clock.now().getTime()),
        config: config('2'),
        planChecks: { preApply: [...inPlace, expectPlanText(/MLP token rotates in place, with an overlap/)] },
        check: async (r) => {
          const now = current(r);
          second = now;
          expect(now.name).not.toBe(first.name);
          expect(now.retired).toEqual([{ name: first.name, id: expect.any(String), revoke_after: expect.any(String) }]);
          expect(Date.parse(now.retired[0]!.revoke_after) - at).toBeGreaterThanOrEqual(3_600_000 - 5_000);
          expect(projectTokenNames(emulator)).toEqual([first.name, now.name].sort());
          expect(await tokenAccepted(emulator.url, first.value)).toBe(true);
          expect(await tokenAccepted(emulator.url, now.value)).toBe(true);
        },
      },
      {
        name: 'within the grace: nothing to do',
        preConfig: () => emulator.clock.advance('30m'),
        planOnly: true,
        check: async () => expect(await tokenAccepted(emulator.url, first.value)).toBe(true),
      },
      {
        name: 'after the grace: the plan shows the revocation, the apply revokes',
        preConfig: () => emulator.clock.advance('31m'),
        planChecks: { preApply: [...inPlace, expectPlanText(/retired_tokens/)] },
        stateChecks: [expectKnownValue(SVC, 'retired_tokens', [])],
        check: async (r) => {
          expect(oneLine(r.planText)).toMatch(new RegExp(`Retired MLP token will be revoked.*"${first.name}"`));
          expect(await tokenAccepted(emulator.url, first.value)).toBe(false);
          expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
          expect(projectTokenNames(emulator)).toEqual([second.name]);
        },
      },
      {
        name: 'time-based rotation (rotate_after) keeps the overlap too',
        preConfig: () => emulator.clock.advance('240h'),
        planChecks: { preApply: inPlace },
        check: async (r) => {
          const third = current(r);
          expect(third.retired.map((t) => t.name)).toEqual([second.name]);
          expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
          expect(projectTokenNames(emulator)).toEqual([second.name, third.name].sort());
        },
      },
    ],
    // Destroy deletes the current token and the retired one.
    checkDestroy: () => expect(projectTokenNames(emulator)).toEqual([]),
  });
});

test('GIVEN previous_token_grace with a fixed name WHEN validated THEN it is refused: the two tokens cannot share a name', async () => {
  const { emulator } = suite;
  await runSteps(suite.workdir('grace-fixed'), emulator, {
    steps: [
      {
        config: { resource: { mlp_access_token: { svc: { name: 'svc', previous_token_grace: '1h' } } } },
        expectError: /Conflicting previous_token_grace and name/,
        check: () => expect(emulator.counters()).toMatchObject({ mint: 0, redeem: 0 }),
      },
    ],
  });
});
