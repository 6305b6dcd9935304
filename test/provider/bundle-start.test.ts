import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheRoot } from '../../lib/provider/bundle/start';
import { createServerCertificate } from '../../lib/provider/cert';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../lib/provider/server';

// The built loader, as the launcher runs it (`npm test` builds first).
const START = path.join(__dirname, '../../dist/lib/provider/bundle/start.js');

/** Starts the loader like Terraform would, waits for the handshake line, then SIGTERM; resolves at exit. */
function startOnce(cacheHome: string, nodeArgs: string[] = []): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, START], {
      env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', PLUGIN_CLIENT_CERT: createServerCertificate().certPem, XDG_CACHE_HOME: cacheHome },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ line: out.split('\n')[0]!, code }));
  });
}

describe('the provider loader (bundle + V8 code cache)', () => {
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-cache-'));
  afterAll(() => fs.rmSync(cacheHome, { recursive: true, force: true }));
  const caches = (): string[] => {
    const dir = path.join(cacheHome, 'mlp-tokens');
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.cache')) : [];
  };

  test('GIVEN no cache WHEN the provider starts twice THEN the first start writes one and the second serves with it', async () => {
    const first = await startOnce(cacheHome);
    expect(first.line).toMatch(/^1\|6\|unix\|.+\|grpc\|/);
    expect(first.code).toBe(0);
    expect(caches()).toEqual([expect.stringMatching(/terraform-provider-mlp-[0-9a-f]+-v\d+\.\d+\.\d+-\w+-start\.cache$/)]);

    const second = await startOnce(cacheHome);
    expect(second.line).toMatch(/^1\|6\|unix\|/);
    expect(caches()).toHaveLength(1);
  }, 30_000);

  test('GIVEN a cache that V8 rejects (a corrupt file) WHEN the provider starts THEN it still serves, and rewrites the cache', async () => {
    const [file] = caches();
    fs.writeFileSync(path.join(cacheHome, 'mlp-tokens', file!), 'not a code cache');
    const run = await startOnce(cacheHome);
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.statSync(path.join(cacheHome, 'mlp-tokens', file!)).size).toBeGreaterThan(10_000);
  }, 30_000);

  test('GIVEN node flags WHEN the provider starts THEN their cache is a separate file (V8 rejects caches made under other flags)', async () => {
    await startOnce(cacheHome, ['--stack-size=2000']);
    expect(caches()).toHaveLength(2);
  }, 30_000);

  test('GIVEN Node >= 22.1 (module.enableCompileCache) WHEN the provider starts THEN it loads the bundle through Node\'s own cache', async () => {
    const preload = path.join(cacheHome, 'fake-compile-cache.js');
    fs.writeFileSync(preload, "require('node:module').enableCompileCache = (dir) => { require('node:fs').writeFileSync(dir + '.used', ''); };\n");
    const run = await startOnce(cacheHome, ['--require', preload]);
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(path.join(cacheHome, 'mlp-tokens.used'))).toBe(true);
  }, 30_000);

  test.each([
    [{ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'linux', '/x/cache/mlp-tokens'],
    [{ HOME: '/home/u' }, 'linux', '/home/u/.cache/mlp-tokens'],
    [{ HOME: '/Users/u' }, 'darwin', '/Users/u/Library/Caches/mlp-tokens'],
  ] as const)('GIVEN %j on %s WHEN the cache directory is chosen THEN it is %s', (env, platform, expected) => {
    expect(cacheRoot(env, platform)).toBe(expected);
  });
});
