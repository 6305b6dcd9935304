/**
 * Lays our provider out where Terraform finds it without any registry, and writes the lock-file
 * entry `terraform init` would write, so a first `init` (or `cdktf deploy`, which otherwise runs
 * `terraform providers lock` and fails offline) works with no manual step.
 *
 * Two layouts exist:
 * - the *implied local mirror* `<working dir>/terraform.d/plugins/<host>/<ns>/<type>/`, which
 *   Terraform searches by default;
 * - an explicit `filesystem_mirror` directory `<dir>/<host>/<ns>/<type>/`, for users whose CLI
 *   configuration has a `provider_installation` block (which switches the implied mirror off).
 *
 * Both hold the provider *packed*: `terraform-provider-mlp_<version>_<os>_<arch>.zip` with the
 * launcher and the code it runs (`./provider-package`). Terraform extracts an archive into
 * `.terraform/providers`, or into its plugin cache (`TF_PLUGIN_CACHE_DIR`, which cdktf sets), as real
 * files; an unpacked directory it would only link to, so every project sharing the cache would run
 * (and depend on) the files of whichever project filled it. The `h1:` hash recorded in the lock file
 * covers every file of the package, so it changes with the build.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../constants';
import { packageRoot, providerPackageFiles, providerPackageIdentity, type ProviderPackageOptions } from './provider-package';
import { zipArchive, type ZipEntry } from './zip';

/** Absolute path of the package's own launcher (`bin/terraform-provider-mlp`, for running the provider by hand). */
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
export interface MirrorOptions extends ProviderPackageOptions {
  /** Terraform platform directory name. @default - this machine's, e.g. `linux_amd64` */
  readonly platform?: string;
}

/** What a layout produced. */
export interface MirrorLayout {
  /** The provider package Terraform installs: a zip archive in the mirror. */
  readonly archive: string;
  /** Terraform's `h1:` hash of the package's contents (what the lock file records). */
  readonly hash: string;
}

/**
 * Lays the provider out as an implied local mirror under `workingDir/terraform.d/plugins`.
 * Idempotent: an existing entry is replaced.
 */
export function layoutProviderMirror(workingDir: string, options: MirrorOptions = {}): MirrorLayout {
  return layoutFilesystemMirror(path.join(workingDir, 'terraform.d', 'plugins'), options);
}

/** Lays the provider out in a `filesystem_mirror` directory (`<dir>/<host>/<ns>/<type>/<archive>.zip`). */
export function layoutFilesystemMirror(mirrorDir: string, options: MirrorOptions = {}): MirrorLayout {
  const platform = options.platform ?? terraformPlatform();
  const typeDir = path.join(mirrorDir, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE);
  const archive = path.join(typeDir, `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_${platform}.zip`);
  const packed = packedProvider(options);
  fs.mkdirSync(typeDir, { recursive: true });
  // An unpacked layout of this version and platform (what earlier versions laid out) would be a
  // second package for Terraform to choose from.
  fs.rmSync(path.join(typeDir, PROVIDER_VERSION, platform), { recursive: true, force: true });
  try {
    fs.rmdirSync(path.join(typeDir, PROVIDER_VERSION));
  } catch {
    // Not there, or holds other platforms.
  }
  // Written beside and renamed into place: a `terraform init` running now never reads half an archive.
  const tmp = `${archive}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, packed.archive);
  fs.renameSync(tmp, archive);
  return { archive, hash: packed.hash };
}

/**
 * The archive's bytes and hash, kept for the process while the files they come from stand: a synth
 * lays out one mirror per stack, and reading, hashing and zipping the 2 MiB bundle is most of a layout.
 */
let lastPacked: { readonly identity: string; readonly archive: Buffer; readonly hash: string } | undefined;
function packedProvider(options: ProviderPackageOptions): { readonly archive: Buffer; readonly hash: string } {
  const identity = providerPackageIdentity(options);
  if (identity !== undefined && lastPacked?.identity === identity) return lastPacked;
  const files = providerPackageFiles(options);
  const packed = { archive: zipArchive(files), hash: filesHashV1(files) };
  if (identity !== undefined) lastPacked = { identity, ...packed };
  return packed;
}

/**
 * Terraform's `h1:` package hash (Go's `dirhash.Hash1` over the directory): SHA-256 of the sorted
 * lines `"<sha256 hex of file>  <relative path>\n"`, base64. Symlinks are followed, as Go's `os.Open` does.
 */
export function packageHashV1(dir: string): string {
  return filesHashV1(listFiles(dir).map((name) => ({ name, data: fs.readFileSync(path.join(dir, name)) })));
}

/** The `h1:` hash of a package with these files (names relative, `/`-separated), as Terraform computes it once extracted. */
export function filesHashV1(files: readonly Pick<ZipEntry, 'name' | 'data'>[]): string {
  const summary = createHash('sha256');
  for (const { name, data } of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    summary.update(`${createHash('sha256').update(data).digest('hex')}  ${name}\n`);
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

const LOCK_FILE_HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

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
