import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ACCESS_TOKEN_ATTRS as A,
  PROVIDER_ATTRS as P,
  PROVIDER_HOSTNAME,
  PROVIDER_NAMESPACE,
  PROVIDER_SOURCE,
  PROVIDER_TYPE,
  PROVIDER_VERSION,
} from '../../lib/constants';
import { terraformPlatform } from '../../lib/install/mirror';
import {
  MlpAccessToken,
  MlpProvider,
  MlpRegisterToken,
  MlpTokenDataSource,
  MlpTokensDataSource,
  type MlpProviderProps,
} from '../../lib/constructs';
import { parsed } from './helpers';

Testing.setupJest();

/** What a user writes: a provider fed by a sensitive variable, a rotating token, an invitation redeemed in-stack. */
class TokensStack extends TerraformStack {
  constructor(scope: Construct, id: string, providerProps: MlpProviderProps = {}) {
    super(scope, id);
    const adminToken = new TerraformVariable(this, 'mlp_token', { type: 'string', sensitive: true });
    new MlpProvider(this, 'mlp', { token: adminToken.stringValue, ...providerProps });

    new MlpAccessToken(this, 'ci', {
      namePrefix: 'ci-',
      role: 'user',
      ttl: '720h',
      earlyRotationWindow: '168h',
      createBeforeDestroy: true,
      rotationTriggers: { release: '2025-06' },
    });
    const invite = new MlpRegisterToken(this, 'invite', {
      name: 'analytics-bot',
      accessTokenTtl: '2160h',
      ttl: '1h',
      rotationTriggers: { round: '1' },
      output: false,
    });
    new MlpAccessToken(this, 'analytics', { registerToken: invite.value, rotationTriggers: { round: '1' } });

    const me = new MlpTokenDataSource(this, 'me');
    const all = new MlpTokensDataSource(this, 'all');
    new TerraformOutput(this, 'running_as', { value: me.name });
    new TerraformOutput(this, 'token_names', { value: all.names });
  }
}

/** Every place a secret can appear in the JSON: they must all be Terraform expressions, never literals. */
function secretSlots(config: ReturnType<typeof parsed>): Array<[string, unknown]> {
  const slots: Array<[string, unknown]> = [];
  for (const [i, block] of (config.provider?.[PROVIDER_TYPE] ?? []).entries()) slots.push([`provider.mlp[${i}].token`, block[P.token]]);
  for (const [name, token] of Object.entries(config.resource?.mlp_access_token ?? {})) {
    if (A.registerToken in token) slots.push([`mlp_access_token.${name}.register_token`, token[A.registerToken]]);
  }
  for (const [name, output] of Object.entries(config.output ?? {})) {
    if (output.sensitive) slots.push([`output.${name}`, output.value]);
  }
  return slots;
}

describe('a whole stack', () => {
  test('GIVEN the typical stack WHEN synthesized THEN cdk.tf.json matches the snapshot', () => {
    const stack = new TokensStack(Testing.app(), 'tokens');

    expect(Testing.synth(stack)).toMatchSnapshot();
  });

  test('GIVEN the typical stack WHEN synthesized THEN every secret slot holds a reference and every value output is sensitive', () => {
    const config = parsed(Testing.synth(new TokensStack(Testing.app(), 'tokens')));

    const slots = secretSlots(config);

    expect(slots.map(([where]) => where)).toEqual([
      'provider.mlp[0].token',
      'mlp_access_token.analytics.register_token',
      'output.analytics_value',
      'output.ci_value',
    ]);
    for (const [, value] of slots) expect(value).toMatch(/^\$\{.+\}$/);
    expect(config.output!.ci_value.value).toBe('${sensitive(mlp_access_token.ci.value)}');
    expect(config.output!.analytics_value.value).toBe('${sensitive(mlp_access_token.analytics.value)}');
  });

  test('GIVEN the typical stack WHEN synthesized with validations THEN it passes them', () => {
    expect(() => Testing.synth(new TokensStack(Testing.app(), 'tokens'), true)).not.toThrow();
  });
});

describe('laying the provider out at synth', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const fullSynth = (stack: TerraformStack) => {
    const outdir = Testing.fullSynth(stack);
    dirs.push(outdir);
    return path.join(outdir, 'stacks', stack.node.id);
  };
  const mirrorArchive = (stackDir: string) =>
    path.join(
      stackDir,
      'terraform.d',
      'plugins',
      PROVIDER_HOSTNAME,
      PROVIDER_NAMESPACE,
      PROVIDER_TYPE,
      `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_${terraformPlatform()}.zip`,
    );

  test('GIVEN a stack with an MlpProvider WHEN fully synthesized THEN the mirror and the lock file sit beside cdk.tf.json', () => {
    const stackDir = fullSynth(new TokensStack(Testing.app(), 'tokens'));

    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(true);
    // A real archive (the launcher and the code it runs), never a link into the installed package.
    expect(fs.lstatSync(mirrorArchive(stackDir)).isFile()).toBe(true);
    const lock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "${PROVIDER_SOURCE}" {`);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);
  });

  test('GIVEN two provider configurations WHEN fully synthesized THEN one mirror serves both', () => {
    const stack = new TokensStack(Testing.app(), 'tokens');
    new MlpProvider(stack, 'other', { alias: 'other' });

    const stackDir = fullSynth(stack);

    expect(fs.existsSync(mirrorArchive(stackDir))).toBe(true);
    const lock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    expect(lock.split(`provider "${PROVIDER_SOURCE}"`)).toHaveLength(2);
  });

  test('GIVEN installMirror: false WHEN fully synthesized THEN nothing but the configuration is written', () => {
    const stackDir = fullSynth(new TokensStack(Testing.app(), 'tokens', { installMirror: false }));

    expect(fs.readdirSync(stackDir)).toEqual(['cdk.tf.json']);
  });

  test('GIVEN an app with two stacks WHEN synthesized THEN each stack directory gets its own mirror', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-constructs-app-'));
    dirs.push(outdir);
    const app = new App({ outdir });
    new TokensStack(app, 'staging');
    new TokensStack(app, 'production');

    app.synth();

    for (const name of ['staging', 'production']) {
      expect(fs.existsSync(mirrorArchive(path.join(outdir, 'stacks', name)))).toBe(true);
    }
  });

  test('GIVEN a fully synthesized stack WHEN terraform init runs offline with a read-only lock file THEN it installs our provider', () => {
    const stackDir = fullSynth(new TokensStack(Testing.app(), 'tokens'));
    const rc = path.join(stackDir, '..', 'terraformrc');
    fs.writeFileSync(rc, '');

    execFileSync('terraform', ['init', '-input=false', '-no-color', '-backend=false', '-lockfile=readonly'], {
      cwd: stackDir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1' },
      stdio: 'pipe',
    });

    expect(fs.existsSync(path.join(stackDir, '.terraform', 'providers', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform()))).toBe(
      true,
    );
  });
});
