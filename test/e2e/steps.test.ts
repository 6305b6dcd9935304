/**
 * The step harness itself (`test/e2e/steps/`), with real Terraform against the emulator: a check that
 * does not hold fails the case with a message naming the step, the resource, what was expected and
 * what happened, never with a token value in it; the plan after an apply must be empty unless the
 * step says otherwise; an expected error must come; import-verify compares the imported attributes;
 * and a failed case still destroys what it made.
 */
import { MlpClient } from '../../lib/client';
import { emulatorSuite, findLeaks, projectTokenNames } from './harness';
import {
  expectEmptyPlan,
  expectNonEmptyPlan,
  expectNoResource,
  expectKnownValue,
  expectKnownValues,
  expectPlanCounts,
  expectResourceAction,
  expectSensitiveValue,
  runSteps,
  type StepCase,
} from './steps';

jest.setTimeout(180_000);

const suite = emulatorSuite();

/** The case's failure (it must fail), after its destroy ran. */
async function failureOf(name: string, testCase: StepCase): Promise<Error> {
  const w = suite.workdir(name);
  const failure = await runSteps(w, suite.emulator, testCase).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof Error)) throw new Error('expected the case to fail, it passed');
  return failure;
}

const token = { resource: { mlp_access_token: { ci: { name: 'ci-token', ttl: '720h', early_rotation_window: '24h' } } } };

test('GIVEN a pre-apply check expecting a replacement WHEN the plan updates in place THEN the case fails naming the step, the resource, the expected and the actual action, and still destroys what it made', async () => {
  const failure = await failureOf('wrong-action', {
    steps: [
      { config: token, planChecks: { preApply: [expectResourceAction('mlp_access_token.ci', 'create')] } },
      {
        name: 'rotation window changed',
        config: { resource: { mlp_access_token: { ci: { name: 'ci-token', ttl: '720h', early_rotation_window: '48h' } } } },
        planChecks: { preApply: [expectResourceAction('mlp_access_token.ci', 'replace')] },
      },
    ],
  });
  expect(failure.message).toMatch(/^step 2 \(rotation window changed\): pre-apply plan check\(s\) failed:/);
  expect(failure.message).toMatch(/mlp_access_token\.ci: expected action replace, got update/);
  // The failed step applied nothing, and the case's destroy removed the token of step 1.
  expect(projectTokenNames(suite.emulator)).toEqual([]);
});

test('GIVEN a resource that changes on every plan WHEN applied THEN the default empty-plan check after the apply fails; with expectNonEmptyPlan the step passes', async () => {
  const always = { resource: { terraform_data: { always: { triggers_replace: '${timestamp()}' } } } };
  const failure = await failureOf('perpetual', { steps: [{ config: always }] });
  expect(failure.message).toMatch(/^step 1: the plan after it is not empty:/);
  expect(failure.message).toMatch(/terraform_data\.always must be replaced/);

  await runSteps(suite.workdir('perpetual-allowed'), suite.emulator, {
    steps: [
      {
        config: always,
        expectNonEmptyPlan: true,
        planChecks: {
          postApplyPostRefresh: [
            expectNonEmptyPlan(),
            expectResourceAction('terraform_data.always', 'replace'),
            expectPlanCounts({ add: 1, change: 0, destroy: 1 }),
          ],
        },
      },
    ],
  });
});

test('GIVEN expectError WHEN the configuration is refused at plan THEN the step passes (its apply refused too); WHEN it is accepted THEN the case fails saying the error did not come', async () => {
  await runSteps(suite.workdir('refused'), suite.emulator, {
    steps: [
      {
        config: { resource: { mlp_access_token: { svc: { name: 'svc', previous_token_grace: '1h' } } } },
        expectError: /Conflicting previous_token_grace and name/,
        check: ({ emulator }) => expect(emulator.counters()).toMatchObject({ mint: 0, redeem: 0 }),
      },
    ],
  });
  const failure = await failureOf('not-refused', { steps: [{ config: token, expectError: /Conflicting/ }] });
  expect(failure.message).toBe('step 1: expected an error matching /Conflicting/, but the step applied');
  expect(projectTokenNames(suite.emulator)).toEqual([]);
});

