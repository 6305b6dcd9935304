import { Fn, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ACCESS_TOKEN_ATTRS as A } from '../../lib/constants';
import { MlpAccessToken, MlpRegisterToken, type MlpAccessTokenOptions, type MlpAccessTokenProps } from '../../lib/constructs';
import { expectConstructError, parsed, secretVariable, stackWithProvider, stringVariable } from './helpers';

Testing.setupJest();

describe('MlpAccessToken', () => {
  test('GIVEN a fixed name, role and ttl WHEN synthesized THEN the resource carries them under their Terraform names', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpAccessToken(scope, 'ci', { name: 'ci-bot', role: 'admin', ttl: '720h' });
    });

    expect(synth).toHaveResourceWithProperties(MlpAccessToken, {
      [A.name]: 'ci-bot',
      [A.role]: 'admin',
      [A.ttl]: '720h',
    });
  });

  test('GIVEN a rotating token WHEN synthesized THEN the prefix, rotation settings and create_before_destroy are written', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpAccessToken(scope, 'ci', {
        namePrefix: 'ci-',
        ttl: '720h',
        rotateAfter: '336h',
        earlyRotationWindow: '168h',
        rotationTriggers: { release: '2025-06', ownerTeam: 'ml' },
        createBeforeDestroy: true,
      });
    });

    expect(synth).toHaveResourceWithProperties(MlpAccessToken, {
      [A.namePrefix]: 'ci-',
      [A.ttl]: '720h',
      [A.rotateAfter]: '336h',
      [A.earlyRotationWindow]: '168h',
      // Map keys are the user's, not attribute names: they must not be snake_cased.
      [A.rotationTriggers]: { release: '2025-06', ownerTeam: 'ml' },
      lifecycle: { create_before_destroy: true },
    });
  });

  test('GIVEN only a name WHEN synthesized THEN nothing else is written (role defaults to user in the provider)', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpAccessToken(scope, 'ci', { name: 'ci' });
    });

    const { ci } = parsed(synth).resource!.mlp_access_token;
    expect(ci).toEqual({ [A.name]: 'ci' });
  });

  test('GIVEN a registration token reference WHEN synthesized THEN only register_token is written', () => {
    const synth = Testing.synthScope((scope) => {
      const invite = new MlpRegisterToken(scope, 'invite', { name: 'bot', ttl: '1h' });
      new MlpAccessToken(scope, 'bot', { registerToken: invite.value, rotationTriggers: { round: '1' } });
    });

    expect(synth).toHaveResourceWithProperties(MlpAccessToken, {
      [A.registerToken]: '${sensitive(mlp_register_token.invite.value)}',
      [A.rotationTriggers]: { round: '1' },
    });
    expect(parsed(synth).resource!.mlp_access_token.bot).not.toHaveProperty(A.namePrefix);
  });

  test('GIVEN references for every checked field WHEN synthesized THEN the checks are skipped and the references written', () => {
    const synth = Testing.synthScope((scope) => {
      const stack = scope as TerraformStack;
      new MlpAccessToken(scope, 'ci', {
        namePrefix: stringVariable(stack, 'prefix'),
        role: stringVariable(stack, 'role'),
        ttl: stringVariable(stack, 'ttl'),
        // Only Terraform knows whether this window is shorter than the ttl.
        earlyRotationWindow: '100000h',
        rotateAfter: stringVariable(stack, 'rotate_after'),
        createBeforeDestroy: true,
      });
      new MlpAccessToken(scope, 'named', { name: stringVariable(stack, 'name'), createBeforeDestroy: true });
      new MlpAccessToken(scope, 'redeemed', { registerToken: secretVariable(stack, 'invite') });
    });

    expect(synth).toHaveResourceWithProperties(MlpAccessToken, {
      [A.namePrefix]: '${var.prefix}',
      [A.role]: '${var.role}',
      [A.ttl]: '${var.ttl}',
      [A.rotateAfter]: '${var.rotate_after}',
    });
    expect(synth).toHaveResourceWithProperties(MlpAccessToken, { [A.name]: '${var.name}' });
    expect(synth).toHaveResourceWithProperties(MlpAccessToken, { [A.registerToken]: '${var.invite}' });
  });

  test('GIVEN a token WHEN its attributes are read THEN they are references, and value is marked sensitive', () => {
    const stack = stackWithProvider();
    const token = new MlpAccessToken(stack, 'ci', { name: 'ci' });

    new TerraformOutput(stack, 'attributes', {
      value: {
        id: token.id,
        name: token.name,
        role: token.role,
        value: token.value,
        issuerName: token.issuerName,
        createdAt: token.createdAt,
        expiresAt: token.expiresAt,
        rotateAt: token.rotateAt,
        generation: token.generation,
      },
    });
    const resolved = parsed(Testing.synth(stack)).output!.attributes.value;

    expect(resolved).toEqual({
      id: '${mlp_access_token.ci.id}',
      name: '${mlp_access_token.ci.name}',
      role: '${mlp_access_token.ci.role}',
      value: '${sensitive(mlp_access_token.ci.value)}',
      issuerName: '${mlp_access_token.ci.issuer_name}',
      createdAt: '${mlp_access_token.ci.created_at}',
      expiresAt: '${mlp_access_token.ci.expires_at}',
      rotateAt: '${mlp_access_token.ci.rotate_at}',
      generation: '${mlp_access_token.ci.generation}',
    });
  });

  test('GIVEN replaceExisting WHEN synthesized as JSON and as HCL THEN replace_existing is written', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'ci', { name: 'ci', replaceExisting: true });

    expect(Testing.synth(stack)).toHaveResourceWithProperties(MlpAccessToken, { [A.name]: 'ci', [A.replaceExisting]: true });
    expect(Testing.synthHcl(stack)).toContain('replace_existing = true');
  });

  test('GIVEN dependsOn WHEN synthesized THEN depends_on lists the dependency', () => {
    const synth = Testing.synthScope((scope) => {
      const first = new MlpAccessToken(scope, 'first', { name: 'first' });
      new MlpAccessToken(scope, 'second', { name: 'second', dependsOn: [first] });
    });

    expect(synth).toHaveResourceWithProperties(MlpAccessToken, { [A.name]: 'second', depends_on: ['mlp_access_token.first'] });
  });

  test('GIVEN the HCL output mode WHEN synthesized THEN the resource block carries the same attributes', () => {
    const stack = stackWithProvider();
    new MlpAccessToken(stack, 'ci', { namePrefix: 'ci-', ttl: '720h', rotationTriggers: { a: 'b' } });

    const hcl: string = Testing.synthHcl(stack);

    expect(hcl).toContain('resource "mlp_access_token" "ci" {');
    expect(hcl).toContain('name_prefix = "ci-"');
    expect(hcl).toContain('ttl = "720h"');
    expect(hcl).toMatch(/rotation_triggers = \{\s*a = "b"\s*\}/);
  });

  describe('the value output', () => {
    test('GIVEN default options WHEN synthesized THEN a sensitive output <id>_value carries the value', () => {
      const synth = Testing.synthScope((scope) => {
        new MlpAccessToken(scope, 'ci', { name: 'ci' });
      });

      expect(parsed(synth).output).toEqual({
        ci_value: {
          value: '${sensitive(mlp_access_token.ci.value)}',
          sensitive: true,
          description: 'Value of stack/ci (sensitive; read it with: terraform output -raw ci_value)',
        },
      });
    });

    test('GIVEN an output name and description WHEN synthesized THEN the output uses them and stays sensitive', () => {
      const synth = Testing.synthScope((scope) => {
        new MlpAccessToken(scope, 'ci', { name: 'ci', output: { name: 'ci_token', description: 'for the CI system' } });
      });

      expect(parsed(synth).output).toEqual({
        ci_token: { value: '${sensitive(mlp_access_token.ci.value)}', sensitive: true, description: 'for the CI system' },
      });
    });

    test('GIVEN output: false WHEN synthesized THEN there is no output', () => {
      const stack = stackWithProvider();
      const token = new MlpAccessToken(stack, 'ci', { name: 'ci', output: false });

      expect(parsed(Testing.synth(stack)).output).toBeUndefined();
      expect(token.valueOutput).toBeUndefined();
    });

    test('GIVEN a token nested in a construct WHEN synthesized THEN its output follows the resource logical id', () => {
      const stack = stackWithProvider();
      const team = new Construct(stack, 'team');
      const token = new MlpAccessToken(team, 'ci', { name: 'ci' });

      const synth = parsed(Testing.synth(stack));

      const [logicalId] = Object.keys(synth.resource!.mlp_access_token);
      expect(logicalId).toMatch(/^team_ci_[0-9A-F]{8}$/);
      expect(Object.keys(synth.output!)).toEqual([`${logicalId}_value`]);
      expect(token.valueOutput?.friendlyUniqueId).toBe(`${logicalId}_value`);
    });

    test('GIVEN a logical id overridden after construction WHEN synthesized THEN the output is renamed with it', () => {
      const stack = stackWithProvider();
      const token = new MlpAccessToken(stack, 'ci', { name: 'ci' });
      token.overrideLogicalId('ci_token');

      const synth = parsed(Testing.synth(stack));
      expect(Object.keys(synth.resource!.mlp_access_token)).toEqual(['ci_token']);
      expect(synth.output).toEqual({
        ci_token_value: expect.objectContaining({ value: '${sensitive(mlp_access_token.ci_token.value)}' }),
      });
    });

    test('GIVEN two tokens whose outputs have the same name WHEN the stack is synthesized THEN validation throws naming both', () => {
      const stack = stackWithProvider();
      new MlpAccessToken(stack, 'a', { name: 'a', output: { name: 'token' } });
      new MlpAccessToken(stack, 'b', { name: 'b', output: { name: 'token' } });

      expect(() => Testing.synth(stack, true)).toThrow(/output "token" of stack\/a has the same name as stack\/b\/value_output/);
    });
  });

  describe('refuses', () => {
    // As JavaScript callers write them: the props type itself refuses some of these shapes.
    const build = (props: MlpAccessTokenOptions) => () => new MlpAccessToken(stackWithProvider(), 'ci', props as MlpAccessTokenProps);

    test('GIVEN neither name, namePrefix nor registerToken WHEN an MlpAccessToken is made THEN it throws NAME_MISSING', () => {
      expectConstructError(build({ ttl: '1h' }), 'NAME_MISSING', 'namePrefix', 'registerToken');
    });

    test('GIVEN both name and namePrefix WHEN an MlpAccessToken is made THEN it throws NAME_AND_NAME_PREFIX naming both', () => {
      expectConstructError(build({ name: 'ci', namePrefix: 'ci-' }), 'NAME_AND_NAME_PREFIX', 'name ("ci")', 'namePrefix ("ci-")');
    });

    test('GIVEN a name with a space WHEN an MlpAccessToken is made THEN it throws INVALID_NAME', () => {
      expectConstructError(build({ name: 'ci bot' }), 'INVALID_NAME', '"ci bot" is not a valid token name');
    });

    test('GIVEN an empty name WHEN an MlpAccessToken is made THEN it throws INVALID_NAME', () => {
      expectConstructError(build({ name: '' }), 'INVALID_NAME', 'cannot be empty');
    });

    test('GIVEN a name longer than 64 characters WHEN an MlpAccessToken is made THEN it throws INVALID_NAME saying at most 64', () => {
      expectConstructError(build({ name: 'a'.repeat(65) }), 'INVALID_NAME', '65 characters', 'at most 64');
    });

    test('GIVEN a name prefix that leaves no room for the unique suffix WHEN an MlpAccessToken is made THEN it throws INVALID_NAME_PREFIX', () => {
      expectConstructError(build({ namePrefix: 'p'.repeat(53) }), 'INVALID_NAME_PREFIX', 'at most 52');
    });

    test('GIVEN a name prefix that starts with a dash WHEN an MlpAccessToken is made THEN it throws INVALID_NAME_PREFIX', () => {
      expectConstructError(build({ namePrefix: '-ci' }), 'INVALID_NAME_PREFIX', '"-ci"');
    });

    test('GIVEN a role that is neither user nor admin WHEN an MlpAccessToken is made THEN it throws INVALID_ROLE', () => {
      expectConstructError(
        build({ name: 'ci', role: 'Administrator' }),
        'INVALID_ROLE',
        '"Administrator" is not a role',
        '"user" or "admin"',
      );
    });

    test('GIVEN a ttl written in days WHEN an MlpAccessToken is made THEN it throws INVALID_DURATION saying how to write it in hours', () => {
      expectConstructError(build({ name: 'ci', ttl: '30d' }), 'INVALID_DURATION', 'ttl: "30d"', 'write 30 days as "720h"');
    });

    test('GIVEN a zero ttl WHEN an MlpAccessToken is made THEN it throws INVALID_DURATION', () => {
      expectConstructError(build({ name: 'ci', ttl: '0s' }), 'INVALID_DURATION', '"0s" is zero');
    });

    test('GIVEN rotateAfter with its units out of order WHEN an MlpAccessToken is made THEN it throws INVALID_DURATION', () => {
      expectConstructError(build({ name: 'ci', rotateAfter: '30m1h' }), 'INVALID_DURATION', 'rotateAfter: "30m1h"');
    });

    test('GIVEN an earlyRotationWindow that is not a duration WHEN an MlpAccessToken is made THEN it throws INVALID_DURATION', () => {
      expectConstructError(
        build({ name: 'ci', ttl: '1h', earlyRotationWindow: 'soon' }),
        'INVALID_DURATION',
        'earlyRotationWindow: "soon"',
      );
    });

    test('GIVEN an earlyRotationWindow as long as ttl WHEN an MlpAccessToken is made THEN it throws ROTATION_WINDOW_TOO_LONG', () => {
      expectConstructError(
        build({ name: 'ci', ttl: '24h', earlyRotationWindow: '1440m' }),
        'ROTATION_WINDOW_TOO_LONG',
        'earlyRotationWindow ("1440m") must be shorter than ttl ("24h")',
        'every plan',
      );
    });

    test('GIVEN an earlyRotationWindow longer than ttl WHEN an MlpAccessToken is made THEN it throws ROTATION_WINDOW_TOO_LONG', () => {
      expectConstructError(build({ name: 'ci', ttl: '1h', earlyRotationWindow: '2h' }), 'ROTATION_WINDOW_TOO_LONG');
    });

    test('GIVEN an earlyRotationWindow on a token that never expires WHEN an MlpAccessToken is made THEN it throws ROTATION_WINDOW_WITHOUT_TTL', () => {
      expectConstructError(build({ name: 'ci', earlyRotationWindow: '24h' }), 'ROTATION_WINDOW_WITHOUT_TTL', 'no ttl', 'rotateAfter');
    });

    test('GIVEN rotateAfter not shorter than ttl WHEN an MlpAccessToken is made THEN it throws ROTATE_AFTER_TOO_LONG', () => {
      expectConstructError(
        build({ name: 'ci', ttl: '24h', rotateAfter: '48h' }),
        'ROTATE_AFTER_TOO_LONG',
        'rotateAfter ("48h")',
        'ttl ("24h")',
      );
    });

    test('GIVEN createBeforeDestroy with a fixed name WHEN an MlpAccessToken is made THEN it throws CREATE_BEFORE_DESTROY_WITH_FIXED_NAME', () => {
      expectConstructError(build({ name: 'ci', createBeforeDestroy: true }), 'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME', '"ci"', 'namePrefix');
    });

    test('GIVEN registerToken as a literal string WHEN an MlpAccessToken is made THEN it throws LITERAL_SECRET without showing it', () => {
      const secret = 'reg-0123456789abcdef0123456789abcdef';
      const error = expectConstructError(
        build({ registerToken: secret }),
        'LITERAL_SECRET',
        'registerToken',
        `${secret.length} characters`,
      );
      expect(error.message).not.toContain(secret);
    });

    test('GIVEN registerToken with namePrefix, role and ttl WHEN an MlpAccessToken is made THEN it throws REGISTER_TOKEN_CONFLICT naming them', () => {
      const registerToken = Fn.sensitive('${var.invite}') as string;
      expectConstructError(
        build({ registerToken, namePrefix: 'ci-', role: 'admin', ttl: '1h' }),
        'REGISTER_TOKEN_CONFLICT',
        'registerToken is set together with namePrefix, role, ttl',
        'accessTokenTtl',
      );
    });

    test('GIVEN registerToken with a ttl alone WHEN an MlpAccessToken is made THEN it throws REGISTER_TOKEN_CONFLICT', () => {
      const stack = stackWithProvider();
      const registerToken = secretVariable(stack, 'invite');
      const props: MlpAccessTokenOptions = { registerToken, ttl: '1h' };
      expectConstructError(() => new MlpAccessToken(stack, 'ci', props as MlpAccessTokenProps), 'REGISTER_TOKEN_CONFLICT', 'with ttl');
    });

    test('GIVEN a rotation trigger that is not a string WHEN an MlpAccessToken is made THEN it throws INVALID_ROTATION_TRIGGER', () => {
      const rotationTriggers = { release: 2025 } as unknown as Record<string, string>;
      expectConstructError(
        build({ name: 'ci', rotationTriggers }),
        'INVALID_ROTATION_TRIGGER',
        'rotationTriggers["release"] is 2025 (number)',
      );
    });

    test('GIVEN an output name that is not a Terraform name WHEN an MlpAccessToken is made THEN it throws INVALID_IDENTIFIER', () => {
      expectConstructError(build({ name: 'ci', output: { name: 'ci token' } }), 'INVALID_IDENTIFIER', 'output.name "ci token"');
    });
  });

  test('GIVEN an error WHEN it is caught THEN it names the construct path and the property', () => {
    const stack = new TerraformStack(Testing.app(), 'prod');

    const error = expectConstructError(() => new MlpAccessToken(stack, 'ci', { name: 'ci', role: 'root' }), 'INVALID_ROLE');

    expect(error.name).toBe('MlpConstructError');
    expect(error.constructPath).toBe('prod/ci');
    expect(error.property).toBe('role');
    expect(error.message).toMatch(/^prod\/ci: role: "root" is not a role/);
  });
});
