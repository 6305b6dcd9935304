/**
 * examples/distribute's hand-over command, run by real Terraform: `hashicorp/null` cannot be
 * installed here, so the example's own `local-exec` provisioner (its environment exactly as
 * synthesized) is attached to the built-in `terraform_data` instead, with a command that records
 * whether it inherited the admin credentials Terraform runs with. Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { DistributeStack } from '../../examples/distribute/main';
import { emulatorSuite } from './harness';

jest.setTimeout(180_000);

const suite = emulatorSuite();

type LocalExec = { command: string; environment?: Record<string, string> };

/** Records, without printing any value, which credentials the command sees. `$NAME` is no HCL interpolation. */
const PROBE =
  'for v in MLP_TOKEN MLP_EMULATOR_ADMIN_TOKEN MLP_NEW_TOKEN; do eval "x=\\"\\$$v\\""; if [ -n "$x" ]; then echo "$v=set"; else echo "$v=empty"; fi; done > seen';

/** The distribute stack with its hand-over provisioner moved onto `terraform_data`, running {@link PROBE}. */
function distributeWithProbe(): string {
  const config = JSON.parse(Testing.synth(new DistributeStack(Testing.app(), 'distribute')));
  const handOver = config.resource.null_resource.hand_over as {
    triggers: Record<string, string>;
    provisioner: Array<{ 'local-exec': LocalExec }>;
  };
  const exec = handOver.provisioner[0]!['local-exec'];
  delete config.resource.null_resource;
  delete config.provider.null;
  delete config.terraform.required_providers.null;
  config.resource.terraform_data = {
    hand_over: { triggers_replace: handOver.triggers, provisioner: [{ 'local-exec': { ...exec, command: PROBE } }] },
  };
  return JSON.stringify(config, null, 2);
}

test('GIVEN MLP_TOKEN and the emulator admin token in the environment of the Terraform run WHEN the hand-over command runs THEN it sees neither, only the new token', async () => {
  const w = suite.workdir('distribute', { env: { MLP_EMULATOR_ADMIN_TOKEN: suite.emulator.adminToken } });
  fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), distributeWithProbe());

  await w.init();
  await w.apply();

  expect(fs.readFileSync(path.join(w.dir, 'seen'), 'utf8').trim().split('\n')).toEqual([
    'MLP_TOKEN=empty',
    'MLP_EMULATOR_ADMIN_TOKEN=empty',
    'MLP_NEW_TOKEN=set',
  ]);
  await w.assertNoSecrets([suite.emulator.adminToken, ...(await w.stateSecrets())]);
  await w.destroy();
});
