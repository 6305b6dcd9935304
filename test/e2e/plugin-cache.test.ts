/**
 * Terraform's shared plugin cache (`TF_PLUGIN_CACHE_DIR`, which cdktf sets by default) with two
 * projects, each with its own copy of the package (as two apps each have their own node_modules):
 * the cache must hold a provider that belongs to neither project, so deleting one leaves the other
 * working (issue 10, item 2). Real Terraform, the emulator, the provider laid out by each copy's own
 * `lib/install/mirror`.
 *
 * Needs `npm run build` first (the copies are bin/ and dist/lib/).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../../lib/constants';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { terraformPlatform } from '../../lib/install/mirror';
import { TerraformWorkdir, findSecrets } from '../../lib/testing/terraform';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A copy of the built package at `dir` (package.json, bin/, dist/lib/), as an app's
 * node_modules/mlp-tokens, with the one dependency the layout loads (fflate) beside it, as npm hoists it.
 */
function copyPackage(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(ROOT, 'node_modules', 'fflate'), path.join(path.dirname(dir), 'fflate'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist', 'lib'), path.join(dir, 'dist', 'lib'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map') && !src.endsWith('.d.ts'),
  });
  return dir;
}

/**
 * Lays the provider out in `project` with the copy's own code, in a process of its own, and returns
 * the hash: `installProvider` (mirror and lock file, as MlpProvider does), or with `lock: false`
 * `layoutProviderMirror` (as `mlp-tokens mirror --no-lock` does: `terraform init` writes the lock file).
 */
function layOut(pkg: string, project: string, lock = true): string {
  const call = lock ? 'installProvider' : 'layoutProviderMirror';
  const script = `const m = require(process.argv[1]); process.stdout.write(m.${call}(process.argv[2]).hash);`;
  return execFileSync(process.execPath, ['-e', script, path.join(pkg, 'dist', 'lib', 'install', 'mirror.js'), project], {
    encoding: 'utf8',
  });
}

function writeConfig(project: string, tokens: readonly string[]): void {
  const resource = Object.fromEntries(tokens.map((name) => [name.replace(/-/g, '_'), { name, role: 'user', ttl: '720h' }]));
  const config = {
    terraform: { required_providers: { [PROVIDER_TYPE]: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } },
    provider: { [PROVIDER_TYPE]: {} },
    resource: { mlp_access_token: resource },
  };
  fs.writeFileSync(path.join(project, 'main.tf.json'), JSON.stringify(config, null, 2));
}

/** Every file of the provider `project` runs, with links resolved. */
function installedFiles(project: string): string[] {
  const installed = fs.realpathSync(path.join(project, '.terraform', 'providers', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform()));
  return fs
    .readdirSync(installed, { recursive: true })
    .map((f) => fs.realpathSync(path.join(installed, String(f))))
    .filter((f) => fs.statSync(f).isFile());
}

