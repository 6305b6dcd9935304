/**
 * What the launcher runs: the provider bundle (`terraform-provider-mlp.js` beside this file, built by
 * `scripts/bundle-provider.js`) with V8's code cache, so a start compiles almost nothing. Terraform
 * starts the provider 4-5 times per apply or destroy, and compiling our code and its packages was
 * about a third of each start.
 *
 * - Node >= 22.1: `module.enableCompileCache()`, Node's own cache.
 * - Node 20: the bundle runs as a `vm.Script` given the cached data from an earlier start; when there
 *   is none, or V8 rejects it (another Node or V8 flags), the cache is written at exit.
 *
 * A code cache is code: V8 runs the bytecode in it and checks it against the source's *length* only.
 * So the cache is only ever read from, or written to, a directory that nobody else can write
 * ({@link cacheDirectory}), and it is bound to the bundle's content: its key is the SHA-256 of the
 * bundle bytes read at this start (not the build line, which only claims a hash), and the file's own
 * header repeats it and is checked before V8 sees the data. With no such directory (no `HOME` and no
 * `XDG_CACHE_HOME`, or a directory another user could write) the provider runs uncached: a cache
 * only costs time, and a shared temp-dir fallback is exactly what a local attacker would plant.
 * Without a bundle (a `tsc`-only build) the compiled entry runs as it is.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- `Module.wrap` and `enableCompileCache` are statics of the CommonJS export
import Module = require('node:module');
import * as path from 'node:path';
import * as vm from 'node:vm';
import { START_PROGRESS, STAGES, type Stage, type StartProgress } from './progress';

const BUNDLE = path.join(__dirname, 'terraform-provider-mlp.js');
/** The bundle's last line: `//# mlp-tokens-build <version> <hash>`. */
const BUILD_LINE = /\/\/# mlp-tokens-build (\S+) ([0-9a-f]+)\s*$/;
/** A version as it may name a directory: no separators, no dot segments. */
const SAFE_VERSION = /^\d+\.\d+\.\d+[0-9A-Za-z.+-]*$/;
/** Every cache file opens with this line, the bundle's SHA-256 in hex after it. */
const CACHE_MAGIC = 'mlp-tokens-v8-cache-1 ';
const CACHE_HEADER_LENGTH = CACHE_MAGIC.length + 64 + 1;

interface ModuleInternals {
  enableCompileCache?: (directory?: string) => unknown;
  wrap(source: string): string;
}

export function start(): void {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(BUNDLE);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a `tsc`-only build: the entry runs as it is
    require('../main');
    return;
  }
  // ~1 ms for the 2 MiB bundle (SHA-256 in hardware): what binds the cache to the code that runs.
  const digest = createHash('sha256').update(bytes).digest('hex');
  const build = BUILD_LINE.exec(bytes.subarray(-200).toString('latin1'));
  const version = build && SAFE_VERSION.test(build[1]!) ? build[1]! : 'unversioned';
  const dir = cacheDirectory(version);
  const modules = Module as unknown as ModuleInternals;
  if (typeof modules.enableCompileCache === 'function') {
    // Node keys its entries by file name and checks a CRC of the source; the directory named after
    // the bundle's SHA-256 is what makes an entry for other code unreachable.
    const compileCache = dir ? path.join(dir, `node-${digest}`) : undefined;
    const fresh = compileCache !== undefined && !fs.existsSync(compileCache);
    if (compileCache && privateDirectoryProblem(compileCache) === undefined) {
      if (fresh) dropOtherBuilds(dir!, (name) => name.startsWith('node-') && name !== path.basename(compileCache));
      try {
        modules.enableCompileCache(compileCache);
      } catch {
        // Runs uncached.
      }
    }
    (globalThis as Record<symbol, StartProgress>)[START_PROGRESS] = { stage: 'start' };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded through Node's compile cache
    require(BUNDLE);
    return;
  }
  // The bundle is ASCII (esbuild escapes the rest), so latin1 takes its bytes as they are.
  runCached(bytes.toString('latin1'), digest, dir);
}

/** Runs the bundle as CommonJS would, compiled from (or into) the code cache. */
function runCached(source: string, digest: string, dir: string | undefined): void {
  // V8 rejects a cache made under other flags: one file per set of node flags, so that runs with and
  // without the launcher's flags do not keep replacing each other's cache.
  const flags = process.execArgv.length ? `-${shortHash(process.execArgv.join(' '))}` : '';
  const buildPrefix = `terraform-provider-mlp-${digest}-`;
  const base = dir ? path.join(dir, `${buildPrefix}${process.version}-${process.arch}${flags}`) : undefined;
  // One cache file per stage the writing process reached (see ./progress): a later process that got
  // further replaces it, so the cache soon covers the API path as well.
  let cachedData: Buffer | undefined;
  let cached: Stage | undefined;
  if (base) {
    for (const stage of [...STAGES].reverse()) {
      cachedData = readCache(`${base}-${stage}.cache`, digest);
      if (cachedData) {
        cached = stage;
        break;
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
      writeCache(`${base}-${stage}.cache`, digest, buildPrefix, () => held?.data ?? script.createCachedData());
    });
  }
  const bundleModule = { exports: {} };
  const bundleRequire = Module.createRequire(BUNDLE);
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    bundleModule.exports,
    bundleModule.exports,
    bundleRequire,
    bundleModule,
    BUNDLE,
    path.dirname(BUNDLE),
  );
}

