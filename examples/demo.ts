/**
 * The demo (`npm run demo`): a whole token lifecycle with real Terraform against the local emulator.
 *
 * start the emulator -> synthesize examples/basic -> terraform init (offline) -> apply -> outputs and
 * who-am-I with the new token -> rotate by redeploying with a changed trigger -> destroy -> stop.
 *
 * Token values are never printed: only their length, and whether the API accepts them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlpClient } from '../lib/client';
import { startEmulator, type RunningEmulator } from '../lib/emulator';
import { TerraformWorkdir, findSecrets } from '../lib/testing/terraform';

const STACK = 'basic';
const OUTPUT = 'ci_value';

/** What a demo run printed, and the values it issued (for the test that searches the output for them). */
export interface DemoResult {
  readonly printed: readonly string[];
  /** Every token value of the run. Never print these. */
  readonly secrets: readonly string[];
  /** Where a value was found in anything printed (Terraform's output or the demo's); empty when none. */
  readonly leaks: readonly string[];
}

/** The repository root, from `examples/` (sources) or `dist/examples/` (compiled). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
/** Terraform's one-line summary ("Apply complete! Resources: 1 added, 0 changed, 0 destroyed."). */
function summaryOf(text: string): string {
  const lines = text.split('\n');
  const line = lines.find((l) => /complete!|No changes\./.test(l)) ?? lines.find((l) => /^Plan:/.test(l));
  return line?.trim() ?? '(no summary line)';
}

async function whoAmI(endpoint: string, value: string): Promise<string> {
  const client = new MlpClient({ endpoint, token: value, maxRetries: 0 });
  try {
    const me = await client.whoAmI();
    return `accepted: Token ${me.name}: id: ${me.id}, type: ${me.role.toUpperCase()}, issuer_name: ${me.issuerName}, exp: ${me.expiresAt?.toISOString() ?? 'None'}`;
  } catch (error) {
    return `refused: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await client.close();
  }
}

/** Runs the whole lifecycle, writing each line of progress with `write`. */
export async function runDemo(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<DemoResult> {
  let stepNumber = 0;
  const started = Date.now();
  const printed: string[] = [];
  const say = (line: string): void => {
    printed.push(line);
    write(line);
  };
  const step = (title: string): void => say(`\n[${++stepNumber}] ${title}  (+${((Date.now() - started) / 1000).toFixed(1)}s)`);
  const detail = (line: string): void => say(`    ${line}`);

  const root = repositoryRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-demo-'));
  let emulator: RunningEmulator | undefined;
  const secrets: string[] = [];
  let leaks: string[];
  try {
    step('Start the MLP token API emulator');
    emulator = await startEmulator();
    secrets.push(emulator.adminToken);
    detail(`listening at ${emulator.url}, with one Administrator token (value kept in memory only)`);

    step(`Synthesize examples/${STACK} (CDKTF)`);
    const outdir = path.join(work, 'cdktf.out');
    const synth = spawnSync(process.execPath, [path.join(root, 'dist/examples/basic/main.js')], {
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      // cdktf's default local backend puts terraform.<stack>.tfstate (token values) in the working
      // directory: keep it in the demo's own temp dir, never where the demo was started.
      cwd: work,
      encoding: 'utf8',
    });
    if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
    const stackDir = path.join(outdir, 'stacks', STACK);
    detail(
      `wrote ${path.relative(work, path.join(stackDir, 'cdk.tf.json'))} and laid our provider out in terraform.d/plugins (no registry needed)`,
    );

    const tf = new TerraformWorkdir(stackDir, {
      env: { MLP_ENDPOINT: emulator.url, MLP_TOKEN: emulator.adminToken },
    });

    step('terraform init (offline)');
    detail(summaryOf((await tf.init()).stdout.replace('Terraform has been successfully initialized!', 'Init complete!')));

    step('terraform apply: create the token');
    detail(summaryOf((await tf.apply()).stdout));
    const first = String((await tf.outputs())[OUTPUT]!.value);
    secrets.push(first);
    detail(`output ${OUTPUT}: <sensitive>, ${first.length} characters`);
    detail(`who-am-I with it: ${await whoAmI(emulator.url, first)}`);

    step('terraform plan: nothing to do');
    detail(summaryOf((await tf.plan()).stdout));

    step('Rotate: redeploy with a changed trigger (-var rotation=2)');
    detail(summaryOf((await tf.apply(['-var', 'rotation=2'])).stdout));
    const second = String((await tf.outputs())[OUTPUT]!.value);
    secrets.push(second);
    detail(`output ${OUTPUT}: <sensitive>, ${second.length} characters, ${second === first ? 'UNCHANGED (unexpected)' : 'a new value'}`);
    detail(`old value: ${await whoAmI(emulator.url, first)}`);
    detail(`new value: ${await whoAmI(emulator.url, second)}`);

    step('terraform destroy');
    detail(summaryOf((await tf.destroy(['-var', 'rotation=2'])).stdout));
    const left = emulator.tokens().map((t) => t.name);
    detail(`tokens left in the emulator: ${left.join(', ')} (only the admin token it started with)`);

    leaks = findSecrets({ 'terraform output': tf.transcript(), 'demo output': printed.join('\n') }, secrets);
    step('Check: no token value in anything printed');
    detail(leaks.length === 0 ? 'none found' : `LEAKS: ${leaks.join('; ')}`);
  } finally {
    step('Stop the emulator and clean up');
    await emulator?.close();
    fs.rmSync(work, { recursive: true, force: true });
    detail(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  // The final lines are printed too: search them as well.
  leaks = [...leaks, ...findSecrets({ 'demo output': printed.join('\n') }, secrets)];
  return { printed, secrets, leaks: [...new Set(leaks)] };
}

if (require.main === module) {
  runDemo()
    .then((result) => {
      if (result.leaks.length > 0) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
