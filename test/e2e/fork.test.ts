/**
 * mlp-tokens with CDK Terrain (cdktn 0.24, the community fork of the archived cdktf), from plain
 * JavaScript: test/fork is a small package that installs the built mlp-tokens as a packed copy (as from
 * the registry) next to `"cdktf": "npm:cdktn@0.24.0"` and CDK Terrain's CLI (`cdktn-cli`). Its synth.js
 * synthesizes the basic stack with cdktn; plain Terraform then applies and destroys it against the
 * emulator. Then `cdktn deploy` and `cdktn destroy` of the same app, on Node 22 (cdktn-cli needs
 * >= 22.19; the binary comes from npm's node-<platform>-<arch>, support/node-versions.ts), with that
 * Node first on PATH, so the app and the provider run on it too.
 *
 * Needs `npm run build` first (the packed copy is dist/ and bin/), and the npm registry for `npm ci`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { killMarked, processesMarked, projectTokenNames, tokenAccepted } from './harness';
import { nodeBinary, versionOf } from './support/node-versions';
import { runProcess, type ProcessRun } from './support/process';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { TerraformWorkdir, findSecrets } from '../../lib/testing/terraform';
import { ageDecrypt, ageKeyPair, planFileText, startRecordingProxy } from './secrets-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const FORK = path.join(ROOT, 'test', 'fork');
const INSTALLED = path.join(FORK, 'node_modules', 'mlp-tokens');
const RUN_TIMEOUT_MS = 180_000;

function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  return runProcess(command, args, { ...options, timeoutMs: RUN_TIMEOUT_MS });
}

/** What synth.js prints. */
interface SynthReport {
  cdktf: { name: string; version: string; path: string };
  cdktfOfMlpTokens: string;
  mlpTokens: { path: string; exports: string[] };
  stackDir: string;
}

