/** Where things are, the machine we run on, and the run's options. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The package root (holds package.json): `bench/lib` in sources, `dist/bench/lib` compiled. */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/** Scratch space (git-ignored), wiped at the start of each run. */
export const WORK = path.join(ROOT, 'bench', '.work');
/**
 * A private copy of the built provider (`bin/` and `dist/lib/`), taken at the start of the run, so
 * that another `npm run build` in the tree during the bench cannot swap files under a running
 * Terraform. Packages still resolve from the project's node_modules (WORK is inside the tree).
 */
const PKG = path.join(WORK, 'pkg');
export const LAUNCHER = path.join(PKG, 'bin', 'terraform-provider-mlp');
export const PROVIDER_MAIN = path.join(PKG, 'dist', 'lib', 'provider', 'main.js');
/** The esbuild bundle of PROVIDER_MAIN that the launcher runs (through its code-cache loader). */
export const PROVIDER_BUNDLE = path.join(PKG, 'dist', 'lib', 'provider', 'bundle', 'terraform-provider-mlp.js');
/** The code-cache loader the launcher runs. */
export const PROVIDER_START = path.join(PKG, 'dist', 'lib', 'provider', 'bundle', 'start.js');
/**
 * The provider's code cache goes under $XDG_CACHE_HOME; the run points it into WORK, so each run
 * starts cold and warms the cache in its untimed first round, as a user's first start would.
 */
export const CACHE_HOME = path.join(WORK, 'cache');

/** Copies the launcher and the compiled library into WORK/pkg. */
export function snapshotPackage(): void {
  fs.mkdirSync(path.join(PKG, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'bin', 'terraform-provider-mlp'), LAUNCHER);
  fs.chmodSync(LAUNCHER, 0o755);
  fs.cpSync(path.join(ROOT, 'dist', 'lib'), path.join(PKG, 'dist', 'lib'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map') && !src.endsWith('.d.ts'),
  });
}

export interface BenchOptions {
  /** Fewer runs and smaller N, for development. */
  readonly quick: boolean;
  /** Runs per side for the cheap figures (P1, P4). */
  readonly fastRuns: number;
  /** Runs per side for the Terraform figures (P2, P3, P5). */
  readonly tfRuns: number;
  /** Token counts for P2 (the last one is the goal's N) and P3. */
  readonly p2Sizes: readonly number[];
  readonly p3Sizes: readonly number[];
  /** Resources for P4. */
  readonly p4Count: number;
  /** Tokens for P6, P7, P9 and P5's second size (the goals are at 1,000). */
  readonly scaleN: number;
  /** Rounds of P6/P7 (each: apply, plans, destroy of both sides). */
  readonly scaleRuns: number;
  /** Tokens for P8. */
  readonly latencyN: number;
  /** Which figures to run. */
  readonly only: ReadonlySet<string>;
  /** Write bench/RESULTS.md: yes for a full run (off with --no-write); a --quick run only with --write. */
  readonly write: boolean;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = new Set((value('only') ?? 'P1,P2,P3,P4,P5,P6,P7,P8,P9').split(',').map((s) => s.trim().toUpperCase()));
  const runs = value('runs');
  return {
    quick,
    fastRuns: runs ? Number(runs) : quick ? 5 : 15,
    tfRuns: runs ? Number(runs) : quick ? 2 : 5,
    p2Sizes: quick ? [10] : [10, 100],
    p3Sizes: quick ? [1, 10] : [1, 10, 100],
    p4Count: quick ? 200 : 1000,
    scaleN: quick ? 200 : 1000,
    scaleRuns: runs ? Number(runs) : quick ? 1 : 3,
    latencyN: quick ? 30 : 100,
    only,
    write: !argv.includes('--no-write') && (!quick || argv.includes('--write')),
  };
}

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly os: string;
  readonly node: string;
  readonly terraform: string;
  readonly load: string;
}

export function machine(): Machine {
  let terraform: string;
  try {
    const out = execFileSync('terraform', ['version', '-json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    terraform = (JSON.parse(out) as { terraform_version: string }).terraform_version;
  } catch (error) {
    terraform = `unknown (${(error as Error).message.split('\n')[0]})`;
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    terraform,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}
