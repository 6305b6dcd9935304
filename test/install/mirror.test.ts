import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../lib/cli/mlp-tokens';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../../lib/constants';
import { installProvider, launcherPath, packageHashV1, terraformPlatform, writeLockFile } from '../../lib/install/mirror';

const tfEnv = (dir: string) => {
  const rc = path.join(dir, 'terraformrc');
  if (!fs.existsSync(rc)) fs.writeFileSync(rc, '');
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1' };
};
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
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^#.*\n/gm, '').replace(/^\n+/, ''));
    writeLockFile(dir, 'h1:second=');
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith(`provider "${PROVIDER_SOURCE}"`)).toBe(true);
    expect(text.match(new RegExp(`provider "${PROVIDER_SOURCE}"`, 'g'))).toHaveLength(1);
    expect(text).toContain('h1:second=');
  });

  test('GIVEN `mlp-tokens mirror DIR --no-lock` THEN the implied mirror is laid out and no lock file is written', async () => {
    await buildProgram(() => undefined).parseAsync(['node', 'mlp-tokens', 'mirror', dir, '--no-lock']);
    expect(fs.existsSync(path.join(dir, 'terraform.d/plugins', PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform()))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.terraform.lock.hcl'))).toBe(false);
  });

  test('GIVEN two laid-out mirrors in different places THEN their hashes are equal (no machine-specific bytes)', () => {
    const a = installProvider(path.join(dir, 'a'));
    const b = installProvider(path.join(dir, 'b', 'deeper'));
    expect(a.hash).toBe(b.hash);
    expect(a.hash).toBe(packageHashV1(a.packageDir));
    expect(fs.realpathSync(a.executable)).toBe(fs.realpathSync(launcherPath()));
  });

  test('GIVEN `mlp-tokens mirror DIR --filesystem-mirror` THEN it lays out the mirror and prints both HCL blocks', async () => {
    const lines: string[] = [];
    await buildProgram((t) => lines.push(t)).parseAsync(['node', 'mlp-tokens', 'mirror', dir, '--filesystem-mirror']);
    const out = lines.join('\n');
    expect(fs.existsSync(path.join(dir, PROVIDER_SOURCE, PROVIDER_VERSION, terraformPlatform()))).toBe(true);
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

  test('GIVEN `mlp-tokens mirror DIR` THEN terraform init in DIR finds the provider', async () => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), requiredProviders);
    await buildProgram(() => undefined).parseAsync(['node', 'mlp-tokens', 'mirror', dir]);
    execFileSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: dir, env: tfEnv(dir), stdio: 'pipe' });
    expect(fs.existsSync(path.join(dir, '.terraform/providers', PROVIDER_SOURCE))).toBe(true);
  });
});
