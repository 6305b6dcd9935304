/**
 * The provider's end-to-end harness: a temporary Terraform working directory with our provider laid
 * out as a local mirror (`lib/install/mirror.ts`, the package's real launcher), a `main.tf.json`
 * writer, the emulator's endpoint and token in the environment, and every byte captured: each
 * command's stdout and stderr, a `TF_LOG=trace` log per command, and the provider's own stderr. A
 * scenario ends with {@link E2EWorkdir.assertNoSecrets}, the one secret check of every e2e scenario:
 * it runs `terraform show` and `plan -json` too, then searches all of it (and `cdk.tf.json` where
 * there is one, and any error message or demo output the scenario added) with `findSecrets`.
 *
 * Terraform runs through `lib/testing/terraform.ts` (no shell, offline-safe environment).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlpClient } from '../../lib/client/client';
import { ENV_ENDPOINT, ENV_TOKEN, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../../lib/constants';
import { EMULATOR_DEFAULTS, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../lib/emulator';
import { installProvider } from '../../lib/install/mirror';
import {
  TerraformWorkdir,
  findSecrets,
  type TerraformResult,
  type TerraformRunOptions,
  type TerraformState,
} from '../../lib/testing/terraform';

const REPO_ROOT = path.resolve(__dirname, '../..');
const LAUNCHER = path.join(REPO_ROOT, 'bin', 'terraform-provider-mlp');
const PROVIDER_MAIN = path.join(REPO_ROOT, 'dist', 'lib', 'provider', 'main.js');

export interface E2EOptions {
  /** A label for the temp directory. */
  readonly name: string;
  /** The emulator (or API) endpoint: set as MLP_ENDPOINT. */
  readonly endpoint: string;
  /** The provider's token: set as MLP_TOKEN; undefined leaves it unset (and clears an inherited one). */
  readonly token?: string | undefined;
  /** More environment (TF_VAR_...). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What a plan said, parsed from its text. */
export interface PlanSummary {
  readonly changes: boolean;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly text: string;
}

/** One working directory of one scenario. */
export class E2EWorkdir {
  readonly dir: string;
  readonly tf: TerraformWorkdir;
  /** The provider's stderr across every process Terraform started here. */
  readonly providerStderrFile: string;
  readonly #traceLogs: string[] = [];
  readonly #extraTexts: Record<string, string> = {};
  readonly #started: TerraformResult[] = [];
  #runs = 0;

  private constructor(dir: string, options: E2EOptions) {
    if (!fs.existsSync(PROVIDER_MAIN)) throw new Error(`${PROVIDER_MAIN} is missing: run "npm run build" before the e2e tests`);
    this.dir = dir;
    this.providerStderrFile = path.join(dir, '.e2e', 'provider-stderr.log');
    fs.mkdirSync(path.dirname(this.providerStderrFile), { recursive: true });
    installProvider(dir, { launcher: writeTeeLauncher(path.join(dir, '.e2e', 'terraform-provider-mlp')) });
    const cliConfigFile = path.join(dir, '.e2e', 'terraformrc');
    const env = {
      [ENV_ENDPOINT]: options.endpoint,
      [ENV_TOKEN]: options.token,
      TF_LOG: undefined,
      TF_LOG_PATH: undefined,
      [ENV_PROVIDER_LOG]: this.providerStderrFile,
      ...options.env,
    };
    this.tf = new TerraformWorkdir(dir, { cliConfigFile, env });
  }

