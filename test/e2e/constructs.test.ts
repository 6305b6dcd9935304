/**
 * Constructs with meta-arguments through real Terraform: a token with `forEach` set after
 * construction and one with `count` get value outputs Terraform can plan and apply (cdktf's own
 * splat reference, `mlp_access_token.per.*.value`, passes validate and fails plan with "Unsupported
 * attribute"), and each output carries every instance's working value. Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformIterator, TerraformStack, Testing } from 'cdktf';
import { MlpAccessToken, MlpProvider } from '../../lib/constructs';
import { emulatorSuite, tokenAccepted } from './harness';
import { expectNoPlanText, expectPlanCounts, expectResourceAction, expectSensitiveValue, runSteps } from './steps';

jest.setTimeout(180_000);

const suite = emulatorSuite();

/** The stack as `cdk.tf.json` in the working directory. */
function writeStack(dir: string, build: (stack: TerraformStack) => void): void {
  const stack = new TerraformStack(Testing.app(), 'meta');
  new MlpProvider(stack, 'mlp', { installMirror: false });
  build(stack);
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(stack));
}

test('GIVEN a token with forEach set after construction and one with count WHEN validated, planned, applied and destroyed THEN the value outputs hold each instance and nothing leaks', async () => {
  const { emulator } = suite;
  const w = suite.workdir('meta-arguments');
  writeStack(w.dir, (stack) => {
    const per = new MlpAccessToken(stack, 'per', { namePrefix: 'per-' });
    per.forEach = TerraformIterator.fromList(['alpha', 'beta']);
    new MlpAccessToken(stack, 'cnt', { namePrefix: 'cnt-', count: 2 });
  });
  const instances = ['mlp_access_token.per["alpha"]', 'mlp_access_token.per["beta"]', 'mlp_access_token.cnt[0]', 'mlp_access_token.cnt[1]'];
  await runSteps(w, emulator, {
    steps: [
      {
        name: 'validated and planned (the stack is cdk.tf.json, as synthesized)',
        planOnly: true,
        expectNonEmptyPlan: true,
        planChecks: {
          preApply: [
            ...instances.map((address) => expectResourceAction(address, 'create')),
            expectPlanCounts({ add: 4, change: 0, destroy: 0 }),
            expectNoPlanText(/Unsupported attribute/),
          ],
        },
        check: async ({ workdir }) => void (await workdir.run(['validate', '-no-color'])),
      },
      {
        name: 'applied',
        stateChecks: instances.map((address) => expectSensitiveValue(address, 'value')),
        check: async ({ workdir }) => {
          const outputs = await workdir.tf.outputs();
          expect(outputs.per_value!.sensitive).toBe(true);
          expect(outputs.cnt_value!.sensitive).toBe(true);
          const perValues = outputs.per_value!.value as Record<string, string>;
          const cntValues = outputs.cnt_value!.value as string[];
          expect(Object.keys(perValues).sort()).toEqual(['alpha', 'beta']);
          expect(cntValues).toHaveLength(2);
          const values = [...Object.values(perValues), ...cntValues];
          expect(new Set(values).size).toBe(4);
          for (const value of values) expect(await tokenAccepted(emulator.url, value)).toBe(true);
        },
      },
    ],
    checkDestroy: () => expect(emulator.tokens().filter((t) => /^(per|cnt)-/.test(t.name))).toEqual([]),
  });
});
