import { Testing } from 'cdktf';
import { BasicStack } from '../../examples/basic/main';
import { MlpAccessToken, MlpProvider } from '../../lib/constructs';
import { canariesIn, synthWithCanaries, whereReferenced, type SynthesizedStack } from './helpers';

Testing.setupJest();

describe('examples/basic', () => {
  const synth = () => synthWithCanaries(() => new BasicStack(Testing.app(), 'basic'));

  test('GIVEN the basic stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('GIVEN MLP_TOKEN and MLP_ENDPOINT in the environment WHEN synthesized THEN neither is written: the provider reads them at apply time', () => {
    const json = synth();

    expect(canariesIn(json)).toEqual([]);
    expect(json).toHaveProviderWithProperties(MlpProvider, {});
    expect((JSON.parse(json) as SynthesizedStack).provider!.mlp).toEqual([{}]);
  });

  test('GIVEN the basic stack WHEN synthesized THEN it declares one named user token with a lifetime and a rotation trigger', () => {
    const json = synth();

    expect(json).toHaveResourceWithProperties(MlpAccessToken, {
      name: 'ci-pipeline',
      role: 'user',
      ttl: '720h',
      rotation_triggers: { rotation: '${var.rotation}' },
    });
    const config = JSON.parse(json) as SynthesizedStack;
    expect(Object.keys(config.resource!.mlp_access_token!)).toEqual(['ci']);
    expect(config.variable!.rotation).toMatchObject({ type: 'string', default: '1' });
  });

  test('GIVEN the basic stack WHEN synthesized THEN the value reaches only its sensitive output', () => {
    const config = JSON.parse(synth()) as SynthesizedStack;

    expect(whereReferenced(config, 'mlp_access_token.ci.value')).toEqual(['output.ci_value.value']);
    expect(config.output!.ci_value).toMatchObject({ sensitive: true, value: '${sensitive(mlp_access_token.ci.value)}' });
  });
});
