import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { RegistrationAdminStack, RegistrationTeamStack } from '../../examples/registration/main';
import { MlpAccessToken, MlpProvider, MlpRegisterToken } from '../../lib/constructs';
import { canariesIn, synthWithCanaries, whereReferenced, type SynthesizedStack } from './helpers';

Testing.setupJest();

describe('examples/registration', () => {
  const admin = () => synthWithCanaries(() => new RegistrationAdminStack(Testing.app(), 'registration-admin'));
  const team = () => synthWithCanaries(() => new RegistrationTeamStack(Testing.app(), 'registration-team'));

  test('GIVEN the admin stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    expect(admin()).toMatchSnapshot();
  });

  test('GIVEN the team stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    expect(team()).toMatchSnapshot();
  });

  test('GIVEN the admin stack WHEN synthesized THEN it mints a one-time registration token whose access token the admin fixed, re-issued by prefix, the new one first', () => {
    const json = admin();

    expect(json).toHaveProvider(MlpProvider);
    expect(json).toHaveResourceWithProperties(MlpRegisterToken, {
      name_prefix: 'team-analytics-',
      role: 'user',
      access_token_ttl: '2160h',
      ttl: '48h',
      rotation_triggers: { issue: '${var.issue}' },
      lifecycle: { create_before_destroy: true },
    });
    expect(json).not.toHaveResource(MlpAccessToken);
    const config = JSON.parse(json) as SynthesizedStack;
    expect(whereReferenced(config, 'mlp_register_token.handoff.value')).toEqual(['output.handoff_value.value']);
    expect(config.output!.handoff_value!.sensitive).toBe(true);
  });

  test('GIVEN the team stack WHEN synthesized THEN it redeems the handed-over token through a sensitive variable, with no credentials', () => {
    const json = team();
    const config = JSON.parse(json) as SynthesizedStack;

    expect(json).toHaveResourceWithProperties(MlpAccessToken, {
      register_token: '${var.register_token}',
      lifecycle: { create_before_destroy: true },
    });
    expect(config.provider!.mlp).toEqual([{}]);
    expect(config.variable!.register_token).toMatchObject({ sensitive: true });
    expect(config.variable!.register_token).not.toHaveProperty('default');
    expect(whereReferenced(config, 'var.register_token')).toEqual(['resource.mlp_access_token.team.register_token']);
    expect(whereReferenced(config, 'mlp_access_token.team.value')).toEqual(['output.team_value.value']);
    expect(config.output!.team_value!.sensitive).toBe(true);
  });

  test('GIVEN secrets in the environment WHEN both stacks are synthesized THEN none is written', () => {
    expect(canariesIn(admin())).toEqual([]);
    expect(canariesIn(team())).toEqual([]);
  });

  test('GIVEN the example app WHEN synthesized to disk THEN each stack directory gets its configuration, our provider and a lock file', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-examples-registration-'));
    try {
      const app = new App({ outdir });
      new RegistrationAdminStack(app, 'registration-admin');
      new RegistrationTeamStack(app, 'registration-team');

      app.synth();

      for (const stack of ['registration-admin', 'registration-team']) {
        const dir = path.join(outdir, 'stacks', stack);
        expect(fs.readdirSync(dir).sort()).toEqual(['.terraform.lock.hcl', 'cdk.tf.json', 'terraform.d']);
        expect(canariesIn(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'))).toEqual([]);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
