/**
 * `previousTokenGrace` (rotation in place with an overlap) on MlpAccessToken: a prop since the bindings
 * are generated from the schema, where `previous_token_grace` already was. What the provider refuses
 * at validate without looking at another resource is refused at synth, naming the prop.
 */
import { TerraformOutput, Testing } from 'cdktf';
import { MlpAccessToken } from '../../lib/constructs';
import { expectConstructError, secretVariable, stackWithProvider } from './helpers';

const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

test('GIVEN namePrefix and previousTokenGrace WHEN synthesized THEN previous_token_grace is written and retired_tokens can be referenced', () => {
  const stack = stackWithProvider();
  const token = new MlpAccessToken(stack, 'ci', { namePrefix: 'ci-', ttl: '720h', earlyRotationWindow: '168h', previousTokenGrace: '24h' });
  new TerraformOutput(stack, 'retired', { value: token.retiredTokens.get(0).revokeAfter });
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: { mlp_access_token: { ci: Record<string, unknown> } };
    output: { retired: { value: string } };
  };
  expect(json.resource.mlp_access_token.ci.previous_token_grace).toBe('24h');
  expect(json.output.retired.value).toBe('${mlp_access_token.ci.retired_tokens[0].revoke_after}');
  expect(Testing.synthHcl(stack)).toContain('previous_token_grace = "24h"');
});

test('GIVEN a previousTokenGrace that is no duration WHEN constructed THEN INVALID_DURATION names it', () => {
  const stack = stackWithProvider();
  expectConstructError(
    () => new MlpAccessToken(stack, 'ci', { namePrefix: 'ci-', previousTokenGrace: 'a day' }),
    'INVALID_DURATION',
    'previousTokenGrace',
  );
});

test.each([
  ['name', { name: 'fixed' }, 'use namePrefix instead of name'],
  ['sealTo', { namePrefix: 'ci-', sealTo: [AGE] }, 'would store the new value unsealed'],
] as const)('GIVEN previousTokenGrace with %s WHEN constructed THEN PREVIOUS_TOKEN_GRACE_CONFLICT says why', (other, props, why) => {
  const stack = stackWithProvider();
  const error = expectConstructError(
    () => new MlpAccessToken(stack, 'ci', { ...props, previousTokenGrace: '1h' } as never),
    'PREVIOUS_TOKEN_GRACE_CONFLICT',
    `previousTokenGrace is set together with ${other}`,
    why,
  );
  expect(error.property).toBe('previousTokenGrace');
});

test.each(['registerToken', 'registerTokenWo'] as const)(
  'GIVEN previousTokenGrace with %s WHEN constructed THEN PREVIOUS_TOKEN_GRACE_CONFLICT says a registration token works once',
  (prop) => {
    const stack = stackWithProvider();
    const redeem =
      prop === 'registerToken'
        ? { registerToken: secretVariable(stack, 'r') }
        : { registerTokenWo: secretVariable(stack, 'r'), registerTokenWoVersion: 1 };
    expectConstructError(
      () => new MlpAccessToken(stack, 'ci', { ...redeem, previousTokenGrace: '1h' } as never),
      'PREVIOUS_TOKEN_GRACE_CONFLICT',
      `together with ${prop}`,
      'a registration token works once',
    );
  },
);
