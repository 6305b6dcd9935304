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
  const w = suite.workdir('meta-arguments');
  writeStack(w.dir, (stack) => {
    const per = new MlpAccessToken(stack, 'per', { namePrefix: 'per-' });
    per.forEach = TerraformIterator.fromList(['alpha', 'beta']);
    new MlpAccessToken(stack, 'cnt', { namePrefix: 'cnt-', count: 2 });
  });

  await w.init();
  await w.run(['validate', '-no-color']);
  const plan = await w.plan();
  expect(plan).toMatchObject({ changes: true, add: 4, destroy: 0 });
  expect(plan.text).not.toContain('Unsupported attribute');

  await w.apply();
  const outputs = await w.tf.outputs();
  expect(outputs.per_value!.sensitive).toBe(true);
  expect(outputs.cnt_value!.sensitive).toBe(true);
  const perValues = outputs.per_value!.value as Record<string, string>;
  const cntValues = outputs.cnt_value!.value as string[];
  expect(Object.keys(perValues).sort()).toEqual(['alpha', 'beta']);
  expect(cntValues).toHaveLength(2);
  const values = [...Object.values(perValues), ...cntValues];
  expect(new Set(values).size).toBe(4);
  for (const value of values) expect(await tokenAccepted(suite.emulator.url, value)).toBe(true);
  expect((await w.plan()).changes).toBe(false);

  await w.assertNoSecrets([...values, ...(await w.stateSecrets())]);
  await w.destroy();
  expect(suite.emulator.tokens().filter((t) => /^(per|cnt)-/.test(t.name))).toEqual([]);
});
