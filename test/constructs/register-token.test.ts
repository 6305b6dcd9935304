import { TerraformStack, TerraformOutput, Testing } from 'cdktf';
import { REGISTER_TOKEN_ATTRS as R } from '../../lib/constants';
import { MlpAccessToken, MlpRegisterToken, type MlpRegisterTokenOptions, type MlpRegisterTokenProps } from '../../lib/constructs';
import { expectConstructError, parsed, stackWithProvider, stringVariable } from './helpers';

Testing.setupJest();

describe('MlpRegisterToken', () => {
  test('GIVEN namePrefix and createBeforeDestroy WHEN synthesized THEN name_prefix and the lifecycle are written, and no name', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpRegisterToken(scope, 'invite', {
        namePrefix: 'analytics-bot-',
        ttl: '1h',
        createBeforeDestroy: true,
        rotationTriggers: { round: '3' },
      });
    });

    expect(synth).toHaveResourceWithProperties(MlpRegisterToken, {
      [R.namePrefix]: 'analytics-bot-',
      lifecycle: { create_before_destroy: true },
    });
    const [invite] = Object.values(JSON.parse(synth).resource.mlp_register_token) as Array<Record<string, unknown>>;
    expect(invite).not.toHaveProperty(R.name);
  });

  test('GIVEN every field WHEN synthesized THEN each is written under its Terraform name', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpRegisterToken(scope, 'invite', {
        name: 'analytics-bot',
        role: 'admin',
        accessTokenTtl: '720h',
        ttl: '2h45m30s',
        rotationTriggers: { round: '3' },
      });
    });

    expect(synth).toHaveResourceWithProperties(MlpRegisterToken, {
      [R.name]: 'analytics-bot',
      [R.role]: 'admin',
      [R.accessTokenTtl]: '720h',
      [R.ttl]: '2h45m30s',
      [R.rotationTriggers]: { round: '3' },
    });
  });

  test('GIVEN only name and ttl WHEN synthesized THEN the access token lifetime and role are left to their defaults', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpRegisterToken(scope, 'invite', { name: 'bot', ttl: '1h' });
    });

    expect(parsed(synth).resource!.mlp_register_token.invite).toEqual({ [R.name]: 'bot', [R.ttl]: '1h' });
  });

  test('GIVEN default options WHEN synthesized THEN its value goes to a sensitive output <id>_value', () => {
    const synth = Testing.synthScope((scope) => {
      new MlpRegisterToken(scope, 'invite', { name: 'bot', ttl: '1h' });
    });

    expect(parsed(synth).output?.invite_value).toEqual(
      expect.objectContaining({ value: '${sensitive(mlp_register_token.invite.value)}', sensitive: true }),
    );
  });

  test('GIVEN output: false and an in-stack redemption WHEN synthesized THEN only the access token publishes a value', () => {
    const synth = Testing.synthScope((scope) => {
      const invite = new MlpRegisterToken(scope, 'invite', { name: 'bot', ttl: '1h', output: false });
      new MlpAccessToken(scope, 'bot', { registerToken: invite.value });
    });

    expect(Object.keys(parsed(synth).output!)).toEqual(['bot_value']);
  });

  test('GIVEN references for the checked fields WHEN synthesized THEN they pass unchecked', () => {
    const synth = Testing.synthScope((scope) => {
      const stack = scope as TerraformStack;
      new MlpRegisterToken(scope, 'invite', {
        name: stringVariable(stack, 'name'),
        role: stringVariable(stack, 'role'),
        accessTokenTtl: stringVariable(stack, 'access_ttl'),
        ttl: stringVariable(stack, 'ttl'),
      });
    });

    expect(synth).toHaveResourceWithProperties(MlpRegisterToken, {
      [R.name]: '${var.name}',
      [R.role]: '${var.role}',
      [R.accessTokenTtl]: '${var.access_ttl}',
      [R.ttl]: '${var.ttl}',
    });
  });

  test('GIVEN a register token WHEN its attributes are read THEN they are references, and value is marked sensitive', () => {
    const stack = stackWithProvider();
    const invite = new MlpRegisterToken(stack, 'invite', { name: 'bot', ttl: '1h' });
    new TerraformOutput(stack, 'attributes', {
      value: { id: invite.id, name: invite.name, value: invite.value, expiresAt: invite.expiresAt },
    });

    expect(parsed(Testing.synth(stack)).output!.attributes.value).toEqual({
      id: '${mlp_register_token.invite.id}',
      name: '${mlp_register_token.invite.name}',
      value: '${sensitive(mlp_register_token.invite.value)}',
      expiresAt: '${mlp_register_token.invite.expires_at}',
    });
  });

  describe('refuses', () => {
    const build = (props: MlpRegisterTokenProps) => () => new MlpRegisterToken(stackWithProvider(), 'invite', props);

    test('GIVEN an invalid access token name WHEN an MlpRegisterToken is made THEN it throws INVALID_NAME', () => {
      expectConstructError(build({ name: 'bot/1', ttl: '1h' }), 'INVALID_NAME', 'name: "bot/1" is not a valid token name');
    });

    test('GIVEN an invalid role WHEN an MlpRegisterToken is made THEN it throws INVALID_ROLE', () => {
      expectConstructError(build({ name: 'bot', role: 'USER', ttl: '1h' }), 'INVALID_ROLE', '"USER" is not a role');
    });

    test('GIVEN a ttl that is not a duration WHEN an MlpRegisterToken is made THEN it throws INVALID_DURATION', () => {
      expectConstructError(build({ name: 'bot', ttl: '1 hour' }), 'INVALID_DURATION', 'ttl: "1 hour"');
    });

    test('GIVEN an accessTokenTtl written in days WHEN an MlpRegisterToken is made THEN it throws INVALID_DURATION in hours', () => {
      expectConstructError(build({ name: 'bot', ttl: '1h', accessTokenTtl: '7d' }), 'INVALID_DURATION', 'accessTokenTtl', '"168h"');
    });

    test('GIVEN no ttl (JavaScript callers) WHEN an MlpRegisterToken is made THEN it throws MISSING_PROPERTY', () => {
      const props = { name: 'bot' } as MlpRegisterTokenProps;
      expectConstructError(build(props), 'MISSING_PROPERTY', 'ttl is required');
    });

    test('GIVEN neither name nor namePrefix (JavaScript callers) WHEN an MlpRegisterToken is made THEN it throws NAME_MISSING', () => {
      const props = { ttl: '1h' } as MlpRegisterTokenProps;
      expectConstructError(build(props), 'NAME_MISSING', 'neither name nor namePrefix', 'namePrefix: "ci-"');
    });

    test('GIVEN both name and namePrefix (JavaScript callers) WHEN an MlpRegisterToken is made THEN it throws NAME_AND_NAME_PREFIX', () => {
      const props = { name: 'bot', namePrefix: 'bot-', ttl: '1h' } as MlpRegisterTokenOptions as MlpRegisterTokenProps;
      expectConstructError(build(props), 'NAME_AND_NAME_PREFIX', 'name ("bot")', 'namePrefix ("bot-")');
    });

    test('GIVEN a name prefix that is too long WHEN an MlpRegisterToken is made THEN it throws INVALID_NAME_PREFIX', () => {
      expectConstructError(build({ namePrefix: 'p'.repeat(53), ttl: '1h' }), 'INVALID_NAME_PREFIX', 'at most 52');
    });

    test('GIVEN createBeforeDestroy with a fixed name WHEN an MlpRegisterToken is made THEN it throws CREATE_BEFORE_DESTROY_WITH_FIXED_NAME', () => {
      expectConstructError(
        build({ name: 'bot', ttl: '1h', createBeforeDestroy: true }),
        'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME',
        '"bot"',
        'namePrefix',
      );
    });

    test('GIVEN an output name that is not a Terraform name WHEN an MlpRegisterToken is made THEN it throws INVALID_IDENTIFIER', () => {
      expectConstructError(build({ name: 'bot', ttl: '1h', output: { name: '9lives' } }), 'INVALID_IDENTIFIER', 'output.name "9lives"');
    });
  });

  test('GIVEN a registration token WHEN generation is read THEN it is a number reference to the generation attribute', () => {
    const stack = stackWithProvider();
    const invite = new MlpRegisterToken(stack, 'invite', { namePrefix: 'bot-', ttl: '1h' });
    new TerraformOutput(stack, 'generation', { value: invite.generation });
    expect(parsed(Testing.synth(stack)).output!.generation.value).toBe('${mlp_register_token.invite.generation}');
  });
});
