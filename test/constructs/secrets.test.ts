import { Testing } from 'cdktf';
import {
  MlpAccessToken,
  type MlpAccessTokenOptions,
  type MlpAccessTokenProps,
  MlpEphemeralAccessToken,
  MlpRegisterToken,
} from '../../lib/constructs';
import { expectConstructError, parsed, secretVariable, stackWithProvider } from './helpers';

const RECIPIENT = 'age1wyemr6rupaja83apdu7z7cuqpgl6lsnufkcs559gtxumwg3aya4sua39k3';

describe('sealTo on the token constructs', () => {
  test('GIVEN sealTo WHEN synthesized THEN seal_to is written and a plain <id>_sealed_value output replaces the sensitive value output', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'ci', { name: 'ci', ttl: '720h', sealTo: [RECIPIENT] });
    new MlpRegisterToken(stack, 'reg', { name: 'worker', ttl: '1h', sealTo: [RECIPIENT] });
    const out = parsed(Testing.synth(stack));
    expect(out.resource!.mlp_access_token!.ci).toMatchObject({ seal_to: [RECIPIENT] });
    expect(out.resource!.mlp_register_token!.reg).toMatchObject({ seal_to: [RECIPIENT] });
    expect(Object.keys(out.output!).sort()).toEqual(['ci_sealed_value', 'reg_sealed_value']);
    expect(out.output!.ci_sealed_value).toMatchObject({ value: '${mlp_access_token.ci.sealed_value}' });
    expect(out.output!.ci_sealed_value!.sensitive).toBeUndefined();
    expect(out.output!.reg_sealed_value!.description).toMatch(/age -d -i key.txt/);
  });

  test('GIVEN a bad recipient or an empty list WHEN constructed THEN synth fails naming the entry', () => {
    expectConstructError(
      () => new MlpAccessToken(stackWithProvider(), 'ci', { name: 'ci', sealTo: [RECIPIENT, `${RECIPIENT.slice(0, -1)}q`] }),
      'INVALID_SEAL_TO',
      'sealTo[1]',
      'checksum',
    );
    expectConstructError(
      () => new MlpRegisterToken(stackWithProvider(), 'reg', { name: 'w', ttl: '1h', sealTo: [] }),
      'INVALID_SEAL_TO',
      'empty',
    );
    expectConstructError(
      () => new MlpAccessToken(stackWithProvider(), 'ci', { name: 'ci', sealTo: ['AGE-SECRET-KEY-1ABC'] }),
      'INVALID_SEAL_TO',
      'secret key',
    );
  });

  test('GIVEN sealTo and an output name that is not a Terraform name WHEN constructed THEN it throws INVALID_IDENTIFIER', () => {
    expectConstructError(
      () => new MlpAccessToken(stackWithProvider(), 'ci', { name: 'ci', sealTo: [RECIPIENT], output: { name: 'ci token' } }),
      'INVALID_IDENTIFIER',
      'output.name "ci token"',
    );
    expectConstructError(
      () => new MlpRegisterToken(stackWithProvider(), 'reg', { name: 'w', ttl: '1h', sealTo: [RECIPIENT], output: { name: '9lives' } }),
      'INVALID_IDENTIFIER',
      'output.name "9lives"',
    );
  });

  test('GIVEN two sealed outputs of one name WHEN synthesized THEN synth fails naming both', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'a', { name: 'a', sealTo: [RECIPIENT], output: { name: 'token' } });
    new MlpRegisterToken(stack, 'b', { name: 'b', ttl: '1h', sealTo: [RECIPIENT], output: { name: 'token' } });
    expect(() => Testing.synth(stack, true)).toThrow(/output "token" of stack\/a has the same name as stack\/b\/sealed_value_output/);
  });
});

describe('the secrets props in HCL', () => {
  test('GIVEN sealTo and registerTokenWo WHEN synthesized as HCL THEN both are written', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'team', { registerTokenWo: secretVariable(stack, 'reg'), registerTokenWoVersion: 3, sealTo: [RECIPIENT] });
    const hcl: string = Testing.synthHcl(stack);
    expect(hcl).toContain('register_token_wo = "${var.reg}"');
    expect(hcl).toContain('register_token_wo_version = 3');
    expect(hcl).toMatch(new RegExp(`seal_to = \\[\\s*"${RECIPIENT}"\\s*\\]`));
  });
});

describe('registerTokenWo on MlpAccessToken', () => {
  test('GIVEN a reference and a version WHEN synthesized THEN both are written, and the name comes from the registration token', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'team', { registerTokenWo: secretVariable(stack, 'reg'), registerTokenWoVersion: 2 });
    expect(parsed(Testing.synth(stack)).resource!.mlp_access_token!.team).toMatchObject({
      register_token_wo: '${var.reg}',
      register_token_wo_version: 2,
    });
  });

  test('GIVEN a literal, a missing version, or both registration inputs WHEN constructed THEN synth fails with the fix, never the value', () => {
    const stack = stackWithProvider();
    const literal = 'r'.repeat(40);
    const err = expectConstructError(
      () => new MlpAccessToken(stack, 'a', { registerTokenWo: literal, registerTokenWoVersion: 1 }),
      'LITERAL_SECRET',
      '40 characters',
      'ephemeral: true',
    );
    expect(err.message).not.toContain(literal);
    expectConstructError(
      () =>
        new MlpAccessToken(stack, 'b', { registerTokenWo: secretVariable(stack, 'r1') } as MlpAccessTokenOptions as MlpAccessTokenProps),
      'WRITE_ONLY_VERSION',
      'registerTokenWoVersion',
    );
    expectConstructError(() => new MlpAccessToken(stack, 'c', { name: 'c', registerTokenWoVersion: 1 }), 'WRITE_ONLY_VERSION');
    expectConstructError(
      () =>
        new MlpAccessToken(stack, 'd', {
          registerToken: secretVariable(stack, 'r2'),
          registerTokenWo: secretVariable(stack, 'r3'),
          registerTokenWoVersion: 1,
        } as MlpAccessTokenOptions as MlpAccessTokenProps),
      'REGISTER_TOKEN_CONFLICT',
    );
    expectConstructError(
      () =>
        new MlpAccessToken(stack, 'e', {
          registerTokenWo: secretVariable(stack, 'r4'),
          registerTokenWoVersion: 1,
          ttl: '1h',
        } as MlpAccessTokenOptions as MlpAccessTokenProps),
      'REGISTER_TOKEN_CONFLICT',
    );
  });
});

describe('MlpEphemeralAccessToken on cdktf 0.21', () => {
  test('GIVEN cdktf 0.21 (no ephemeral blocks) WHEN constructed THEN synth fails, naming CDK Terrain and sealTo as the ways out', () => {
    const stack = stackWithProvider();
    expectConstructError(
      () => new MlpEphemeralAccessToken(stack, 'eph', { ttl: '1h' }),
      'EPHEMERAL_UNSUPPORTED',
      'cdktn',
      '0.24',
      'sealTo',
      'cdktf 0.21.0',
    );
    expect(stack.node.tryFindChild('eph')).toBeUndefined();
  });
});
