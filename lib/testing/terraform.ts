/**
 * Runs real Terraform in a working directory, the way the demo, the end-to-end tests and the
 * benchmarks need it: offline-safe environment, every output captured (so a test can search all of
 * it for secrets), and no shell in between (arguments are passed as a list, never interpolated).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What one Terraform command printed and how it ended. */
export interface TerraformResult {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a {@link TerraformWorkdir}. */
export interface TerraformWorkdirOptions {
  /** Extra environment (MLP_ENDPOINT, MLP_TOKEN, TF_VAR_...). Merged over `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Terraform CLI configuration file. Terraform must always get one that exists.
   * @default - an empty file `.terraformrc.empty` in the working directory
   */
  readonly cliConfigFile?: string;
  /** The terraform executable. @default 'terraform' (from PATH) */
  readonly terraform?: string;
}

/** Options of one run. */
export interface TerraformRunOptions {
  /** Throw when the command exits non-zero (the error message carries stderr). @default true */
  readonly check?: boolean;
  /** Write a `TF_LOG=trace` log of this run to this file. @default - no log */
  readonly traceLog?: string;
  /** Extra environment for this run only. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Thrown by a checked run that exits non-zero. */
export class TerraformCommandError extends Error {
  public readonly code = 'terraform-failed';
  constructor(public readonly result: TerraformResult) {
    super(`terraform ${result.args.join(' ')} exited with ${result.code}:\n${result.stderr || result.stdout}`);
    this.name = 'TerraformCommandError';
  }
}

/** A Terraform working directory and everything that was printed in it. */
export class TerraformWorkdir {
  /** Every result, in order: what a leak check searches. */
  public readonly results: TerraformResult[] = [];
  // `#private`: the environment holds MLP_TOKEN, and must not show in util.inspect or JSON.stringify.
  /** The environment every command here runs with (before a run's own `env`), for commands started outside this class. */
  readonly env: NodeJS.ProcessEnv;
  readonly #terraform: string;

  constructor(
    public readonly dir: string,
    options: TerraformWorkdirOptions = {},
  ) {
    const cliConfigFile = options.cliConfigFile ?? path.join(dir, '.terraformrc.empty');
    if (!fs.existsSync(cliConfigFile)) {
      fs.mkdirSync(path.dirname(cliConfigFile), { recursive: true });
      fs.writeFileSync(cliConfigFile, '');
    }
    this.#terraform = options.terraform ?? 'terraform';
    this.env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: cliConfigFile,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      ...options.env,
    };
  }

  /** Runs `terraform <args>` in the directory. */
  run(args: readonly string[], options: TerraformRunOptions = {}): Promise<TerraformResult> {
    const env: NodeJS.ProcessEnv = { ...this.env, ...options.env };
    if (options.traceLog) Object.assign(env, { TF_LOG: 'trace', TF_LOG_PATH: options.traceLog });
    return new Promise((resolve, reject) => {
      const child = spawn(this.#terraform, args, { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => {
        const result: TerraformResult = {
          args: [...args],
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        this.results.push(result);
        if (code !== 0 && options.check !== false) reject(new TerraformCommandError(result));
        else resolve(result);
      });
    });
  }

  init(options?: TerraformRunOptions): Promise<TerraformResult> {
    return this.run(['init', '-input=false', '-no-color'], options);
  }

  /** `plan -detailed-exitcode`: `code` 0 means no changes, 2 means changes. */
  plan(extra: readonly string[] = [], options?: TerraformRunOptions): Promise<TerraformResult> {
    return this.run(['plan', '-input=false', '-no-color', '-detailed-exitcode', ...extra], { ...options, check: false }).then((r) => {
      if (r.code !== 0 && r.code !== 2 && options?.check !== false) throw new TerraformCommandError(r);
      return r;
    });
  }

  apply(extra: readonly string[] = [], options?: TerraformRunOptions): Promise<TerraformResult> {
    return this.run(['apply', '-input=false', '-no-color', '-auto-approve', ...extra], options);
  }

  destroy(extra: readonly string[] = [], options?: TerraformRunOptions): Promise<TerraformResult> {
    return this.run(['destroy', '-input=false', '-no-color', '-auto-approve', ...extra], options);
  }

  /** `terraform show -no-color` (human text; sensitive values redacted by Terraform). */
  show(options?: TerraformRunOptions): Promise<TerraformResult> {
    return this.run(['show', '-no-color'], options);
  }

  /** `terraform output -json`, parsed. Sensitive values are included: keep them out of every log. */
  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean; type: unknown }>> {
    const r = await this.run(['output', '-json']);
    return JSON.parse(r.stdout) as Record<string, { value: unknown; sensitive: boolean; type: unknown }>;
  }

  /** The state as `terraform show -json` gives it (values included). */
  async state(): Promise<TerraformState> {
    const r = await this.run(['show', '-json']);
    return JSON.parse(r.stdout) as TerraformState;
  }

  /**
   * Every text this directory's runs printed, for leak checks, except the runs whose purpose is to
   * reveal values (`output -json`, `show -json`): those print sensitive values by design.
   */
  transcript(): string {
    return this.results
      .filter((r) => !revealsValues(r.args))
      .map((r) => `$ terraform ${r.args.join(' ')}\n${r.stdout}\n${r.stderr}`)
      .join('\n');
  }
}

/** `terraform output ...` and `terraform show -json` print sensitive values on purpose. */
function revealsValues(args: readonly string[]): boolean {
  return args[0] === 'output' || (args[0] === 'show' && args.includes('-json'));
}

/** The parts of `terraform show -json` we read. */
export interface TerraformState {
  readonly values?: {
    readonly root_module?: {
      readonly resources?: ReadonlyArray<{
        readonly address: string;
        readonly type: string;
        readonly name: string;
        readonly values: Record<string, unknown>;
      }>;
    };
  };
}

/**
 * Searches texts for secret values; returns one line per hit (`"<label>: contains secret #i"`), never
 * the value itself, so a failing assertion cannot leak what it found.
 */
export function findSecrets(texts: Readonly<Record<string, string>>, secrets: readonly string[]): string[] {
  const hits: string[] = [];
  for (const [label, text] of Object.entries(texts)) {
    secrets.forEach((secret, i) => {
      if (secret && text.includes(secret)) hits.push(`${label}: contains secret #${i} (${secret.length} characters)`);
    });
  }
  return hits;
}
