/**
 * The secret guard at synth time: `MlpProvider.token` and `MlpAccessToken.registerToken` (and its
 * write-only twin `registerTokenWo`) are
 * resolved in their stack and refused when the expression holds a literal or reads a variable that
 * shows (or holds) the secret. Each bypass the audit found is here, for both props.
 */
import { Fn, TerraformIterator, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { MlpAccessToken, MlpProvider, MlpRegisterToken } from '../../lib/constructs';
import { expectConstructError, secretVariable } from './helpers';

const SECRET = 'mlp-secret-4f1c9a7e2b6d8c0e3a5f';

type Prop = 'token' | 'registerToken' | 'registerTokenWo';

/** A stack whose provider `token` or whose access token's `registerToken` is `value(stack)`. */
function stackWith(prop: Prop, value: (stack: TerraformStack) => string): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'stack');
  if (prop === 'token') {
    new MlpProvider(stack, 'mlp', { token: value(stack), installMirror: false });
  } else if (prop === 'registerToken') {
    new MlpProvider(stack, 'mlp', { installMirror: false });
    new MlpAccessToken(stack, 'bot', { registerToken: value(stack), output: false });
  } else {
    new MlpProvider(stack, 'mlp', { installMirror: false });
    new MlpAccessToken(stack, 'bot', { registerTokenWo: value(stack), registerTokenWoVersion: 1, output: false });
  }
  return stack;
}

const plainVariable = (stack: TerraformStack, id: string, defaultValue?: string) =>
  new TerraformVariable(stack, id, { type: 'string', ...(defaultValue === undefined ? {} : { default: defaultValue }) }).stringValue;

describe.each<Prop>(['token', 'registerToken', 'registerTokenWo'])('the %s prop', (prop) => {
  const synthOf = (value: (stack: TerraformStack) => string) => () => Testing.synth(stackWith(prop, value));
  const fix = prop === 'token' ? 'MLP_TOKEN' : 'sensitive: true';

  describe('refuses at synth', () => {
    test.each<[string, (stack: TerraformStack) => string, string]>([
      ['a literal inside a function call (Fn.trimspace("..."))', () => Fn.trimspace(SECRET), 'literal string inside the expression'],
      ['a literal inside Fn.sensitive("...")', () => Fn.sensitive(SECRET) as string, 'literal string inside the expression'],
      [
        'a TerraformLocal holding a literal',
        (stack) => new TerraformLocal(stack, 'held', SECRET).asString,
        'TerraformLocal "held" (used by',
      ],
      [
        'a TerraformLocal holding a function of a literal',
        (stack) => new TerraformLocal(stack, 'held', Fn.trimspace(SECRET)).asString,
        'TerraformLocal "held" (used by',
      ],
      [
        'a template mixing a literal with a sensitive variable',
        (stack) => `${SECRET.slice(0, 12)}${secretVariable(stack, 'rest')}`,
        'mixes literal text',
      ],
      [
        'a literal joined with a sensitive variable',
        (stack) => Fn.join('', [SECRET.slice(0, 12), secretVariable(stack, 'rest')]),
        'literal string inside',
      ],
      [
        'a sensitive variable with a default',
        (stack) => new TerraformVariable(stack, 'held', { type: 'string', sensitive: true, default: SECRET }).stringValue,
        'whose default',
      ],
    ])('GIVEN %s WHEN the stack is synthesized THEN it throws LITERAL_SECRET', (_label, value, reason) => {
      const error = expectConstructError(synthOf(value), 'LITERAL_SECRET', prop, reason, 'clear text', fix);
      expect(error.property).toBe(prop);
      expect(error.message).not.toContain(SECRET.slice(0, 12));
    });

    test.each<[string, (stack: TerraformStack) => string, string]>([
      [
        'a non-sensitive variable with a default',
        (stack) => plainVariable(stack, 'held', SECRET),
        'TerraformVariable "held", which is not sensitive',
      ],
      [
        'a non-sensitive variable without a default',
        (stack) => plainVariable(stack, 'held'),
        'TerraformVariable "held", which is not sensitive',
      ],
      ['a function of a non-sensitive variable', (stack) => Fn.trimspace(plainVariable(stack, 'held')), 'which is not sensitive'],
      [
        'a TerraformLocal of a non-sensitive variable',
        (stack) => new TerraformLocal(stack, 'via', plainVariable(stack, 'held')).asString,
        'which is not sensitive',
      ],
      ['nonsensitive() of a sensitive variable', (stack) => Fn.nonsensitive(secretVariable(stack, 'held')), 'nonsensitive()'],
    ])('GIVEN %s WHEN the stack is synthesized THEN it throws NON_SENSITIVE_SECRET', (_label, value, reason) => {
      const error = expectConstructError(synthOf(value), 'NON_SENSITIVE_SECRET', prop, reason, 'would show the secret in plans', fix);
      expect(error.message).not.toContain(SECRET.slice(0, 12));
    });

    test('GIVEN a TerraformLocal that gets its literal after the construct WHEN the stack is synthesized THEN it throws LITERAL_SECRET', () => {
      const stack = new TerraformStack(Testing.app(), 'stack');
      // The local's reference is taken first; its value is set afterwards, as cdktf allows.
      const local = new TerraformLocal(stack, 'late', 'placeholder');
      if (prop === 'token') new MlpProvider(stack, 'mlp', { token: local.asString, installMirror: false });
      else {
        new MlpProvider(stack, 'mlp', { installMirror: false });
        new MlpAccessToken(stack, 'bot', { registerToken: local.asString, output: false });
      }
      local.expression = Fn.trimspace(SECRET);
      expectConstructError(() => Testing.synth(stack), 'LITERAL_SECRET', 'TerraformLocal "late"');
    });
  });

  describe('accepts', () => {
    test.each<[string, (stack: TerraformStack) => string]>([
      ['a sensitive variable', (stack) => secretVariable(stack, 'held')],
      ['a function of a sensitive variable', (stack) => Fn.trimspace(secretVariable(stack, 'held'))],
      [
        'a TerraformLocal of a sensitive variable',
        (stack) => new TerraformLocal(stack, 'via', Fn.trimspace(secretVariable(stack, 'held'))).asString,
      ],
      ['a resource attribute', (stack) => new MlpRegisterToken(stack, 'invite', { name: 'bot', ttl: '1h', output: false }).value],
    ])('GIVEN %s WHEN the stack is synthesized THEN it is accepted and the secret is not in the output', (_label, value) => {
      const synth = Testing.synth(stackWith(prop, value));
      expect(synth).not.toContain(SECRET);
    });
  });
});

