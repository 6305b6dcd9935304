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

    test('throws when the access token name is invalid', () => {
      expectConstructError(build({ name: 'bot/1', ttl: '1h' }), 'INVALID_NAME', 'name: "bot/1" is not a valid token name');
    });

    test('throws when the role is invalid', () => {
      expectConstructError(build({ name: 'bot', role: 'USER', ttl: '1h' }), 'INVALID_ROLE', '"USER" is not a role');
    });

    test('throws when the registration token ttl is not a duration', () => {
      expectConstructError(build({ name: 'bot', ttl: '1 hour' }), 'INVALID_DURATION', 'ttl: "1 hour"');
    });

    test('throws when accessTokenTtl is written in days', () => {
      expectConstructError(build({ name: 'bot', ttl: '1h', accessTokenTtl: '7d' }), 'INVALID_DURATION', 'accessTokenTtl', '"168h"');
    });

    test('throws when ttl is missing (JavaScript callers)', () => {
      const props = { name: 'bot' } as MlpRegisterTokenProps;
      expectConstructError(build(props), 'MISSING_PROPERTY', 'ttl is required');
    });

    test('throws when neither name nor namePrefix is given (JavaScript callers)', () => {
      const props = { ttl: '1h' } as MlpRegisterTokenProps;
      expectConstructError(build(props), 'NAME_MISSING', 'neither name nor namePrefix', 'namePrefix: "ci-"');
    });

    test('throws when both name and namePrefix are given (JavaScript callers)', () => {
      const props = { name: 'bot', namePrefix: 'bot-', ttl: '1h' } as MlpRegisterTokenOptions as MlpRegisterTokenProps;
      expectConstructError(build(props), 'NAME_AND_NAME_PREFIX', 'name ("bot")', 'namePrefix ("bot-")');
    });

    test('throws when the name prefix is too long', () => {
      expectConstructError(build({ namePrefix: 'p'.repeat(53), ttl: '1h' }), 'INVALID_NAME_PREFIX', 'at most 52');
    });

    test('throws when createBeforeDestroy is set with a fixed name', () => {
      expectConstructError(
        build({ name: 'bot', ttl: '1h', createBeforeDestroy: true }),
        'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME',
        '"bot"',
        'namePrefix',
      );
    });

    test('throws when the output name is not a Terraform name', () => {
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
