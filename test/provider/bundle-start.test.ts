import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ancestorsProblem,
  cacheDirectory,
  cacheHeader,
  cacheRoot,
  privateDirectoryProblem,
  readCache,
} from '../../lib/provider/bundle/start';
import { runUntilHandshake } from '../support/handshake';

// The built loader and bundle (`npm test` builds first).
const BUILT = path.join(__dirname, '../../dist/lib/provider/bundle');
const START = path.join(BUILT, 'start.js');
const CODE_FILES = ['start.js', 'progress.js', 'terraform-provider-mlp.js'];
const HEADER_LENGTH = cacheHeader('0'.repeat(64)).length;

interface Run {
  readonly line: string;
  readonly code: number | null;
}

/** Starts a loader like Terraform would, waits for the handshake line, then SIGTERM; resolves at exit. */
function startOnce(env: NodeJS.ProcessEnv, options: { start?: string; nodeArgs?: string[] } = {}): Promise<Run> {
  return runUntilHandshake(process.execPath, [...(options.nodeArgs ?? []), options.start ?? START], { env });
}

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => fs.lstatSync(path.join(dir, f)).isFile())
    : [];
}

/**
 * A copy of the built loader and bundle in `dir`; with `poisoned`, the bundle is changed, at the same
 * length and with the same build line, to write `$MLP_TEST_MARKER` first thing: what a planted cache
 * built from it would run inside the real provider.
 */
function copyPackage(dir: string, poisoned = false): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of CODE_FILES) fs.copyFileSync(path.join(BUILT, name), path.join(dir, name));
  if (poisoned) {
    const file = path.join(dir, 'terraform-provider-mlp.js');
    const source = fs.readFileSync(file, 'latin1');
    const inject = 'require("fs").writeFileSync(process.env.MLP_TEST_MARKER,"planted");';
    const long = /"[A-Za-z ,.()]{90,}"/.exec(source)!;
    const start = '"use strict";'.length;
    expect(source.startsWith('"use strict";')).toBe(true);
    expect(long[0].length - 2).toBeGreaterThan(inject.length);
    const cut = long.index + 1; // inside the string literal: shorten it by what the injection adds
    const changed = source.slice(0, start) + inject + source.slice(start, cut) + source.slice(cut + inject.length);
    expect(changed.length).toBe(source.length);
    fs.writeFileSync(file, changed, 'latin1');
  }
  return path.join(dir, 'start.js');
}