describe('the provider in a plugin cache shared by two projects', () => {
  let work: string;
  let emulator: RunningEmulator;
  const transcripts: Record<string, string> = {};

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'provider', 'bundle', 'terraform-provider-mlp.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-plugin-cache-'));
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('GIVEN apps A and B with their own copies of mlp-tokens and one TF_PLUGIN_CACHE_DIR WHEN both init and apply, then B is deleted THEN A still plans and applies, running only files in the cache', async () => {
    const cache = path.join(work, 'plugin-cache');
    fs.mkdirSync(cache);
    const cliConfigFile = path.join(work, 'terraformrc');
    fs.writeFileSync(cliConfigFile, '');
    const workdir = (project: string): TerraformWorkdir =>
      new TerraformWorkdir(project, {
        cliConfigFile,
        env: { MLP_ENDPOINT: emulator.url, MLP_TOKEN: emulator.adminToken, TF_PLUGIN_CACHE_DIR: cache },
      });
    const [appA, appB] = ['a', 'b'].map((name) => path.join(work, `app-${name}`));
    const [pkgA, pkgB] = [appA, appB].map((app) => copyPackage(path.join(app, 'node_modules', 'mlp-tokens')));
    const [projectA, projectB] = [appA, appB].map((app) => path.join(app, 'stack'));
    fs.mkdirSync(projectA);
    fs.mkdirSync(projectB);
    writeConfig(projectA, ['cache-a']);
    writeConfig(projectB, ['cache-b']);
    const hashA = layOut(pkgA, projectA);
    const hashB = layOut(pkgB, projectB, false);
    // One build, one Node.js: the same package, wherever the copy is.
    expect(hashB).toBe(hashA);

    const a = workdir(projectA);
    const b = workdir(projectB);
    await a.run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
    await a.apply();
    // With no lock entry to check a cached package against, Terraform installs B's package into the
    // cache again: when the mirror was a link, that re-pointed A at B's node_modules.
    await b.init();
    await b.apply();
    expect(fs.readFileSync(path.join(projectB, '.terraform.lock.hcl'), 'utf8')).toContain(hashA);

    fs.rmSync(appB, { recursive: true, force: true });

    expect((await a.plan()).code).toBe(0);
    writeConfig(projectA, ['cache-a', 'cache-a2']);
    await a.apply();
    expect(
      emulator
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['cache-a', 'cache-a2', 'cache-b', 'emulator-admin']);
    // What A runs is the cache's own copy: real files, none in either app.
    const slot = path.join(cache, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
    expect(fs.lstatSync(slot).isDirectory()).toBe(true);
    const files = installedFiles(projectA);
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => !f.startsWith(`${fs.realpathSync(cache)}${path.sep}`))).toEqual([]);
    await a.destroy();
    expect(
      emulator
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['cache-b', 'emulator-admin']);

    transcripts.a = a.transcript();
    transcripts.b = b.transcript();
    expect(findSecrets(transcripts, [emulator.adminToken])).toEqual([]);
  });

  test("GIVEN two different builds of one version sharing the cache WHEN B inits after A THEN A stops with Terraform's checksum error, never running B's build, until its own init", async () => {
    const cache = path.join(work, 'plugin-cache-builds');
    fs.mkdirSync(cache);
    const cliConfigFile = path.join(work, 'terraformrc');
    fs.writeFileSync(cliConfigFile, '');
    const workdir = (project: string): TerraformWorkdir =>
      new TerraformWorkdir(project, {
        cliConfigFile,
        env: { MLP_ENDPOINT: emulator.url, MLP_TOKEN: emulator.adminToken, TF_PLUGIN_CACHE_DIR: cache },
      });
    const [appA, appB] = ['a', 'b'].map((name) => path.join(work, `builds-${name}`));
    const [pkgA, pkgB] = [appA, appB].map((app) => copyPackage(path.join(app, 'node_modules', 'mlp-tokens')));
    const bundleB = path.join(pkgB, 'dist', 'lib', 'provider', 'bundle', 'terraform-provider-mlp.js');
    fs.writeFileSync(bundleB, `// another build\n${fs.readFileSync(bundleB, 'latin1')}`, 'latin1');
    const [projectA, projectB] = [appA, appB].map((app) => path.join(app, 'stack'));
    fs.mkdirSync(projectA);
    fs.mkdirSync(projectB);
    writeConfig(projectA, ['build-a']);
    writeConfig(projectB, ['build-b']);
    expect(layOut(pkgB, projectB)).not.toBe(layOut(pkgA, projectA));
    const a = workdir(projectA);
    const b = workdir(projectB);

    await a.init();
    await a.apply();
    await b.init();
    await b.apply();

    const stale = await a.plan([], { check: false });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/does not match any of the checksums recorded in the dependency lock file/);
    await b.destroy();
    // A's own init puts its build back (and so B's next command would stop the same way).
    await a.init();
    expect((await a.plan()).code).toBe(0);
    await a.destroy();
    expect(emulator.tokens().filter((t) => t.name.startsWith('build-'))).toEqual([]);
    expect(findSecrets({ a: a.transcript(), b: b.transcript() }, [emulator.adminToken])).toEqual([]);
  });
});
