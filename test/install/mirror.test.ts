import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../lib/cli/mlp-tokens';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../../lib/constants';
import { installProvider, launcherPath, packageHashV1, terraformPlatform, writeLockFile } from '../../lib/install/mirror';
import { builtCodeDir } from '../../lib/install/provider-package';
import { type HandshakeRun, runUntilHandshake } from '../support/handshake';

const tfEnv = (dir: string) => {
  const rc = path.join(dir, 'terraformrc');
  if (!fs.existsSync(rc)) fs.writeFileSync(rc, '');
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1' };
};
const ARCHIVE = `terraform-provider-mlp_${PROVIDER_VERSION}_${terraformPlatform()}.zip`;
const requiredProviders = JSON.stringify({
  terraform: { required_providers: { mlp: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } },
});

describe('provider mirror', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-mirror-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a laid-out mirror and lock file WHEN terraform init runs offline THEN it installs our provider and keeps the lock file as written', () => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    const { hash, lockFile } = installProvider(dir);
    const before = fs.readFileSync(lockFile, 'utf8');

    execFileSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });

    expect(fs.readFileSync(lockFile, 'utf8')).toBe(before);
    expect(before).toContain(hash);
    const installed = path.join(dir, '.terraform/providers', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
    expect(fs.existsSync(installed)).toBe(true);
  });

  test('GIVEN no lock file WHEN terraform init records the hash itself THEN it equals ours', () => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    const { hash } = installProvider(dir);
    fs.rmSync(path.join(dir, '.terraform.lock.hcl'));

    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });

    expect(fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toContain(`"${hash}"`);
  });

  test('GIVEN a lock file with another provider WHEN ours is written twice THEN the other block stays and ours appears once', () => {
    const other = '# header\n\nprovider "registry.terraform.io/hashicorp/null" {\n  version = "3.2.4"\n}\n';
    fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), other);
    writeLockFile(dir, 'h1:first=');
    const file = writeLockFile(dir, 'h1:second=');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('hashicorp/null');
    expect(text.match(new RegExp(`provider "${PROVIDER_SOURCE}"`, 'g'))).toHaveLength(1);
    expect(text).toContain('h1:second=');
    expect(text).not.toContain('h1:first=');
  });

  test('GIVEN a lock file that opens with our block (no header) WHEN ours is written again THEN it is replaced, not duplicated', () => {
    writeLockFile(dir, 'h1:first=');
    const file = path.join(dir, '.terraform.lock.hcl');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(/^#.*\n/gm, '')
        .replace(/^\n+/, ''),
    );
    writeLockFile(dir, 'h1:second=');
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`provider "${PROVIDER_SOURCE}"`)).toBe(true);
    expect(text.match(new RegExp(`provider "${PROVIDER_SOURCE}"`, 'g'))).toHaveLength(1);
    expect(text).toContain('h1:second=');
  });

  test('GIVEN an empty DIR WHEN `mlp-tokens mirror DIR --no-lock` runs THEN the implied mirror is laid out and no lock file is written', async () => {
    await buildProgram(() => undefined).parseAsync(['node', 'mlp-tokens', 'mirror', dir, '--no-lock']);
    expect(fs.existsSync(path.join(dir, 'terraform.d/plugins', PROVIDER_SOURCE, ARCHIVE))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.terraform.lock.hcl'))).toBe(false);
  });

  test('GIVEN two directories in different places WHEN a mirror is laid out in each THEN their hashes are equal (nothing in the package depends on where it is)', () => {
    const a = installProvider(path.join(dir, 'a'));
    const b = installProvider(path.join(dir, 'b', 'deeper'));
    expect(a.hash).toBe(b.hash);
    expect(a.archive.startsWith(path.join(dir, 'a'))).toBe(true);
    expect(fs.lstatSync(a.archive).isFile()).toBe(true);
  });

  test("GIVEN a laid-out mirror WHEN Terraform extracts it THEN the package holds the launcher, the loader and the bundle, and our hash is the extracted directory's", () => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    const { hash } = installProvider(dir);
    execFileSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });
    const installed = path.join(dir, '.terraform/providers', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
    expect(fs.readdirSync(installed, { recursive: true }).map(String).sort()).toEqual([
      'mlp-tokens',
      'mlp-tokens/progress.js',
      'mlp-tokens/start.js',
      'mlp-tokens/terraform-provider-mlp.js',
      `terraform-provider-mlp_v${PROVIDER_VERSION}`,
    ]);
    expect(packageHashV1(installed)).toBe(hash);
    expect(fs.statSync(path.join(installed, `terraform-provider-mlp_v${PROVIDER_VERSION}`)).mode & 0o111).toBe(0o111);
    const bundle = fs.readFileSync(path.join(builtCodeDir(), 'terraform-provider-mlp.js'));
    expect(fs.readFileSync(path.join(installed, 'mlp-tokens/terraform-provider-mlp.js')).equals(bundle)).toBe(true);
    const launcher = fs.readFileSync(path.join(installed, `terraform-provider-mlp_v${PROVIDER_VERSION}`), 'utf8');
    // Nothing machine-specific: another runner's Node.js lives elsewhere, and a saved plan's lock file must still match.
    expect(launcher).not.toContain(process.execPath);
    expect(launcher).toContain('node=${MLP_TOKENS_NODE:-node}\n');
    expect(launcher).toContain(createHash('sha256').update(bundle).digest('hex'));
  });

  test('GIVEN two builds of one version (the bundles differ) WHEN laid out THEN their hashes differ', () => {
    const otherBuild = path.join(dir, 'other-build');
    fs.cpSync(builtCodeDir(), otherBuild, { recursive: true });
    fs.appendFileSync(path.join(otherBuild, 'terraform-provider-mlp.js'), '// another build\n');
    const a = installProvider(path.join(dir, 'a'));
    const b = installProvider(path.join(dir, 'b'), { codeDir: otherBuild });
    expect(b.hash).not.toBe(a.hash);
  });

  test('GIVEN a mirror laid out unpacked (by an earlier version) WHEN laid out again THEN only the archive is left for Terraform to choose', () => {
    const unpacked = path.join(dir, 'terraform.d/plugins', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform());
    fs.mkdirSync(unpacked, { recursive: true });
    fs.symlinkSync(launcherPath(), path.join(unpacked, `terraform-provider-mlp_v${PROVIDER_VERSION}`));
    installProvider(dir);
    expect(fs.readdirSync(path.join(dir, 'terraform.d/plugins', PROVIDER_SOURCE))).toEqual([ARCHIVE]);
  });

  test('GIVEN an empty DIR WHEN `mlp-tokens mirror DIR --filesystem-mirror` runs THEN it lays out the mirror and prints both HCL blocks', async () => {
    const lines: string[] = [];
    await buildProgram((t) => lines.push(t)).parseAsync(['node', 'mlp-tokens', 'mirror', dir, '--filesystem-mirror']);
    const out = lines.join('\n');
    expect(fs.existsSync(path.join(dir, PROVIDER_SOURCE, ARCHIVE))).toBe(true);
    expect(out).toContain('filesystem_mirror');
    expect(out).toContain(`source  = "${PROVIDER_SOURCE}"`);
  });

  test('GIVEN a CLI config with an explicit provider_installation block WHEN init uses the printed filesystem_mirror THEN it finds the provider', async () => {
    const mirrorDir = path.join(dir, 'mirror');
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, 'main.tf.json'), requiredProviders);
    const lines: string[] = [];
    await buildProgram((t) => lines.push(t)).parseAsync(['node', 'mlp-tokens', 'mirror', mirrorDir, '--filesystem-mirror']);
    const block = lines.join('\n').match(/provider_installation \{[\s\S]*?\n\}/)![0];
    fs.writeFileSync(path.join(dir, 'terraformrc'), block);

    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: work, env: tfEnv(dir), stdio: 'pipe' });

    expect(fs.existsSync(path.join(work, '.terraform/providers', PROVIDER_SOURCE))).toBe(true);
  });

  test('GIVEN a DIR whose configuration requires the provider WHEN `mlp-tokens mirror DIR` runs THEN terraform init in DIR finds the provider', async () => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    await buildProgram(() => undefined).parseAsync(['node', 'mlp-tokens', 'mirror', dir]);
    execFileSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });
    expect(fs.existsSync(path.join(dir, '.terraform/providers', PROVIDER_SOURCE))).toBe(true);
  });
});

