/**
 * `cdktf deploy` and `cdktf destroy` (cdktf-cli 0.21.0) of examples/basic against the emulator, offline.
 *
 * The first deploy runs without `--skip-provider-lock`: the lock file MlpProvider writes at synth makes
 * cdktf skip `terraform providers lock`, which would need the registry. Needs `npm run build` first
 * (the app is the compiled example).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killMarked, processesMarked } from './harness';
import { runProcess } from './support/process';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { findSecrets } from '../../lib/testing/terraform';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'dist', 'examples', 'basic', 'main.js');
const CDKTF_PACKAGE = require.resolve('cdktf-cli/package.json');
const CDKTF = path.join(
  path.dirname(CDKTF_PACKAGE),
  (JSON.parse(fs.readFileSync(CDKTF_PACKAGE, 'utf8')) as { bin: { cdktf: string } }).bin.cdktf,
);
const RUN_TIMEOUT_MS = 120_000;

interface Run {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Terraform and cdktf colour their output even with CI=true. */
// eslint-disable-next-line no-control-regex -- ESC starts the colour codes this strips
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The stack's resources in the state file cdktf's default local backend writes beside cdktf.json. */
function stateResources(file: string): Array<{ type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }> {
  return JSON.parse(fs.readFileSync(file, 'utf8')).resources;
}

describe('cdktf-cli deploy and destroy of examples/basic', () => {
  let work: string;
  let emulator: RunningEmulator;
  let env: NodeJS.ProcessEnv;
  const marker = `MLP_E2E_RUN=cdktf-cli-${randomBytes(6).toString('hex')}`;
  const runs: Run[] = [];

  function cdktf(...args: string[]): Promise<Run> {
    return runProcess(process.execPath, [CDKTF, ...args], { cwd: work, env, timeoutMs: RUN_TIMEOUT_MS }).then((done) => {
      const run = { args, ...done };
      runs.push(run);
      return run;
    });
  }

  /** What a failed run printed: cdktf's own messages carry no secret (checked at the end of the scenario). */
  const why = (run: Run) => `cdktf ${run.args.join(' ')} exited with ${run.code}:\n${plain(run.stderr || run.stdout).slice(-4000)}`;

  beforeAll(async () => {
    if (!fs.existsSync(APP)) throw new Error(`${APP} is missing: run \`npm run build\` first (\`npm test\` does)`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-cdktf-'));
    fs.mkdirSync(path.join(work, 'home'));
    fs.writeFileSync(path.join(work, 'terraformrc'), '');
    fs.writeFileSync(
      path.join(work, 'cdktf.json'),
      JSON.stringify({
        language: 'typescript',
        app: `node ${JSON.stringify(APP)}`,
        projectId: 'mlp-tokens-e2e',
        sendCrashReports: 'false',
        terraformProviders: [],
        terraformModules: [],
      }),
    );
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    // A clean environment: nothing from the caller's Terraform or cdktf set-up (plugin cache, data dir,
    // outdir); HOME inside the work dir, where cdktf points Terraform's plugin cache.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TF_|CDKTF_|MLP_)/.test(k)));
    Object.assign(env, {
      MLP_ENDPOINT: emulator.url,
      MLP_TOKEN: emulator.adminToken,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: path.join(work, 'terraformrc'),
      CI: 'true',
      HOME: path.join(work, 'home'),
      [marker.split('=')[0]!]: marker.split('=')[1],
    });
  });

  afterAll(async () => {
    killMarked(marker);
    await emulator?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test(
    'GIVEN the basic app and the emulator WHEN cdktf deploy, then cdktf destroy THEN the token exists in between, is gone after, and no value is printed',
    async () => {
      const stateFile = path.join(work, 'terraform.basic.tfstate');

      // WHEN: the first deploy, with no --skip-provider-lock
      const deploy = await cdktf('deploy', 'basic', '--auto-approve');

      // THEN
      if (deploy.code !== 0) throw new Error(why(deploy));
      expect(plain(deploy.stdout)).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
      expect(plain(deploy.stdout)).toContain('ci_value = <sensitive>');
      const made = emulator.tokens().filter((t) => t.name !== 'emulator-admin');
      expect(made.map((t) => ({ name: t.name, role: t.role }))).toEqual([{ name: 'ci-pipeline', role: 'user' }]);
      const [resource] = stateResources(stateFile);
      expect(resource).toMatchObject({ type: 'mlp_access_token', name: 'ci' });
      const attributes = resource!.instances[0]!.attributes;
      expect(attributes.id).toBe(made[0]!.id);
      const value = String(attributes.value);
      expect(value.length).toBeGreaterThanOrEqual(32);
      expect(processesMarked(marker)).toEqual([]);

      // WHEN
      const destroy = await cdktf('destroy', 'basic', '--auto-approve');

      // THEN
      if (destroy.code !== 0) throw new Error(why(destroy));
      expect(plain(destroy.stdout)).toContain('Destroy complete! Resources: 1 destroyed.');
      expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
      expect(stateResources(stateFile)).toEqual([]);
      expect(processesMarked(marker)).toEqual([]);

      // AND nothing printed, nor synthesized, holds a token value
      const stackDir = path.join(work, 'cdktf.out', 'stacks', 'basic');
      const texts: Record<string, string> = {
        'cdk.tf.json': fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'),
        'manifest.json': fs.readFileSync(path.join(work, 'cdktf.out', 'manifest.json'), 'utf8'),
      };
      for (const run of runs) {
        texts[`cdktf ${run.args.join(' ')} (stdout)`] = run.stdout;
        texts[`cdktf ${run.args.join(' ')} (stderr)`] = run.stderr;
      }
      expect(findSecrets(texts, [emulator.adminToken, value])).toEqual([]);
    },
    4 * RUN_TIMEOUT_MS,
  );
});
