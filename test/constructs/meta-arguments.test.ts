/**
 * The standard meta-arguments (`TerraformMetaArguments`, as generated bindings take them) on every
 * construct, `createBeforeDestroy` as a shorthand merged into `lifecycle`, and value outputs that
 * Terraform can plan when a token has `forEach` or `count`.
 */
import { TerraformCount, TerraformIterator, TerraformStack, Testing } from 'cdktf';
import { MlpAccessToken, MlpProvider, MlpRegisterToken, MlpTokenDataSource, MlpTokensDataSource } from '../../lib/constructs';
import { expectConstructError, parsed, stackWithProvider } from './helpers';

Testing.setupJest();

const resourceOf = (synth: string, type: string, id: string) => parsed(synth).resource![type]![id]!;

describe('meta-arguments in props', () => {
  test('GIVEN every meta-argument WHEN an access token is synthesized THEN each is written as Terraform expects it', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new MlpProvider(stack, 'mlp');
    const other = new MlpProvider(stack, 'other', { alias: 'other' });
    const first = new MlpAccessToken(stack, 'first', { name: 'first' });
    new MlpAccessToken(stack, 'ci', {
      namePrefix: 'ci-',
      provider: other,
      dependsOn: [first],
      count: 2,
      lifecycle: { preventDestroy: true, ignoreChanges: ['rotation_triggers'] },
      provisioners: [{ type: 'local-exec', command: 'true' }],
      connection: { type: 'ssh', host: '127.0.0.1' },
    });

    const ci = resourceOf(Testing.synth(stack), 'mlp_access_token', 'ci');
    expect(ci).toMatchObject({
      provider: 'mlp.other',
      depends_on: ['mlp_access_token.first'],
      count: 2,
      lifecycle: { prevent_destroy: true, ignore_changes: ['rotation_triggers'] },
      provisioner: [{ 'local-exec': { command: 'true' } }],
      connection: { type: 'ssh', host: '127.0.0.1' },
    });
  });

  test('GIVEN forEach WHEN a registration token and both data sources are synthesized THEN for_each is written on each', () => {
    const stack = stackWithProvider();
    const bots = TerraformIterator.fromList(['a', 'b']);
    new MlpRegisterToken(stack, 'invite', { forEach: bots, namePrefix: 'bot-', ttl: '1h', output: false });
    new MlpTokenDataSource(stack, 'me', { count: 1 });
    new MlpTokensDataSource(stack, 'all', { lifecycle: { postcondition: [{ condition: 'true', errorMessage: 'never' }] } });

    const synth = parsed(Testing.synth(stack));
    expect(synth.resource!.mlp_register_token!.invite).toMatchObject({ for_each: '${toset(["a", "b"])}' });
    expect(synth.data!.mlp_token!.me).toMatchObject({ count: 1 });
    expect(synth.data!.mlp_tokens!.all).toMatchObject({ lifecycle: { postcondition: [{ condition: 'true', error_message: 'never' }] } });
  });

  describe('createBeforeDestroy', () => {
    test('GIVEN createBeforeDestroy and a lifecycle WHEN synthesized THEN both are merged into one lifecycle', () => {
      const synth = Testing.synthScope((scope) => {
        new MlpAccessToken(scope, 'ci', { namePrefix: 'ci-', createBeforeDestroy: true, lifecycle: { preventDestroy: true } });
      });

      expect(synth).toHaveResourceWithProperties(MlpAccessToken, { lifecycle: { create_before_destroy: true, prevent_destroy: true } });
    });

    test('GIVEN both saying the same WHEN synthesized THEN it is written once', () => {
      const synth = Testing.synthScope((scope) => {
        new MlpAccessToken(scope, 'ci', { namePrefix: 'ci-', createBeforeDestroy: true, lifecycle: { createBeforeDestroy: true } });
      });

      expect(synth).toHaveResourceWithProperties(MlpAccessToken, { lifecycle: { create_before_destroy: true } });
    });

    test.each([
      [true, false],
      [false, true],
    ])(
      'GIVEN createBeforeDestroy %s and lifecycle.createBeforeDestroy %s WHEN an MlpAccessToken is made THEN it throws CREATE_BEFORE_DESTROY_CONFLICT',
      (shorthand, explicit) => {
        expectConstructError(
          () =>
            new MlpAccessToken(stackWithProvider(), 'ci', {
              namePrefix: 'ci-',
              createBeforeDestroy: shorthand,
              lifecycle: { createBeforeDestroy: explicit },
            }),
          'CREATE_BEFORE_DESTROY_CONFLICT',
          'set it in one place',
        );
      },
    );

    test('GIVEN lifecycle.createBeforeDestroy with a fixed name WHEN an MlpAccessToken is made THEN it throws CREATE_BEFORE_DESTROY_WITH_FIXED_NAME', () => {
      expectConstructError(
        () => new MlpAccessToken(stackWithProvider(), 'ci', { name: 'ci', lifecycle: { createBeforeDestroy: true } }),
        'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME',
        'Use namePrefix instead of name',
      );
    });
  });
});

describe('the value output of a token with several instances', () => {
  const outputValue = (synth: string, name: string) => parsed(synth).output![name]!.value;

  test('GIVEN forEach in props WHEN synthesized THEN the output is a sensitive map of each instance by key', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'per', { forEach: TerraformIterator.fromList(['a', 'b']), namePrefix: 'per-' });

    expect(outputValue(Testing.synth(stack), 'per_value')).toBe('${sensitive({ for key, val in mlp_access_token.per: key => val.value })}');
  });

  test('GIVEN forEach set after construction WHEN synthesized THEN the output is the same map (no splat)', () => {
    const stack = stackWithProvider();
    const per = new MlpAccessToken(stack, 'per', { namePrefix: 'per-' });
    per.forEach = TerraformIterator.fromList(['a', 'b']);

    const value = outputValue(Testing.synth(stack), 'per_value');
    expect(value).toBe('${sensitive({ for key, val in mlp_access_token.per: key => val.value })}');
    expect(value).not.toContain('.*.');
    expect(Testing.synthHcl(stack)).toContain('sensitive({ for key, val in mlp_access_token.per: key => val.value })');
  });

  test('GIVEN count (in props or after construction) WHEN synthesized THEN the output is a sensitive list by index', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'two', { count: 2, namePrefix: 'two-' });
    const three = new MlpAccessToken(stack, 'three', { namePrefix: 'three-' });
    three.count = TerraformCount.of(3);

    const synth = Testing.synth(stack);
    expect(outputValue(synth, 'two_value')).toBe('${sensitive([ for key, val in mlp_access_token.two: val.value])}');
    expect(outputValue(synth, 'three_value')).toBe('${sensitive([ for key, val in mlp_access_token.three: val.value])}');
  });

  test('GIVEN a registration token with forEach WHEN synthesized THEN its output is a map too', () => {
    const stack = stackWithProvider();
    new MlpRegisterToken(stack, 'invite', { forEach: TerraformIterator.fromList(['a']), namePrefix: 'bot-', ttl: '1h' });

    expect(outputValue(Testing.synth(stack), 'invite_value')).toBe(
      '${sensitive({ for key, val in mlp_register_token.invite: key => val.value })}',
    );
  });
});