describe('the provider loader (bundle + V8 code cache)', () => {
  // Made in beforeAll, not when the file loads: a run that filters these tests out leaves nothing behind.
  let cacheHome: string;
  beforeAll(() => {
    cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-cache-'));
  });
  afterAll(() => fs.rmSync(cacheHome, { recursive: true, force: true }));
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_CACHE_HOME: cacheHome });
  const caches = (): string[] => filesUnder(path.join(cacheHome, 'mlp-tokens')).filter((f) => f.endsWith('.cache'));

  test("GIVEN no cache WHEN the provider starts twice THEN the first start writes one (private, named after the bundle's SHA-256) and the second serves with it", async () => {
    const first = await startOnce(env());
    expect(first.line).toMatch(/^1\|6\|unix\|.+\|grpc\|/);
    expect(first.code).toBe(0);
    expect(caches()).toEqual([expect.stringMatching(/^0\.1\.0\/terraform-provider-mlp-[0-9a-f]{64}-v\d+\.\d+\.\d+-\w+-start\.cache$/)]);
    for (const dir of ['mlp-tokens', 'mlp-tokens/0.1.0']) expect(fs.lstatSync(path.join(cacheHome, dir)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(cacheHome, 'mlp-tokens', caches()[0]!)).mode & 0o777).toBe(0o600);

    const second = await startOnce(env());
    expect(second.line).toMatch(/^1\|6\|unix\|/);
    expect(caches()).toHaveLength(1);
  }, 30_000);

  test('GIVEN a cache that V8 rejects (a corrupt file) WHEN the provider starts THEN it still serves, and rewrites the cache', async () => {
    const [file] = caches();
    fs.writeFileSync(path.join(cacheHome, 'mlp-tokens', file!), 'not a code cache');
    const run = await startOnce(env());
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.statSync(path.join(cacheHome, 'mlp-tokens', file!)).size).toBeGreaterThan(10_000);
  }, 30_000);

  test('GIVEN node flags WHEN the provider starts THEN their cache is a separate file (V8 rejects caches made under other flags)', async () => {
    await startOnce(env(), { nodeArgs: ['--stack-size=2000'] });
    expect(caches()).toHaveLength(2);
  }, 30_000);

  test("GIVEN Node >= 22.1 (module.enableCompileCache) WHEN the provider starts THEN it loads the bundle through Node's own cache, in a private directory named after the bundle's SHA-256", async () => {
    const preload = path.join(cacheHome, 'fake-compile-cache.js');
    fs.writeFileSync(
      preload,
      "require('node:module').enableCompileCache = (dir) => { require('node:fs').writeFileSync(dir + '.used', ''); };\n",
    );
    const otherBuild = path.join(cacheHome, 'mlp-tokens', '0.1.0', `node-${'0'.repeat(64)}`);
    fs.mkdirSync(otherBuild, { mode: 0o700 });
    const run = await startOnce(env(), { nodeArgs: ['--require', preload] });
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(otherBuild)).toBe(false); // another build's cache is dropped
    const used = fs.readdirSync(path.join(cacheHome, 'mlp-tokens', '0.1.0')).filter((f) => f.endsWith('.used'));
    expect(used).toEqual([expect.stringMatching(/^node-[0-9a-f]{64}\.used$/)]);
    expect(fs.lstatSync(path.join(cacheHome, 'mlp-tokens', '0.1.0', used[0]!.replace(/\.used$/, ''))).mode & 0o777).toBe(0o700);
  }, 30_000);

  test.each([
    [{ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'linux', '/x/cache/mlp-tokens'],
    [{ HOME: '/home/u' }, 'linux', '/home/u/.cache/mlp-tokens'],
    [{ XDG_CACHE_HOME: 'relative/cache', HOME: '/home/u' }, 'linux', '/home/u/.cache/mlp-tokens'],
    [{ HOME: '/Users/u' }, 'darwin', '/Users/u/Library/Caches/mlp-tokens'],
    [{}, 'linux', undefined],
    [{ XDG_CACHE_HOME: 'relative' }, 'linux', undefined],
  ] as const)(
    'GIVEN %j on %s WHEN the cache directory is chosen THEN it is %s (never one in the shared temp dir)',
    (vars, platform, expected) => {
      expect(cacheRoot(vars, platform)).toBe(expected);
    },
  );
});