test('GIVEN state checks WHEN a sensitive value differs THEN the failure names the attribute without the value; expectSensitiveValue tells value (sensitive) from name (not)', async () => {
  let value = '';
  const failure = await failureOf('state-checks', {
    steps: [
      {
        config: token,
        stateChecks: [
          ...expectKnownValues('mlp_access_token.ci', { name: 'ci-token', ttl: '720h' }),
          expectSensitiveValue('mlp_access_token.ci', 'value'),
        ],
        check: (r) => {
          value = String(r.resource('mlp_access_token.ci').value);
        },
      },
      { planOnly: true, stateChecks: [expectKnownValue('mlp_access_token.ci', 'value', 'not-the-value')] },
    ],
  });
  expect(failure.message).toBe("step 2: mlp_access_token.ci.value: expected 'not-the-value', got (sensitive, not shown)");
  expect(value.length).toBeGreaterThan(20);
  expect(findLeaks({ failure: failure.message }, [value])).toEqual([]);

  const notSensitive = await failureOf('not-sensitive', {
    steps: [{ config: token, stateChecks: [expectSensitiveValue('mlp_access_token.ci', 'name')] }],
  });
  expect(notSensitive.message).toBe('step 1: mlp_access_token.ci.name: expected sensitive, it is not');
});

test('GIVEN importStateVerify WHEN the token is imported by name THEN the attributes an import cannot know differ, named (the value not shown), and with them ignored the import verifies', async () => {
  let value = '';
  const failure = await failureOf('import-verify', {
    steps: [
      { config: token, check: (r) => void (value = String(r.resource('mlp_access_token.ci').value)) },
      { importState: { address: 'mlp_access_token.ci', id: 'ci-token' }, importStateVerify: true },
    ],
  });
  expect(failure.message).toMatch(/^step 2: importStateVerify: mlp_access_token\.ci imported differs from its state before:/);
  expect(failure.message).toMatch(/^value: differs \(sensitive, not shown\)$/m);
  expect(failure.message).toMatch(/^early_rotation_window: '24h' before, null imported$/m);
  expect(findLeaks({ failure: failure.message }, [value])).toEqual([]);

  await runSteps(suite.workdir('import-verified'), suite.emulator, {
    steps: [
      { config: token },
      {
        importState: { address: 'mlp_access_token.ci', id: 'ci-token' },
        importStateVerify: true,
        importStateVerifyIgnore: ['value', 'early_rotation_window', 'rotate_at', 'retired_tokens'],
        expectOutput: [/Imported token has no value/],
        // The rotation window, not stored on import, is an update without an API call.
        expectNonEmptyPlan: true,
        planChecks: { postApplyPostRefresh: [expectResourceAction('mlp_access_token.ci', 'update')] },
      },
    ],
  });
});

test('GIVEN a token deleted outside Terraform WHEN a refreshState step runs THEN the state drops it with a warning, and the plan after it (non-empty, as the step says) creates it again', async () => {
  const { emulator } = suite;
  const admin = new MlpClient({ endpoint: emulator.url, token: emulator.adminToken });
  try {
    await runSteps(suite.workdir('refresh-state'), emulator, {
      steps: [
        // The -refresh=false plan right after the apply is run (and empty) when a check asks for it.
        { config: token, planChecks: { postApplyPreRefresh: [expectEmptyPlan()] } },
        {
          preConfig: () => admin.deleteToken('ci-token'),
          refreshState: true,
          stateChecks: [expectNoResource('mlp_access_token.ci')],
          expectOutput: [/MLP token no longer exists/],
          expectNonEmptyPlan: true,
          planChecks: { postApplyPostRefresh: [expectResourceAction('mlp_access_token.ci', 'create')] },
        },
      ],
    });
  } finally {
    await admin.close();
  }
});
