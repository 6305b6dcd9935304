/**
 * `generation`, with real Terraform against the emulator: it counts the rotations done in place
 * (an access token with `previous_token_grace`, by time and by `rotation_triggers`; a registration
 * token's re-issue), is known at plan so a consumer (here `terraform_data`, as another provider's
 * `*_wo_version` would) sees the new number in the same plan, and is left alone by an in-place
 * update that is not a rotation. A replacement (no `previous_token_grace`) starts over at 1.
 */
import { MlpClient } from '../../lib/client';
import { emulatorSuite, tokenAccepted, oneLine, projectTokenNames } from './harness';
import { ageDecrypt, ageKeyPair } from './secrets-harness';
import {
  expectKnownPlannedValue,
  expectKnownValue,
  expectKnownValues,
  expectNoPlanText,
  expectPlanCounts,
  expectPlanText,
  expectResourceAction,
  runSteps,
} from './steps';

jest.setTimeout(300_000);

const suite = emulatorSuite();

const SVC = 'mlp_access_token.svc';
const CONSUMER = 'terraform_data.consumer';

test('GIVEN previous_token_grace WHEN rotated by time (emulator clock), then by rotation_triggers THEN generation goes 1 -> 2 -> 3, known at plan (a consumer follows it); a change of rotate_after leaves it', async () => {
  const { emulator } = suite;
  const config = (release: string, rotateAfter = '240h') => ({
    resource: {
      mlp_access_token: {
        svc: { name_prefix: 'svc-', ttl: '720h', rotate_after: rotateAfter, previous_token_grace: '1h', rotation_triggers: { release } },
      },
      terraform_data: { consumer: { input: '${mlp_access_token.svc.generation}' } },
    },
  });
  let firstId: unknown;
  let mints = 0;
  await runSteps(suite.workdir('generation'), emulator, {
    steps: [
      {
        config: config('1'),
        stateChecks: [expectKnownValue(SVC, 'generation', 1), expectKnownValue(CONSUMER, 'output', 1)],
        check: (r) => void (firstId = r.resource(SVC).id),
      },
      {
        name: 'in place, not a rotation: nothing minted, generation kept',
        preConfig: () => void (mints = emulator.counters().mint),
        config: config('1', '200h'),
        planChecks: {
          preApply: [
            expectResourceAction(SVC, 'update'),
            expectResourceAction(CONSUMER, 'no-op'),
            expectPlanCounts({ add: 0, change: 1, destroy: 0 }),
            expectNoPlanText(/generation/),
            expectKnownPlannedValue(SVC, 'generation', 1),
          ],
        },
        stateChecks: [expectKnownValue(SVC, 'generation', 1)],
        check: (r) => {
          expect(r.resource(SVC).id).toBe(firstId);
          expect(emulator.counters().mint).toBe(mints);
        },
      },
      {
        name: 'by time: rotate_after passes on the emulator clock',
        preConfig: () => emulator.clock.advance('201h'),
        planChecks: {
          // Two updates: the token, in place, and the consumer, whose input is the new generation.
          preApply: [
            expectResourceAction(SVC, 'update'),
            expectResourceAction(CONSUMER, 'update'),
            expectPlanCounts({ add: 0, change: 2, destroy: 0 }),
            expectPlanText(/generation\s+= 1 -> 2/),
            expectPlanText(/~ input\s+= 1 -> 2/),
            expectKnownPlannedValue(CONSUMER, 'input', 2),
          ],
        },
        stateChecks: [expectKnownValue(SVC, 'generation', 2), expectKnownValue(CONSUMER, 'output', 2)],
        check: (r) => expect(r.resource(SVC).id).not.toBe(firstId),
      },
      {
        name: 'by rotation_triggers',
        config: config('2', '200h'),
        planChecks: {
          preApply: [
            expectPlanCounts({ add: 0, change: 2, destroy: 0 }),
            expectPlanText(/generation\s+= 2 -> 3/),
            expectKnownPlannedValue(SVC, 'generation', 3),
            expectKnownPlannedValue(CONSUMER, 'input', 3),
          ],
        },
        stateChecks: [expectKnownValue(SVC, 'generation', 3), expectKnownValue(CONSUMER, 'output', 3)],
        check: async (r) => expect(await tokenAccepted(emulator.url, String(r.resource(SVC).value))).toBe(true),
      },
    ],
  });
});