describe('code-cache poisoning (issue 10, item 1)', () => {
  let work: string;
  let real: string;
  let poisonedData: Buffer;
  let realDigest: string;
  const marker = (): string => path.join(work, 'marker');
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, MLP_TEST_MARKER: marker(), ...vars });

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-poison-'));
    real = copyPackage(path.join(work, 'real'));
    // What the attacker prepares: a cache built (by our own loader) from a changed bundle of the same length.
    const poisoned = copyPackage(path.join(work, 'poisoned'), true);
    const attackerCache = path.join(work, 'attacker-cache');
    const built = await startOnce(env({ XDG_CACHE_HOME: attackerCache }), { start: poisoned });
    expect(built.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(marker())).toBe(true); // the changed bundle does run its injected code
    fs.rmSync(marker());
    const [file] = filesUnder(path.join(attackerCache, 'mlp-tokens')).filter((f) => f.endsWith('.cache'));
    poisonedData = fs.readFileSync(path.join(attackerCache, 'mlp-tokens', file!)).subarray(HEADER_LENGTH);
    // The real bundle's key, as the attacker can compute it: the bundle ships in the package.
    const honest = path.join(work, 'honest-cache');
    await startOnce(env({ XDG_CACHE_HOME: honest }), { start: real });
    realDigest = /terraform-provider-mlp-([0-9a-f]{64})-/.exec(filesUnder(honest).find((f) => f.endsWith('.cache'))!)![1]!;
  }, 60_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  afterEach(() => {
    const ran = fs.existsSync(marker());
    fs.rmSync(marker(), { force: true });
    expect(ran).toBe(false);
  });

  /** Plants, under `root/mlp-tokens/0.1.0/`, the poisoned V8 data with a header that claims the real bundle, under the real bundle's file name. */
  function plant(root: string): string {
    const dir = path.join(root, '0.1.0');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `terraform-provider-mlp-${realDigest}-${process.version}-${process.arch}-start.cache`);
    fs.writeFileSync(file, Buffer.concat([cacheHeader(realDigest), poisonedData]));
    return file;
  }

  test('GIVEN a cache directory another user could write (mode 0777) holding a forged cache WHEN the real provider starts THEN the cache is not used, nothing is written there, and the provider serves', async () => {
    const home = path.join(work, 'shared-mode');
    const planted = plant(path.join(home, 'mlp-tokens'));
    fs.chmodSync(path.join(home, 'mlp-tokens'), 0o777);
    const before = filesUnder(home);

    const run = await startOnce(env({ XDG_CACHE_HOME: home }), { start: real });

    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(marker())).toBe(false);
    expect(filesUnder(home)).toEqual(before);
    expect(fs.readFileSync(planted).subarray(HEADER_LENGTH).equals(poisonedData)).toBe(true);
  }, 30_000);

  test('GIVEN the cache directory is a symbolic link to a forged cache directory WHEN the real provider starts THEN the cache is not used', async () => {
    const home = path.join(work, 'linked');
    fs.mkdirSync(home);
    const elsewhere = path.join(work, 'attacker-dir');
    plant(elsewhere);
    fs.chmodSync(elsewhere, 0o700);
    fs.chmodSync(path.join(elsewhere, '0.1.0'), 0o700);
    fs.symlinkSync(elsewhere, path.join(home, 'mlp-tokens'));

    const run = await startOnce(env({ XDG_CACHE_HOME: home }), { start: real });

    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(marker())).toBe(false);
  }, 30_000);

  test("GIVEN a cache built from a changed bundle of the same length, in our own private directory under the real bundle's name WHEN the real provider starts THEN V8 never gets it (its header names the other bundle)", async () => {
    const home = path.join(work, 'own');
    await startOnce(env({ XDG_CACHE_HOME: home }), { start: real });
    const [file] = filesUnder(path.join(home, 'mlp-tokens')).filter((f) => f.endsWith('.cache'));
    const target = path.join(home, 'mlp-tokens', file!);
    const attackerFile = filesUnder(path.join(work, 'attacker-cache', 'mlp-tokens')).find((f) => f.endsWith('.cache'))!;
    fs.copyFileSync(path.join(work, 'attacker-cache', 'mlp-tokens', attackerFile), target);

    const run = await startOnce(env({ XDG_CACHE_HOME: home }), { start: real });

    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(marker())).toBe(false);
    // Rejected, so rewritten from the real bundle at exit.
    expect(fs.readFileSync(target).subarray(0, HEADER_LENGTH).equals(cacheHeader(realDigest))).toBe(true);
  }, 30_000);

  test('GIVEN neither HOME nor XDG_CACHE_HOME WHEN the real provider starts THEN it serves with no cache, writing nothing in the temp dir', async () => {
    const tmp = fs.mkdtempSync(path.join(work, 'tmpdir-'));
    const sockets = fs.mkdtempSync(path.join(work, 'sockets-'));
    const { HOME: _home, XDG_CACHE_HOME: _xdg, ...rest } = process.env;
    const runEnv = { ...rest, TMPDIR: tmp, PLUGIN_UNIX_SOCKET_DIR: sockets, MLP_TEST_MARKER: marker() };

    const first = await startOnce(runEnv, { start: real });
    const second = await startOnce(runEnv, { start: real });

    expect(first.line).toMatch(/^1\|6\|unix\|/);
    expect(second.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(filesUnder(sockets)).toEqual([]);
  }, 30_000);
});