describe('registerToken from each.value', () => {
  type Iterator = ReturnType<typeof TerraformIterator.fromList> | ReturnType<typeof TerraformIterator.fromMap>;
  const withForEach = (iterator: (stack: TerraformStack) => Iterator) => () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new MlpProvider(stack, 'mlp', { installMirror: false });
    const it = iterator(stack);
    new MlpAccessToken(stack, 'bot', { forEach: it, registerToken: it.value as string, output: false });
    return Testing.synth(stack);
  };

  test('GIVEN a forEach over a literal list of secrets WHEN the stack is synthesized THEN it throws LITERAL_SECRET naming the forEach', () => {
    const error = expectConstructError(
      withForEach(() => TerraformIterator.fromList([SECRET])),
      'LITERAL_SECRET',
      'the forEach behind each.value (used by registerToken)',
    );
    expect(error.message).not.toContain(SECRET.slice(0, 12));
  });

  test('GIVEN a forEach over a map of registration tokens by literal keys WHEN the stack is synthesized THEN it is accepted', () => {
    const build = withForEach((stack) =>
      TerraformIterator.fromMap({ a: new MlpRegisterToken(stack, 'invite', { namePrefix: 'bot-', ttl: '1h', output: false }).value }),
    );
    expect(build()).not.toContain(SECRET);
  });
});

test('GIVEN the stack is synthesized as HCL WHEN the secret is a literal in a function THEN the same error is thrown', () => {
  const stack = stackWith('registerToken', () => Fn.trimspace(SECRET));
  expectConstructError(() => Testing.synthHcl(stack), 'LITERAL_SECRET', 'registerToken');
});

test('GIVEN an output of the provider token WHEN the token is a sensitive variable THEN the guard does not look at other elements', () => {
  const stack = stackWith('token', (s) => secretVariable(s, 'mlp_token'));
  new TerraformOutput(stack, 'unrelated', { value: Fn.trimspace('not a secret') });
  expect(() => Testing.synth(stack)).not.toThrow();
});