describe('mlp-tokens with CDK Terrain (cdktn) from plain JavaScript', () => {
  let work: string;
  let emulator: RunningEmulator;
  const [markerName, markerValue] = ['MLP_E2E_RUN', `fork-${randomBytes(6).toString('hex')}`];
  const marker = `${markerName}=${markerValue}`;
  let synthRun: ProcessRun | undefined;
  let report: SynthReport | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    // The outer `npm test` exports its own npm_* settings; the fork package is a project of its own.
    const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    // --ignore-scripts: packing mlp-tokens (file:../..) would otherwise run its `prepare` (a full build),
    // rewriting dist/ while other suites run the provider from it. The pack takes the dist/ npm test built.
    const ci = await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: FORK, env: npmEnv });
    if (ci.code !== 0) {
      throw new Error(
        `npm ci in test/fork exited with ${ci.code}. If mlp-tokens' dependencies changed, refresh the lock file: ` +
          `\`npm install --prefix test/fork\` and commit test/fork/package-lock.json.\n${ci.stderr.slice(-3000)}`,
      );
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-fork-'));
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    killMarked(marker);
    await emulator?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test(
    'GIVEN the fork package WHEN synth.js runs THEN mlp-tokens loads from plain JS, uses the one cdktn, and lays out the stack with our provider',
    async () => {
      // The real credentials are in the environment at synth: none may reach the files. The working
      // directory is the temp dir: cdktf's implied local backend puts the state file there.
      synthRun = await run(process.execPath, [path.join(FORK, 'synth.js'), path.join(work, 'cdktf.out')], {
        cwd: work,
        env: { ...process.env, MLP_ENDPOINT: emulator.url, MLP_TOKEN: emulator.adminToken, [markerName]: markerValue },
      });

      if (synthRun.code !== 0) throw new Error(`synth.js exited with ${synthRun.code}:\n${synthRun.stderr}`);
      report = JSON.parse(synthRun.stdout.trim().split('\n').pop()!) as SynthReport;
      expect(report.cdktf).toMatchObject({ name: 'cdktn', version: '0.24.0' });
      expect(report.cdktfOfMlpTokens).toBe(report.cdktf.path);
      expect(report.mlpTokens.path).toBe(path.join(INSTALLED, 'dist', 'lib', 'index.js'));
      expect(fs.lstatSync(INSTALLED).isSymbolicLink()).toBe(false);
      expect(report.mlpTokens.exports).toEqual(
        expect.arrayContaining(['MlpProvider', 'MlpAccessToken', 'MlpRegisterToken', 'MlpTokenDataSource', 'MlpTokensDataSource']),
      );

      const stackDir = report.stackDir;
      const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
      expect(config['//'].metadata.version).toBe('0.24.0');
      expect(config.resource.mlp_access_token.ci).toMatchObject({
        name: 'ci-pipeline',
        role: 'user',
        ttl: '720h',
        rotation_triggers: { rotation: '${var.rotation}' },
      });
      expect(config.output.ci_value).toMatchObject({ sensitive: true, value: '${sensitive(mlp_access_token.ci.value)}' });
      expect(fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8')).toContain('provider "terraform.local/mlp-tokens/mlp"');
      expect(
        findSecrets({ 'cdk.tf.json': JSON.stringify(config), 'synth.js output': synthRun.stdout + synthRun.stderr }, [emulator.adminToken]),
      ).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'GIVEN the synthesized stack WHEN terraform init (offline, read-only lock file), apply, plan, destroy THEN the token lives in between and no value is printed',
    async () => {
      if (!report) throw new Error('no synthesized stack (see the test above)');
      const tf = new TerraformWorkdir(report.stackDir, {
        env: { MLP_ENDPOINT: emulator.url, MLP_TOKEN: emulator.adminToken, [markerName]: markerValue },
        cliConfigFile: path.join(work, 'terraformrc'),
      });

      // WHEN / THEN: the provider comes from the packed copy's mirror, with the hash recorded at synth
      await tf.run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
      await tf.apply();
      const made = emulator.tokens().filter((t) => t.name !== 'emulator-admin');
      expect(made.map((t) => ({ name: t.name, role: t.role }))).toEqual([{ name: 'ci-pipeline', role: 'user' }]);
      const value = String((await tf.outputs()).ci_value!.value);
      expect(value.length).toBeGreaterThanOrEqual(32);
      expect((await tf.plan()).code).toBe(0);

      await tf.destroy();
      expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
      expect(fs.existsSync(path.join(work, 'terraform.basic.tfstate'))).toBe(true);
      expect(processesMarked(marker)).toEqual([]);
      expect(findSecrets({ terraform: tf.transcript() }, [emulator.adminToken, value])).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'GIVEN the same app WHEN cdktn deploy, then cdktn destroy (cdktn-cli 0.24 on Node 22) THEN the token exists in between, is gone after, and no value is printed',
    async () => {
      const node22 = await nodeBinary(22);
      const dir = path.join(work, 'cdktn-cli');
      fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'terraformrc'), '');
      fs.writeFileSync(
        path.join(dir, 'cdktf.json'),
        JSON.stringify({
          language: 'javascript',
          app: `node ${JSON.stringify(path.join(FORK, 'synth.js'))} cdktf.out`,
          projectId: 'mlp-tokens-e2e-cdktn',
          sendCrashReports: 'false',
          terraformProviders: [],
          terraformModules: [],
        }),
      );
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TF_|CDKTF_|CDKTN_|MLP_|npm_)/i.test(k)));
      const env: NodeJS.ProcessEnv = {
        ...clean,
        PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH ?? ''}`,
        MLP_ENDPOINT: emulator.url,
        MLP_TOKEN: emulator.adminToken,
        // The launcher prefers it to any node it would find: the provider runs on 22 as well.
        MLP_TOKENS_NODE: node22,
        CHECKPOINT_DISABLE: '1',
        TF_CLI_CONFIG_FILE: path.join(dir, 'terraformrc'),
        CI: 'true',
        HOME: path.join(dir, 'home'),
        [markerName]: markerValue,
      };
      const cli = path.join(FORK, 'node_modules', 'cdktn-cli', 'bin', 'cdktn');
      const cdktn = async (...args: string[]): Promise<ProcessRun> => {
        const r = await run(node22, [cli, ...args], { cwd: dir, env });
        if (r.code !== 0)
          throw new Error(`cdktn ${args.join(' ')} exited with ${r.code}:\n${stripVTControlCharacters(r.stderr || r.stdout).slice(-4000)}`);
        return r;
      };
      expect(versionOf(node22)).toMatch(/^v22\./);

      const deploy = await cdktn('deploy', 'basic', '--auto-approve');
      expect(stripVTControlCharacters(deploy.stdout)).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
      expect(projectTokenNames(emulator)).toEqual(['ci-pipeline']);
      const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.basic.tfstate'), 'utf8'));
      const value = String(state.resources[0].instances[0].attributes.value);
      expect(value.length).toBeGreaterThanOrEqual(32);

      const destroy = await cdktn('destroy', 'basic', '--auto-approve');
      expect(stripVTControlCharacters(destroy.stdout)).toContain('Destroy complete! Resources: 1 destroyed.');
      expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
      expect(processesMarked(marker)).toEqual([]);
      const texts = {
        'cdktn deploy': deploy.stdout + deploy.stderr,
        'cdktn destroy': destroy.stdout + destroy.stderr,
        'cdk.tf.json': fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'basic', 'cdk.tf.json'), 'utf8'),
      };
      expect(findSecrets(texts, [emulator.adminToken, value])).toEqual([]);
    },
    2 * RUN_TIMEOUT_MS,
  );

  test(
    'GIVEN MlpEphemeralAccessToken and sealTo under cdktn WHEN synthesized (targetVersions terraform >=1.11) and applied THEN the aliased provider reads who-am-I as the ephemeral token, none is left, the sealed value opens with age, and no secret is in cdk.tf.json, state, plan file or output',
    async () => {
      const key = ageKeyPair(work, 'fork-secrets');
      const proxy = await startRecordingProxy(emulator.url);
      try {
        const outdir = path.join(work, 'secrets.out');
        const synth = await run(process.execPath, [path.join(FORK, 'synth-secrets.js'), outdir, key.recipient], {
          cwd: work,
          env: { ...process.env, [markerName]: markerValue },
        });
        if (synth.code !== 0) throw new Error(`synth-secrets.js exited with ${synth.code}:\n${synth.stderr}`);
        const { stackDir, withoutTargets } = JSON.parse(synth.stdout.trim().split('\n').pop()!) as {
          stackDir: string;
          withoutTargets: string;
        };
        // Without targetVersions cdktn refuses ephemeral blocks itself, and says why.
        expect(withoutTargets).toMatch(/ephemeral resources requires terraform >=1\.10\.0/);
        const cdkTfJson = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
        const config = JSON.parse(cdkTfJson);
        expect(config.ephemeral.mlp_access_token.eph).toMatchObject({ ttl: '1h', name_prefix: 'eph-' });
        expect(config.output.sealed_sealed_value).toEqual(expect.objectContaining({ value: '${mlp_access_token.sealed.sealed_value}' }));
        expect(config.output.sealed_value).toBeUndefined();

        const tf = new TerraformWorkdir(stackDir, {
          env: { MLP_ENDPOINT: proxy.url, MLP_TOKEN: emulator.adminToken, [markerName]: markerValue },
          cliConfigFile: path.join(work, 'terraformrc'),
        });
        await tf.run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
        const planFile = path.join(stackDir, 'tfplan');
        await tf.run(['plan', '-input=false', '-no-color', `-out=${planFile}`]);
        await tf.apply([planFile]);
        const outputs = await tf.outputs();
        expect(String(outputs.eph_name!.value)).toMatch(/^eph-[a-z0-9]{12}$/);
        expect(
          emulator
            .tokens()
            .map((t) => t.name)
            .filter((n) => n.startsWith('eph-')),
        ).toEqual([]);
        const value = ageDecrypt(String(outputs.sealed_sealed_value!.value), key.identityFile);
        expect(await tokenAccepted(emulator.url, value)).toBe(true);

        const show = await tf.run(['show', '-json']);
        const texts = {
          'cdk.tf.json': cdkTfJson,
          'synth output': synth.stdout + synth.stderr,
          terraform: tf.transcript(),
          'show -json': show.stdout,
          'plan file': planFileText(planFile),
          'state file': fs.readFileSync(path.join(work, 'terraform.secrets.tfstate'), 'utf8'),
        };
        const secrets = [emulator.adminToken, ...proxy.secrets()];
        expect(secrets).toContain(value);
        expect(findSecrets(texts, secrets)).toEqual([]);
        await tf.destroy();
        expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
      } finally {
        await proxy.close();
      }
    },
    RUN_TIMEOUT_MS,
  );
});
