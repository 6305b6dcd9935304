/**
 * Lays our provider out where Terraform finds it without any registry, and writes the lock-file
 * entry `terraform init` would write, so a first `init` (or `cdktf deploy`, which otherwise runs
 * `terraform providers lock` and fails offline) works with no manual step.
 *
 * Two layouts exist:
 * - the *implied local mirror* `<working dir>/terraform.d/plugins/<host>/<ns>/<type>/<version>/<os>_<arch>/`,
 *   which Terraform searches by default;
 * - an explicit `filesystem_mirror` directory `<dir>/<host>/<ns>/<type>/<version>/<os>_<arch>/`, for users
 *   whose CLI configuration has a `provider_installation` block (which switches the implied mirror off).
 *
 * The executable in the mirror is a symlink to the package's launcher (`bin/terraform-provider-mlp`),
 * whose content is identical on every machine, so the recorded hash is too.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  PROVIDER_BINARY_NAME,
  PROVIDER_HOSTNAME,
  PROVIDER_NAMESPACE,
  PROVIDER_SOURCE,
  PROVIDER_TYPE,
  PROVIDER_VERSION,
} from '../constants';

/** The package root: `lib/install` in sources, `dist/lib/install` when compiled. */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the mlp-tokens package root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Absolute path of the launcher Terraform runs. */
export function launcherPath(): string {
  return path.join(packageRoot(), 'bin', 'terraform-provider-mlp');
}

/** Terraform's name for this machine's platform, e.g. `linux_amd64`. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[arch] ?? arch;
  return `${os}_${cpu}`;
}

/** Options shared by the layout functions. */
export interface MirrorOptions {
  /** Terraform platform directory name. @default - this machine's, e.g. `linux_amd64` */
  readonly platform?: string;
  /** The executable the mirror points at. @default - the package's launcher */
  readonly launcher?: string;
}

/** What a layout produced. */
export interface MirrorLayout {
  /** The directory holding the executable (the provider "package" whose hash the lock file records). */
  readonly packageDir: string;
  /** The executable's path inside the mirror. */
  readonly executable: string;
  /** Terraform's `h1:` hash of the package directory. */
  readonly hash: string;
}

/**
 * Lays the provider out as an implied local mirror under `workingDir/terraform.d/plugins`.
 * Idempotent: an existing entry is replaced.
 */
export function layoutProviderMirror(workingDir: string, options: MirrorOptions = {}): MirrorLayout {
  return layoutFilesystemMirror(path.join(workingDir, 'terraform.d', 'plugins'), options);
}

/** Lays the provider out in a `filesystem_mirror` directory (`<dir>/<host>/<ns>/<type>/<version>/<platform>/`). */
export function layoutFilesystemMirror(mirrorDir: string, options: MirrorOptions = {}): MirrorLayout {
  const platform = options.platform ?? terraformPlatform();
  const launcher = options.launcher ?? launcherPath();
  const packageDir = path.join(mirrorDir, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION, platform);
  const executable = path.join(packageDir, PROVIDER_BINARY_NAME);
  fs.mkdirSync(packageDir, { recursive: true });
  fs.rmSync(executable, { force: true });
  // Relative, so moving the project tree (node_modules included) keeps the mirror working.
  fs.symlinkSync(path.relative(packageDir, launcher), executable);
  return { packageDir, executable, hash: packageHashV1(packageDir) };
}

/**
 * Terraform's `h1:` package hash (Go's `dirhash.Hash1` over the directory): SHA-256 of the sorted
 * lines `"<sha256 hex of file>  <relative path>\n"`, base64. Symlinks are followed, as Go's `os.Open` does.
 */
export function packageHashV1(dir: string): string {
  const files = listFiles(dir).sort();
  const summary = createHash('sha256');
  for (const rel of files) {
    const fileHash = createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex');
    summary.update(`${fileHash}  ${rel}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** The lock-file block for our provider, as `terraform init` writes it. */
export function lockFileBlock(hash: string): string {
  return [
    `provider "${PROVIDER_SOURCE}" {`,
    `  version     = "${PROVIDER_VERSION}"`,
    `  constraints = "${PROVIDER_VERSION}"`,
    `  hashes = [`,
    `    "${hash}",`,
    `  ]`,
    `}`,
    '',
  ].join('\n');
}

const LOCK_FILE_HEADER =
  '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

/**
 * Writes (or updates) `workingDir/.terraform.lock.hcl` so it records our provider with `hash`,
 * keeping every other provider's block as it was.
 */
export function writeLockFile(workingDir: string, hash: string): string {
  const file = path.join(workingDir, '.terraform.lock.hcl');
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : LOCK_FILE_HEADER;
  // Our block may open the file (a lock file written without the header), hence `^` as well as `\n`.
  const blockPattern = new RegExp(`(^|\\n)provider "${PROVIDER_SOURCE.replace(/[.]/g, '\\.')}" \\{[\\s\\S]*?\\n\\}\\n`);
  const updated = blockPattern.test(existing)
    ? existing.replace(blockPattern, (_match, lead: string) => `${lead}${lockFileBlock(hash)}`)
    : `${existing.replace(/\n*$/, '\n')}\n${lockFileBlock(hash)}`;
  if (updated !== existing) fs.writeFileSync(file, updated);
  return file;
}

/** Lays out the implied local mirror in `workingDir` and records it in the lock file: everything `init` needs. */
export function installProvider(workingDir: string, options: MirrorOptions = {}): MirrorLayout & { readonly lockFile: string } {
  const layout = layoutProviderMirror(workingDir, options);
  return { ...layout, lockFile: writeLockFile(workingDir, layout.hash) };
}

/** The `required_providers` block a plain-Terraform (HCL) user pastes. */
export function requiredProvidersHcl(): string {
  return [
    'terraform {',
    '  required_providers {',
    `    ${PROVIDER_TYPE} = {`,
    `      source  = "${PROVIDER_SOURCE}"`,
    `      version = "${PROVIDER_VERSION}"`,
    '    }',
    '  }',
    '}',
  ].join('\n');
}

/** The CLI-configuration block for users with an explicit `provider_installation` block. */
export function providerInstallationHcl(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(path.resolve(mirrorDir))}`,
    `    include = ["${PROVIDER_HOSTNAME}/${PROVIDER_NAMESPACE}/*"]`,
    '  }',
    '  direct {',
    `    exclude = ["${PROVIDER_HOSTNAME}/${PROVIDER_NAMESPACE}/*"]`,
    '  }',
    '}',
  ].join('\n');
}
