/**
 * What the launcher runs: the provider bundle (`terraform-provider-mlp.js` beside this file, built by
 * `scripts/bundle-provider.js`) with V8's code cache, so a start compiles almost nothing. Terraform
 * starts the provider 4-5 times per apply or destroy, and compiling our code and its packages was
 * about a third of each start.
 *
 * - Node >= 22.1: `module.enableCompileCache()`, Node's own cache.
 * - Node 20: the bundle runs as a `vm.Script` given the cached data from an earlier start; when there
 *   is none, or V8 rejects it (another Node or V8 flags), the cache is written at exit.
 * The cache lives in a per-user cache directory (the package directory may be read-only), one file
 * per package version and bundle build. Any failure of the cache only costs time; without a bundle
 * (a `tsc`-only build) the compiled entry runs as it is.
 */
import * as fs from 'node:fs';
import Module = require('node:module');
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { START_PROGRESS, STAGES, type Stage, type StartProgress } from './progress';

const BUNDLE = path.join(__dirname, 'terraform-provider-mlp.js');
/** The bundle's last line: `//# mlp-tokens-build <version> <hash>`. */
const BUILD_LINE = /\/\/# mlp-tokens-build (\S+) ([0-9a-f]+)\s*$/;

interface ModuleInternals {
  enableCompileCache?: (directory?: string) => unknown;
  wrap(source: string): string;
}

export function start(): void {
  const modules = Module as unknown as ModuleInternals;
  if (typeof modules.enableCompileCache === 'function') {
    try {
      modules.enableCompileCache(cacheRoot());
    } catch {
      // Runs uncached.
    }
    (globalThis as Record<symbol, StartProgress>)[START_PROGRESS] = { stage: 'start' };
    loadBundleOr(() => require(BUNDLE));
    return;
  }
  let source: string;
  try {
    // The bundle is ASCII (esbuild escapes the rest), and latin1 is read without decoding.
    source = fs.readFileSync(BUNDLE, 'latin1');
  } catch {
    require('../main');
    return;
  }
  runCached(source);
}

function loadBundleOr(load: () => void): void {
  if (fs.existsSync(BUNDLE)) load();
  else require('../main');
}

/** Runs the bundle as CommonJS would, compiled from (or into) the code cache. */
function runCached(source: string): void {
  const build = BUILD_LINE.exec(source.slice(-200));
  // V8 rejects a cache made under other flags: one file per set of node flags, so that runs with and
  // without the launcher's flags do not keep replacing each other's cache.
  const flags = process.execArgv.length ? `-${shortHash(process.execArgv.join(' '))}` : '';
  const base = build ? path.join(cacheRoot(), build[1]!, `terraform-provider-mlp-${build[2]}-${process.version}-${process.arch}${flags}`) : undefined;
  // One cache file per stage the writing process reached (see ./progress): a later process that got
  // further replaces it, so the cache soon covers the API path as well.
  let cachedData: Buffer | undefined;
  let cached: Stage | undefined;
  if (base) {
    for (const stage of [...STAGES].reverse()) {
      try {
        cachedData = fs.readFileSync(`${base}-${stage}.cache`);
        cached = stage;
        break;
      } catch {
        // None for this stage.
      }
    }
  }
  const script = new vm.Script((Module as unknown as ModuleInternals).wrap(source), { filename: BUNDLE, cachedData });
  if (script.cachedDataRejected) cached = undefined;
  // The cache is written at exit, or taken earlier by `holdCache` (before a V8 flag changes, see
  // ./progress): it then holds every function the process had compiled, not only the top level.
  let held: { stage: Stage; data: Buffer } | undefined;
  const progress: StartProgress = { stage: 'start' };
  (globalThis as Record<symbol, unknown>)[START_PROGRESS] = progress;
  progress.holdCache = () => {
    if (base && cached !== 'api') held ??= { stage: progress.stage, data: script.createCachedData() };
  };
  if (base && cached !== 'api') {
    process.once('exit', () => {
      const stage = held?.stage ?? progress.stage;
      if (cached !== undefined && STAGES.indexOf(stage) <= STAGES.indexOf(cached)) return;
      writeCache(`${base}-${stage}.cache`, `terraform-provider-mlp-${build![2]}-`, () => held?.data ?? script.createCachedData());
    });
  }
  const bundleModule = { exports: {} };
  const bundleRequire = Module.createRequire(BUNDLE);
  (script.runInThisContext() as (...args: unknown[]) => void).call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, BUNDLE, path.dirname(BUNDLE));
}

/** FNV-1a, 32 bits, in hex: enough to tell flag sets apart in a file name. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Writes the cache beside and renames it into place (other providers may be starting); drops the caches of other builds. */
function writeCache(file: string, buildPrefix: string, data: () => Buffer): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data(), { mode: 0o600 });
    fs.renameSync(tmp, file);
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.cache') && !name.startsWith(buildPrefix)) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // No cache this time.
  }
}

/** `$XDG_CACHE_HOME/mlp-tokens` (or `~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`), else a per-user directory in the temp dir. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  let base = env.XDG_CACHE_HOME;
  if (!base) {
    const home = env.HOME || (platform === 'win32' ? env.USERPROFILE : undefined);
    if (platform === 'win32') base = env.LOCALAPPDATA || (home ? path.join(home, 'AppData', 'Local') : undefined);
    else if (platform === 'darwin') base = home ? path.join(home, 'Library', 'Caches') : undefined;
    else base = home ? path.join(home, '.cache') : undefined;
  }
  if (!base) base = path.join(os.tmpdir(), `mlp-tokens-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  return path.join(base, 'mlp-tokens');
}

if (require.main === module) start();