describe('the cache directory checks', () => {
  let dir: string;
  const uid = process.getuid!();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-cachedir-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a fresh base WHEN the cache directory is chosen THEN mlp-tokens and the version directory are made with mode 0700', () => {
    expect(cacheDirectory('0.1.0', { XDG_CACHE_HOME: dir }, 'linux', uid)).toBe(path.join(fs.realpathSync(dir), 'mlp-tokens', '0.1.0'));
    expect(fs.lstatSync(path.join(dir, 'mlp-tokens', '0.1.0')).mode & 0o7777).toBe(0o700);
  });

  test('GIVEN directories owned by another user WHEN the cache directory is chosen THEN there is none', () => {
    fs.mkdirSync(path.join(dir, 'mlp-tokens'), { mode: 0o700 });
    expect(privateDirectoryProblem(path.join(dir, 'mlp-tokens'), uid + 1)).toMatch(/belongs to uid/);
    expect(cacheDirectory('0.1.0', { XDG_CACHE_HOME: dir }, 'linux', uid + 1)).toBeUndefined();
  });

  test.each([
    ['a mode other than 0700', (p: string) => fs.mkdirSync(p, { mode: 0o755 }), /mode 755/],
    [
      'a symbolic link to a private directory',
      (p: string) => {
        fs.mkdirSync(`${p}-real`, { mode: 0o700 });
        fs.symlinkSync(`${p}-real`, p);
      },
      /symbolic link/,
    ],
    ['a file', (p: string) => fs.writeFileSync(p, ''), /not a directory/],
  ])('GIVEN mlp-tokens is %s WHEN the cache directory is chosen THEN there is none', (_what, make, problem) => {
    const root = path.join(dir, 'mlp-tokens');
    make(root);
    fs.chmodSync(dir, 0o700);
    expect(privateDirectoryProblem(root, uid)).toMatch(problem);
    expect(cacheDirectory('0.1.0', { XDG_CACHE_HOME: dir }, 'linux', uid)).toBeUndefined();
  });

  test('GIVEN a base another user can write (no sticky bit) WHEN the cache directory is chosen THEN there is none, and nothing is made in it', () => {
    fs.chmodSync(dir, 0o777);
    expect(ancestorsProblem(fs.realpathSync(dir), uid)).toMatch(/writable by others/);
    expect(cacheDirectory('0.1.0', { XDG_CACHE_HOME: dir }, 'linux', uid)).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('GIVEN a home another user can write and no ~/.cache yet WHEN the cache directory is chosen THEN there is none, and ~/.cache is not made', () => {
    fs.chmodSync(dir, 0o777);
    expect(cacheDirectory('0.1.0', { HOME: dir }, 'linux', uid)).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('GIVEN a sticky, world-writable base (like /tmp) WHEN the cache directory is chosen THEN our own 0700 directory in it is used', () => {
    fs.chmodSync(dir, 0o1777);
    expect(cacheDirectory('0.1.0', { XDG_CACHE_HOME: dir }, 'linux', uid)).toBe(path.join(fs.realpathSync(dir), 'mlp-tokens', '0.1.0'));
  });

  test("GIVEN a cache file that is a symbolic link, or has another bundle's header WHEN it is read THEN V8 gets nothing", () => {
    const digest = 'a'.repeat(64);
    const good = path.join(dir, 'good.cache');
    fs.writeFileSync(good, Buffer.concat([cacheHeader(digest), Buffer.from('v8 data')]), { mode: 0o600 });
    expect(readCache(good, digest, uid)?.toString()).toBe('v8 data');
    expect(readCache(good, 'b'.repeat(64), uid)).toBeUndefined();
    expect(readCache(good, digest, uid + 1)).toBeUndefined();
    fs.symlinkSync(good, path.join(dir, 'link.cache'));
    expect(readCache(path.join(dir, 'link.cache'), digest, uid)).toBeUndefined();
    fs.chmodSync(good, 0o666);
    expect(readCache(good, digest, uid)).toBeUndefined();
  });
});