test('GIVEN no previous_token_grace WHEN rotation_triggers change THEN the token is replaced and generation starts again at 1 (what Terraform allows: the new object knows nothing of the old)', async () => {
  const { emulator } = suite;
  const config = (release: string) => ({
    resource: { mlp_access_token: { ci: { name_prefix: 'ci-', ttl: '720h', rotation_triggers: { release } } } },
  });
  let firstId: unknown;
  await runSteps(suite.workdir('generation-replace'), emulator, {
    steps: [
      {
        config: config('1'),
        stateChecks: [expectKnownValue('mlp_access_token.ci', 'generation', 1)],
        check: (r) => void (firstId = r.resource('mlp_access_token.ci').id),
      },
      {
        config: config('2'),
        planChecks: {
          preApply: [expectResourceAction('mlp_access_token.ci', 'replace'), expectPlanCounts({ add: 1, change: 0, destroy: 1 })],
        },
        stateChecks: [expectKnownValue('mlp_access_token.ci', 'generation', 1)],
        check: (r) => expect(r.resource('mlp_access_token.ci').id).not.toBe(firstId),
      },
    ],
  });
});

test('GIVEN a registration token (plain, and sealed) WHEN rotation_triggers change THEN the plan is an in-place update with a warning that the old one cannot be revoked, and generation goes 1 -> 2; the sealed one is re-sealed', async () => {
  const { emulator } = suite;
  const w = suite.workdir('generation-register');
  const team = ageKeyPair(w.dir, 'team');
  const config = (issue: string) => ({
    resource: {
      mlp_register_token: {
        handoff: { name_prefix: 'worker-', ttl: '1h', access_token_ttl: '24h', rotation_triggers: { issue } },
        sealed: { name_prefix: 'sealed-', ttl: '1h', seal_to: [team.recipient], rotation_triggers: { issue } },
      },
    },
  });
  let first: Record<string, unknown> = {};
  let firstSealedValue = '';
  let secondSealedValue = '';
  let redeemed: string[] = [];
  const redeemedNames: string[] = [];
  await runSteps(w, emulator, {
    steps: [
      {
        config: config('1'),
        stateChecks: [
          expectKnownValue('mlp_register_token.handoff', 'generation', 1),
          ...expectKnownValues('mlp_register_token.sealed', { generation: 1, value: null }),
        ],
        check: (r) => {
          first = r.resource('mlp_register_token.handoff');
          firstSealedValue = ageDecrypt(String(r.resource('mlp_register_token.sealed').sealed_value), team.identityFile);
        },
      },
      {
        name: 're-issue',
        config: config('2'),
        planChecks: {
          preApply: [
            expectResourceAction('mlp_register_token.handoff', 'update'),
            expectResourceAction('mlp_register_token.sealed', 'update'),
            expectPlanCounts({ add: 0, change: 2, destroy: 0 }),
            expectPlanText(/generation\s+= 1 -> 2/),
          ],
        },
        expectOutput: [/Registration token removed from state only/],
        stateChecks: [
          expectKnownValue('mlp_register_token.handoff', 'generation', 2),
          ...expectKnownValues('mlp_register_token.sealed', { generation: 2, value: null }),
        ],
        check: async (r) => {
          expect(oneLine(r.planText)).toMatch(
            new RegExp(`Registration token re-issued in place.*"${String(first.name)}".*cannot be revoked`),
          );
          const second = r.resource('mlp_register_token.handoff');
          expect(second.value).not.toBe(first.value);
          expect(second.name).not.toBe(first.name);
          const secondSealed = r.resource('mlp_register_token.sealed');
          secondSealedValue = ageDecrypt(String(secondSealed.sealed_value), team.identityFile);
          expect(secondSealedValue).not.toBe(firstSealedValue);
          // The new registration tokens work (redeemed here, as a team would); the harness's next plan is quiet.
          const anonymous = new MlpClient({ endpoint: emulator.url });
          try {
            redeemed = [
              (await anonymous.redeemRegisterToken(String(second.value))).value.reveal(),
              (await anonymous.redeemRegisterToken(secondSealedValue)).value.reveal(),
            ];
          } finally {
            await anonymous.close();
          }
          redeemedNames.push(String(second.name), String(secondSealed.name));
          expect(emulator.tokens().map((t) => t.name)).toEqual(expect.arrayContaining(redeemedNames));
        },
      },
    ],
    // A registration token's destroy only forgets it: the access tokens redeemed from it stay, and only they.
    checkDestroy: ({ emulator: e, tokensBefore }) =>
      expect(projectTokenNames(e).filter((n) => !tokensBefore.has(n))).toEqual([...redeemedNames].sort()),
    extraSecrets: () => [firstSealedValue, secondSealedValue, ...redeemed],
  });
  expect(redeemed).toHaveLength(2);
});