/** Runs a launcher as Terraform would until the handshake line; resolves with that line ('' when none) and the exit code. */
function handshake(launcher: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<HandshakeRun> {
  return runUntilHandshake(launcher, [], options);
}

describe('how the launchers find Node.js (issue 10, item 13)', () => {
  let dir: string;
  let cwd: string;
  let marker: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-launcher-'));
    cwd = path.join(dir, 'work');
    marker = path.join(dir, 'planted-node-ran');
    fs.mkdirSync(cwd);
    // What another user could leave in a working directory: `./node`, which would get MLP_TOKEN.
    fs.writeFileSync(path.join(cwd, 'node'), `#!/bin/sh\necho "$MLP_TOKEN" > '${marker}'\nexec '${process.execPath}' "$@"\n`, {
      mode: 0o755,
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const envWith = (PATH: string): NodeJS.ProcessEnv => ({
    ...process.env,
    PATH,
    MLP_TOKEN: 'planted-node-must-not-see-this',
    MLP_TOKENS_NODE: undefined,
  });
  const laidOutLauncher = (): string => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    installProvider(dir);
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });
    return path.join(
      dir,
      '.terraform/providers',
      PROVIDER_SOURCE,
      PROVIDER_VERSION,
      terraformPlatform(),
      `terraform-provider-mlp_v${PROVIDER_VERSION}`,
    );
  };

  test.each([
    ['an empty entry first', (p: string) => `:${p}`],
    ['an empty entry between two others', (p: string) => `/nonexistent::${p}`],
    ['a "." entry', (p: string) => `.:${p}`],
  ])(
    'GIVEN a PATH with %s and a planted ./node in the working directory WHEN the laid-out provider starts THEN node from an absolute PATH entry runs it, never ./node',
    async (_what, pathWith) => {
      const launcher = laidOutLauncher();
      const run = await handshake(launcher, { cwd, env: envWith(pathWith(process.env.PATH!)) });
      expect(run.line).toMatch(/^1\|6\|unix\|/);
      expect(fs.existsSync(marker)).toBe(false);
    },
  );

  test('GIVEN PATH has only an empty entry and relative ones WHEN the laid-out provider starts THEN it refuses, saying to set MLP_TOKENS_NODE, and ./node never runs', async () => {
    const launcher = laidOutLauncher();
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(launcher, [], { cwd, env: envWith(':.:bin'), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('set MLP_TOKENS_NODE');
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('GIVEN MLP_TOKENS_NODE WHEN the laid-out provider starts THEN that Node.js runs it', async () => {
    const launcher = laidOutLauncher();
    const chosen = path.join(dir, 'chosen-node');
    fs.writeFileSync(chosen, `#!/bin/sh\ntouch '${marker}.chosen'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    const run = await handshake(launcher, { cwd, env: { ...envWith(`:${process.env.PATH}`), MLP_TOKENS_NODE: chosen } });
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(`${marker}.chosen`)).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('GIVEN MLP_TOKENS_NODE=node (a bare name), a PATH with an empty entry and a planted ./node WHEN either launcher starts THEN node is looked up in absolute entries only', async () => {
    const env = { ...envWith(`:${path.dirname(process.execPath)}`), MLP_TOKENS_NODE: 'node' };
    for (const launcher of [laidOutLauncher(), launcherPath()]) {
      const run = await handshake(launcher, { cwd, env });
      expect(run.line).toMatch(/^1\|6\|unix\|/);
      expect(fs.existsSync(marker)).toBe(false);
    }
  });

  test("GIVEN a PATH with an empty entry and a planted ./node WHEN the package's own launcher (bin/) starts THEN it finds node in an absolute entry only", async () => {
    const run = await handshake(launcherPath(), { cwd, env: envWith(`:${path.dirname(process.execPath)}:${process.env.PATH}`) });
    expect(run.line).toMatch(/^1\|6\|unix\|/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