/** FNV-1a, 32 bits, in hex: enough to tell flag sets apart in a file name. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The header a cache file for the bundle with this SHA-256 opens with. */
export function cacheHeader(digest: string): Buffer {
  return Buffer.from(`${CACHE_MAGIC}${digest}\n`, 'latin1');
}

/**
 * The V8 data of a cache file, or undefined: not a regular file of ours (a symlink is not followed),
 * or its header names another bundle.
 */
export function readCache(file: string, digest: string, uid: number | undefined = currentUid()): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return undefined;
    const data = fs.readFileSync(fd);
    if (!data.subarray(0, CACHE_HEADER_LENGTH).equals(cacheHeader(digest))) return undefined;
    return data.subarray(CACHE_HEADER_LENGTH);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes the cache beside and renames it into place (other providers may be starting); drops the caches of other builds. */
function writeCache(file: string, digest: string, buildPrefix: string, data: () => Buffer): void {
  try {
    const dir = path.dirname(file);
    const tmp = `${file}.${process.pid}.tmp`;
    // `wx`: never through a file (or link) that is already there.
    fs.writeFileSync(tmp, Buffer.concat([cacheHeader(digest), data()]), { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
    dropOtherBuilds(dir, (name) => name.endsWith('.cache') && !name.startsWith(buildPrefix));
  } catch {
    // No cache this time.
  }
}

/** Removes the caches of other builds from `dir` (each rebuild would otherwise leave megabytes behind). */
function dropOtherBuilds(dir: string, isOther: (name: string) => boolean): void {
  try {
    for (const name of fs.readdirSync(dir)) if (isOther(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  } catch {
    // Left for the next start.
  }
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/**
 * The directory for this version's caches, `<cacheRoot()>/<version>`, created when missing, or
 * undefined when there is none that only this user can write:
 * - no per-user base (`XDG_CACHE_HOME`, `HOME`): no cache, never a directory in the shared temp dir;
 * - every directory above it (after resolving links once) must be owned by root or this user and
 *   writable by nobody else, unless sticky (`/tmp`), so nobody can swap a path component later;
 * - `mlp-tokens` and `<version>` must be real directories (not links) owned by this user, mode 0700.
 * Without `process.getuid` (Windows) nothing can be checked, so there is no cache.
 */
export function cacheDirectory(
  version: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  uid: number | undefined = currentUid(),
): string | undefined {
  const root = cacheRoot(env, platform);
  if (root === undefined || uid === undefined) return undefined;
  try {
    const base = path.dirname(root);
    // `~/.cache` may not exist yet: made (0700) only in a home that is safe itself; a missing home
    // (or XDG_CACHE_HOME's parent) is not made up.
    if (!fs.existsSync(base)) {
      if (ancestorsProblem(fs.realpathSync(path.dirname(base)), uid) !== undefined) return undefined;
      fs.mkdirSync(base, { mode: 0o700 });
    }
    const realBase = fs.realpathSync(base);
    if (ancestorsProblem(realBase, uid) !== undefined) return undefined;
    const realRoot = path.join(realBase, path.basename(root));
    const dir = path.join(realRoot, version);
    if (privateDirectoryProblem(realRoot, uid) !== undefined || privateDirectoryProblem(dir, uid) !== undefined) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** Why `dir` (an absolute path without links) could be changed by another user, or undefined when it cannot. */
export function ancestorsProblem(dir: string, uid: number): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = fs.lstatSync(current);
    if (stat.isSymbolicLink()) return `${current} is a symbolic link`;
    if (stat.uid !== 0 && stat.uid !== uid) return `${current} belongs to uid ${stat.uid}`;
    if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) return `${current} is writable by others`;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * Creates `dir` (mode 0700) when missing; then why it may not hold a cache (a link, not a directory,
 * another owner, a mode other than 0700), or undefined when it may. Never changes an existing one.
 */
export function privateDirectoryProblem(dir: string, uid: number | undefined = currentUid()): string | undefined {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    // It exists (or cannot be made): the checks below decide.
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return `${dir} cannot be created`;
  }
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}`;
  if ((stat.mode & 0o7777) !== 0o700) return `${dir} has mode ${(stat.mode & 0o7777).toString(8)}, not 700`;
  return undefined;
}

/**
 * `$XDG_CACHE_HOME/mlp-tokens` (or `~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`), or undefined
 * when the environment names no per-user directory (an absolute one).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  let base = env.XDG_CACHE_HOME;
  if (!base || !path.isAbsolute(base)) {
    const home = env.HOME || (platform === 'win32' ? env.USERPROFILE : undefined);
    if (platform === 'win32') base = env.LOCALAPPDATA || (home ? path.join(home, 'AppData', 'Local') : undefined);
    else if (platform === 'darwin') base = home ? path.join(home, 'Library', 'Caches') : undefined;
    else base = home ? path.join(home, '.cache') : undefined;
  }
  if (!base || !path.isAbsolute(base)) return undefined;
  return path.join(base, 'mlp-tokens');
}

if (require.main === module) start();
