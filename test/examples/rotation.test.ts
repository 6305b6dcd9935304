import { Testing } from 'cdktf';
import { RotationStack } from '../../examples/rotation/main';
import { MlpAccessToken, MlpProvider } from '../../lib/constructs';
import { canariesIn, synthWithCanaries, whereReferenced, type SynthesizedStack } from './helpers';

Testing.setupJest();

describe('examples/rotation', () => {
  const synth = () => synthWithCanaries(() => new RotationStack(Testing.app(), 'rotation'));

  test('GIVEN the rotation stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('GIVEN the rotation stack WHEN synthesized THEN the token rotates on a schedule, before expiry, by hand, creating the new one first', () => {
    const json = synth();

    expect(json).toHaveProvider(MlpProvider);
    expect(json).toHaveResourceWithProperties(MlpAccessToken, {
      name_prefix: 'inference-',
      role: 'user',
      ttl: '720h',
      rotate_after: '168h',
      early_rotation_window: '72h',
      rotation_triggers: { release: '${var.release}' },
      lifecycle: { create_before_destroy: true },
    });
    const token = (JSON.parse(json) as SynthesizedStack).resource!.mlp_access_token!.inference!;
    expect(token).not.toHaveProperty('name');
  });

  test('GIVEN secrets in the environment WHEN synthesized THEN none is written, and the value reaches only its sensitive output', () => {
    const json = synth();
    const config = JSON.parse(json) as SynthesizedStack;

    expect(canariesIn(json)).toEqual([]);
    expect(whereReferenced(config, 'mlp_access_token.inference.value')).toEqual(['output.inference_value.value']);
    expect(config.output!.inference_value!.sensitive).toBe(true);
  });
});