  /** A fresh directory with the provider installed (no configuration yet). */
  static create(options: E2EOptions): E2EWorkdir {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mlp-e2e-${options.name}-`));
    return new E2EWorkdir(dir, options);
  }

  /** An existing directory (e.g. a synthesized `cdktf.out/stacks/<stack>`), with the provider installed over its mirror. */
  static at(dir: string, options: E2EOptions): E2EWorkdir {
    return new E2EWorkdir(dir, options);
  }

  /** Writes `main.tf.json`: our `required_providers`, an empty provider block unless given, and `config`. */
  writeConfig(config: Record<string, unknown>): void {
    const document = {
      terraform: { required_providers: { [PROVIDER_TYPE]: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } },
      provider: { [PROVIDER_TYPE]: {} },
      ...config,
    };
    fs.writeFileSync(path.join(this.dir, 'main.tf.json'), `${JSON.stringify(document, null, 2)}\n`);
  }

  /** Any terraform command, traced (unless it reveals values by design). */
  run(args: readonly string[], options: TerraformRunOptions = {}): Promise<TerraformResult> {
    return this.tf.run(args, this.#traced(args, options));
  }

  init(): Promise<TerraformResult> {
    return this.tf.init(this.#traced(['init']));
  }

  apply(extra: readonly string[] = [], options: TerraformRunOptions = {}): Promise<TerraformResult> {
    return this.tf.apply(extra, this.#traced(['apply'], options));
  }

  destroy(extra: readonly string[] = [], options: TerraformRunOptions = {}): Promise<TerraformResult> {
    return this.tf.destroy(extra, this.#traced(['destroy'], options));
  }

  /** `plan -detailed-exitcode`, summarised. */
  async plan(extra: readonly string[] = [], options: TerraformRunOptions = {}): Promise<PlanSummary> {
    const result = await this.tf.plan(extra, this.#traced(['plan'], options));
    const text = `${result.stdout}\n${result.stderr}`;
    const counts = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(text);
    return {
      changes: result.code === 2,
      add: Number(counts?.[1] ?? 0),
      change: Number(counts?.[2] ?? 0),
      destroy: Number(counts?.[3] ?? 0),
      text,
    };
  }

  /** `terraform show` (human text; Terraform redacts sensitive values). */
  show(): Promise<TerraformResult> {
    return this.tf.show(this.#traced(['show']));
  }

  /** The state with values (`show -json`; reveals values by design, so it is neither traced nor searched). */
  state(): Promise<TerraformState> {
    return this.tf.state();
  }

  /** One resource's values from the state; undefined when it is not there. */
  async resource(address: string): Promise<Record<string, unknown> | undefined> {
    const state = await this.state();
    const resources = state.values?.root_module?.resources ?? [];
    return resources.find((r) => r.address === address)?.values;
  }

  /**
   * Starts a terraform command without waiting for it (crash and concurrency scenarios): traced like
   * the others, and its output joins {@link texts} once it ends, however it ends.
   */
  start(args: readonly string[]): { readonly child: ChildProcess; readonly done: Promise<TerraformResult> } {
    const log = path.join(this.dir, '.e2e', `trace-${String(++this.#runs).padStart(2, '0')}-${args[0]}.log`);
    this.#traceLogs.push(log);
    const child = spawn('terraform', args, {
      cwd: this.dir,
      env: { ...this.tf.env, TF_LOG: 'trace', TF_LOG_PATH: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const done = new Promise<TerraformResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const result: TerraformResult = {
          args: [...args],
          code: code ?? (signal ? 128 : null),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        this.#started.push(result);
        resolve(result);
      });
    });
    return { child, done };
  }

  /** Adds a text the scenario produced (an error message it caught, a demo's output) to the secret search. */
  addText(label: string, text: string): void {
    this.#extraTexts[label] = (this.#extraTexts[label] ?? '') + text;
  }

  /** Every token value the state holds (access tokens' and registration tokens' `value`). */
  async stateSecrets(): Promise<string[]> {
    const state = await this.state();
    return (state.values?.root_module?.resources ?? []).map((r) => r.values.value).filter((v): v is string => typeof v === 'string');
  }

  /** Every text this directory produced that must never hold a secret, by label. */
  texts(): Record<string, string> {
    const started = this.#started.map((r) => `$ terraform ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`).join('\n');
    const out: Record<string, string> = { 'terraform output': `${this.tf.transcript()}\n${started}` };
    for (const log of this.#traceLogs) if (fs.existsSync(log)) out[`trace log ${path.basename(log)}`] = fs.readFileSync(log, 'utf8');
    if (fs.existsSync(this.providerStderrFile)) out['provider stderr'] = fs.readFileSync(this.providerStderrFile, 'utf8');
    for (const file of ['main.tf.json', 'cdk.tf.json']) {
      const at = path.join(this.dir, file);
      if (fs.existsSync(at)) out[file] = fs.readFileSync(at, 'utf8');
    }
    return { ...out, ...this.#extraTexts };
  }

  /**
   * The secret check every e2e scenario ends with: runs `terraform show` and `terraform plan -json`
   * (so what they print is searched too), then searches every text of this directory for `values`.
   */
  async assertNoSecrets(values: Iterable<string | null | undefined>): Promise<void> {
    await this.show().catch(() => undefined);
    await this.run(['plan', '-json', '-input=false', '-no-color', '-lock=false'], { check: false });
    assertNoSecrets(this.texts(), values);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #traced(args: readonly string[], options: TerraformRunOptions = {}): TerraformRunOptions {
    const log = path.join(this.dir, '.e2e', `trace-${String(++this.#runs).padStart(2, '0')}-${args[0]}.log`);
    this.#traceLogs.push(log);
    return { ...options, traceLog: log };
  }
}

/** Where the tee launcher copies the provider's stderr: set per working directory. */
const ENV_PROVIDER_LOG = 'MLP_E2E_PROVIDER_LOG';

/**
 * A launcher that runs the package's real launcher and copies the provider's stderr into the file
 * `$MLP_E2E_PROVIDER_LOG` (/dev/null when a run lacks it) on the way to Terraform (stdout, the handshake, goes straight through).
 * The same bytes in every working directory: the provider's hash in the lock file (and so in a saved
 * plan) is then the same in two runners, as it is for two checkouts of one project.
 */
function writeTeeLauncher(file: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    file,
    ['#!/bin/sh', `{ ${q(LAUNCHER)} "$@" 2>&1 1>&3 3>&- | tee -a "\${${ENV_PROVIDER_LOG}:-/dev/null}" 1>&2 3>&-; } 3>&1`, ''].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

/** Where each secret value occurs in which text (empty when none does); never the value itself. */
export function findLeaks(texts: Readonly<Record<string, string>>, values: Iterable<string | null | undefined>): string[] {
  return findSecrets(texts, secretList(values));
}

/** Fails when any of `values` occurs in any of `texts`, naming where (never printing the value). */
export function assertNoSecrets(texts: Readonly<Record<string, string>>, values: Iterable<string | null | undefined>): void {
  const list = secretList(values);
  if (list.length === 0) throw new Error('assertNoSecrets got no secret values to look for: the scenario collected none');
  const leaks = findSecrets(texts, list);
  if (leaks.length > 0) throw new Error(`secrets leaked:\n${leaks.join('\n')}`);
}

function secretList(values: Iterable<string | null | undefined>): string[] {
  return [...new Set(values)].filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

/** What a failure must never look like: a crash, a gRPC error, a stack trace. Empty when clean. */
export function crashSigns(text: string): string[] {
  const signs: [RegExp, string][] = [
    [/rpc error/, '"rpc error" (a gRPC error reached the user)'],
    [/Plugin did not respond/, '"Plugin did not respond" (the provider crashed or hung)'],
    [/panic/i, '"panic"'],
    [/^ {4}at /m, 'a stack trace line ("    at ...")'],
    [/Internal provider error/, '"Internal provider error"'],
  ];
  return signs.filter(([re]) => re.test(text)).map(([, what]) => what);
}

/** Terraform's diagnostics, one block each, whitespace folded: `Error: <summary> with <address>, ... <detail>`. */
export function diagnosticBlocks(text: string): string[] {
  return text
    .split(/\n(?=(?:Error|Warning): )/)
    .filter((b) => /^(Error|Warning): /.test(b))
    .map((b) => b.replace(/\s+/g, ' '));
}

/**
 * For a configuration refused before any change: runs `terraform validate`, then `plan`; each must
 * exit non-zero with no sign of a crash. Resolves each command's diagnostic blocks, to be checked one
 * by one.
 */
export async function refusedAtValidateAndPlan(w: E2EWorkdir): Promise<{ command: string; blocks: string[] }[]> {
  const runs: { command: string; blocks: string[] }[] = [];
  for (const command of [
    ['validate', '-no-color'],
    ['plan', '-input=false', '-no-color'],
  ]) {
    const r = await w.run(command, { check: false });
    const text = `${r.stdout}\n${r.stderr}`;
    expect(r.code).not.toBe(0);
    expect(crashSigns(text)).toEqual([]);
    runs.push({ command: command[0]!, blocks: diagnosticBlocks(text) });
  }
  return runs;
}

/**
 * Processes whose environment holds `marker` (`NAME=value`), for suites whose tools start processes
 * outside the test's own process group (cdktf runs Terraform in a pseudo-terminal). Linux only.
 */
export function processesMarked(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not readable: not one of ours
    }
  }
  return pids;
}

/** Kills whatever {@link processesMarked} finds, so a suite leaves nothing running. */
export function killMarked(marker: string): void {
  for (const pid of processesMarked(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Kills what {@link processesMarked} finds until nothing is left, for a run killed on purpose: the
 * process that was killed may have started another one in between (Terraform starting a provider).
 * Resolves with what is still there after `timeoutMs` (nothing, normally).
 */
export async function killMarkedUntilGone(marker: string, timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    killMarked(marker);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const left = processesMarked(marker);
    if (left.length === 0 || Date.now() >= deadline) return left;
  }
}

/** What {@link emulatorSuite} gives a test file. */
export interface EmulatorSuite {
  /** The running emulator (from the file's first `beforeAll` on). */
  readonly emulator: RunningEmulator;
  /** A working directory against it, with its admin token unless `options` say otherwise; removed after the file. */
  workdir(name: string, options?: Partial<Omit<E2EOptions, 'name' | 'endpoint'>>): E2EWorkdir;
}

/**
 * One emulator per test file: started before the file's tests, reset before each, closed after, and
 * every working directory made through it removed (kept with MLP_E2E_KEEP=1, for debugging).
 */
export function emulatorSuite(options: EmulatorOptions = {}): EmulatorSuite {
  let running: RunningEmulator | undefined;
  const workdirs: E2EWorkdir[] = [];
  beforeAll(async () => {
    running = await startEmulator({ port: 0, control: true, ...options });
  });
  afterAll(async () => {
    await running?.close();
    if (!process.env.MLP_E2E_KEEP) for (const w of workdirs) w.remove();
  });
  beforeEach(() => running!.reset());
  const suite: EmulatorSuite = {
    get emulator(): RunningEmulator {
      if (!running) throw new Error('the emulator starts in beforeAll; use it inside tests and hooks');
      return running;
    },
    workdir(name, workdirOptions = {}) {
      const w = E2EWorkdir.create({ name, endpoint: suite.emulator.url, token: suite.emulator.adminToken, ...workdirOptions });
      workdirs.push(w);
      return w;
    },
  };
  return suite;
}

/** Names of the emulator's tokens other than its own Administrator token, sorted. */
export function projectTokenNames(emulator: RunningEmulator): string[] {
  return emulator
    .tokens()
    .map((t) => t.name)
    .filter((n) => n !== EMULATOR_DEFAULTS.adminTokenName)
    .sort();
}

/** Every file under `dir` (symbolic links not followed), relative and sorted; none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.lstatSync(path.join(dir, f)).isFile())
    .sort();
}

/** The `value` of the resource at `address` in the state, added to `secrets` (the run's secret search). */
export async function stateValue(w: E2EWorkdir, address: string, secrets: Set<string>): Promise<string> {
  const value = (await w.resource(address))?.value;
  if (typeof value !== 'string') throw new Error(`${address} has no value in the state`);
  secrets.add(value);
  return value;
}

/** Terraform's diagnostic text as one line (it wraps details at the terminal width, behind "│"). */
export function oneLine(text: string): string {
  return text.replace(/\s*│\s*/g, ' ').replace(/\s+/g, ' ');
}

/** Whether the API at `endpoint` accepts a token value (who-am-I with it, no retries). */
export async function tokenAccepted(endpoint: string, value: string): Promise<boolean> {
  const client = new MlpClient({ endpoint, token: value, maxRetries: 0 });
  try {
    await client.whoAmI();
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}
