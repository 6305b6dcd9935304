/**
 * `hashicorp/null` cannot be installed without the Terraform registry, so this example is checked at
 * synth here; test/e2e/distribute.test.ts runs its provisioner with real Terraform on terraform_data.
 */
import { Testing } from 'cdktf';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { DistributeStack } from '../../examples/distribute/main';
import { MlpAccessToken, MlpProvider } from '../../lib/constructs';
import { canariesIn, synthWithCanaries, whereReferenced, type SynthesizedStack } from './helpers';

Testing.setupJest();

type LocalExec = { command: string; environment?: Record<string, string> };

describe('examples/distribute', () => {
  const synth = () => synthWithCanaries(() => new DistributeStack(Testing.app(), 'distribute'));
  const handOver = (config: SynthesizedStack) =>
    config.resource!.null_resource!.hand_over as { triggers: Record<string, string>; provisioner: Array<{ 'local-exec': LocalExec }> };

  test('GIVEN the distribute stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('GIVEN the distribute stack WHEN synthesized THEN a rotating token and a null_resource re-run on each new token id', () => {
    const json = synth();

    expect(json).toHaveProvider(MlpProvider);
    expect(json).toHaveProvider(NullProvider);
    expect(json).toHaveResourceWithProperties(MlpAccessToken, {
      name_prefix: 'worker-',
      ttl: '720h',
      rotate_after: '168h',
      lifecycle: { create_before_destroy: true },
    });
    expect(json).toHaveResourceWithProperties(NullResource, { triggers: { token_id: '${mlp_access_token.worker.id}' } });
  });

  test('GIVEN the hand-over command WHEN synthesized THEN the value reaches it through the environment, never the command line', () => {
    const config = JSON.parse(synth()) as SynthesizedStack;
    const [provisioner, ...others] = handOver(config).provisioner;

    expect(others).toEqual([]);
    const exec = provisioner!['local-exec'];
    expect(exec.environment).toEqual({
      MLP_NEW_TOKEN: '${sensitive(mlp_access_token.worker.value)}',
      MLP_TOKEN: '',
      MLP_EMULATOR_ADMIN_TOKEN: '',
    });
    expect(exec.command).not.toContain('${');
    expect(exec.command).toContain('"$MLP_NEW_TOKEN"');
    expect(whereReferenced(config, 'mlp_access_token.worker.value')).toEqual([
      'output.worker_value.value',
      'resource.null_resource.hand_over.provisioner[0].local-exec.environment.MLP_NEW_TOKEN',
    ]);
  });

  test('GIVEN the admin token in the environment Terraform runs in WHEN the hand-over command runs THEN its environment clears MLP_TOKEN and the emulator admin token', () => {
    const exec = handOver(JSON.parse(synth()) as SynthesizedStack).provisioner[0]!['local-exec'];
    // local-exec passes Terraform's environment on; an entry here replaces the inherited value.
    expect(exec.environment).toMatchObject({ MLP_TOKEN: '', MLP_EMULATOR_ADMIN_TOKEN: '' });
    const adminLike = Object.keys(exec.environment ?? {}).filter((k) => k.startsWith('MLP_') && k !== 'MLP_NEW_TOKEN');
    expect(adminLike.map((k) => [k, exec.environment![k]])).toEqual(adminLike.map((k) => [k, '']));
  });

  test('GIVEN secrets in the environment WHEN synthesized THEN none is written', () => {
    expect(canariesIn(synth())).toEqual([]);
  });
});
