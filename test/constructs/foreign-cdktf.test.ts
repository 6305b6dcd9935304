/**
 * A construct in a stack of another cdktf release (a CDK Terrain project without cdktn installed as
 * `cdktf`, where npm brought cdktf 0.21 in as our peer) is refused when it is created, with the fix,
 * instead of a crash deep inside synth. Another copy of the same release (cdktn installed both as
 * `cdktn` and as `cdktf`) works, as it does in cdktf itself.
 */
import type * as cdktf from 'cdktf';
import { MlpAccessToken, MlpProvider, MlpRegisterToken, MlpTokenDataSource, MlpTokensDataSource } from '../../lib/constructs';
import { MlpConstructError } from '../../lib/constructs/errors';

/** cdktf loaded a second time: classes that are not the ones mlp-tokens imports, as another copy's are. */
function otherCopyOfCdktf(): typeof cdktf {
  let other: typeof cdktf | undefined;
  jest.isolateModules(() => {
    other = jest.requireActual<typeof cdktf>('cdktf');
  });
  return other!;
}

test('GIVEN another copy of the same cdktf release WHEN a construct is created in its stack THEN it is accepted and synthesizes', () => {
  const same = otherCopyOfCdktf();
  const stack = new same.TerraformStack(new same.App({ skipValidation: true }), 'tokens');
  new MlpProvider(stack as unknown as cdktf.TerraformStack, 'mlp', { installMirror: false });
  new MlpAccessToken(stack as unknown as cdktf.TerraformStack, 'ci', { name: 'ci' });
  expect(same.Testing.synth(stack)).toContain('"mlp_access_token"');
});

describe('constructs in a stack of another cdktf release', () => {
  const other = otherCopyOfCdktf();
  // What sets two releases apart here: a stack method one of them has (cdktn 0.24's stacks have five
  // that cdktf 0.21's lack, `_runPreparingResolve` among them).
  Object.defineProperty(other.TerraformStack.prototype, '_runPreparingResolve', { value: () => undefined });
  const stack = () => new other.TerraformStack(new other.App({ skipValidation: true }), 'tokens');

  test.each<[string, (scope: cdktf.TerraformStack) => unknown]>([
    ['MlpProvider', (s) => new MlpProvider(s, 'mlp', { installMirror: false })],
    ['MlpAccessToken', (s) => new MlpAccessToken(s, 'ci', { name: 'ci' })],
    ['MlpRegisterToken', (s) => new MlpRegisterToken(s, 'handoff', { name: 'team', ttl: '1h' })],
    ['MlpTokenDataSource', (s) => new MlpTokenDataSource(s, 'me')],
    ['MlpTokensDataSource', (s) => new MlpTokensDataSource(s, 'all')],
  ])('GIVEN a stack of another cdktf release WHEN a %s is made in it THEN it throws naming the install that fixes it', (_name, build) => {
    expect(other.App).not.toBe(jest.requireActual<typeof cdktf>('cdktf').App);
    let thrown: unknown;
    try {
      build(stack() as unknown as cdktf.TerraformStack);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MlpConstructError);
    expect((thrown as MlpConstructError).code).toBe('FOREIGN_CDKTF');
    expect((thrown as Error).message).toContain('npm install cdktf@npm:cdktn@0.24.0');
  });
});
