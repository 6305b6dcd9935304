import { TerraformStack, Testing } from 'cdktf';
import { MlpConstructError, MlpProvider } from '../../lib/constructs';

jest.mock('../../lib/install/mirror', () => ({
  installProvider: () => {
    throw new Error("EACCES: permission denied, mkdir 'terraform.d'");
  },
}));

describe('MlpProvider mirror hook', () => {
  test('GIVEN a mirror that cannot be laid out WHEN the stack is synthesized THEN it throws saying why and how to opt out', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new MlpProvider(stack, 'mlp');

    let caught: unknown;
    try {
      Testing.fullSynth(stack);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(MlpConstructError);
    const error = caught as MlpConstructError;
    expect(error.code).toBe('MIRROR_FAILED');
    expect(error.message).toContain('EACCES: permission denied');
    expect(error.message).toContain('installMirror: false');
    expect(error.message).toMatch(/npx mlp-tokens mirror .*stacks\/stack/);
  });

  test('GIVEN Testing.synth WHEN the hook would fail THEN plain synthesis never runs it', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new MlpProvider(stack, 'mlp');

    expect(() => Testing.synth(stack)).not.toThrow();
  });
});
