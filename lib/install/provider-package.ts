/**
 * The files of the provider package a mirror holds: everything that runs, so the package works on
 * its own wherever Terraform puts it (its plugin cache is shared by every project of the user, and
 * outlives the project that filled it), and so the `h1:` hash Terraform records covers the code:
 *
 *   terraform-provider-mlp_v<version>        the launcher (sh), naming the bundle's SHA-256
 *   mlp-tokens/start.js, progress.js         the loader (`lib/provider/bundle/start.ts`)
 *   mlp-tokens/terraform-provider-mlp.js     the provider bundle (`scripts/bundle-provider.js`)
 *
 * The hash is the same for every copy of one build, on every machine, and differs for two builds
 * (the bundle differs, and the launcher names its SHA-256 too). Nothing machine-specific goes in:
 * a saved plan carries the lock file to another CI runner, whose Node.js may live elsewhere, and
 * its `terraform apply` refuses a provider whose hash differs from the plan's.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_VERSION, PROVIDER_BINARY_NAME } from '../constants';
import type { ZipEntry } from './zip';

/** The directory inside the package that holds the code the launcher runs. */
export const CODE_DIR = 'mlp-tokens';
/** The loader and the bundle, as built into `dist/lib/provider/bundle/`. */
const CODE_FILES = ['start.js', 'progress.js', 'terraform-provider-mlp.js'] as const;
const BUNDLE_FILE = 'terraform-provider-mlp.js';

/** The package root: `lib/install` in sources, `dist/lib/install` when compiled. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the mlp-tokens package root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Where the built loader and bundle are: `dist/lib/provider/bundle` of the package. */
export function builtCodeDir(): string {
  return path.join(packageRoot(), 'dist', 'lib', 'provider', 'bundle');
}

export interface ProviderPackageOptions {
  /** A file to use as the executable instead of the generated launcher (tests, benchmarks: a wrapper). */
  readonly launcher?: string;
  /** Where the built loader and bundle are. @default - {@link builtCodeDir} */
  readonly codeDir?: string;
}

/**
 * What the package's contents depend on, to tell whether files read earlier in this process still
 * stand (a rebuild replaces the bundle: another inode, size or time); undefined when a file is missing.
 */
export function providerPackageIdentity(options: ProviderPackageOptions = {}): string | undefined {
  const codeDir = options.codeDir ?? builtCodeDir();
  const files = [...CODE_FILES.map((name) => path.join(codeDir, name)), ...(options.launcher ? [options.launcher] : [])];
  try {
    const stats = files.map((file) => {
      const stat = fs.statSync(file);
      return [file, stat.ino, stat.size, stat.mtimeMs];
    });
    return JSON.stringify([options.launcher ?? null, stats]);
  } catch {
    return undefined;
  }
}

/** The package's files, in archive order. Throws when the bundle is not built. */
export function providerPackageFiles(options: ProviderPackageOptions = {}): ZipEntry[] {
  const codeDir = options.codeDir ?? builtCodeDir();
  const code = CODE_FILES.map((name) => {
    const file = path.join(codeDir, name);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: build mlp-tokens first (\`npm run build\` builds the provider bundle)`);
    return { name: `${CODE_DIR}/${name}`, data: fs.readFileSync(file), mode: 0o644 };
  });
  const bundle = code.find((entry) => entry.name.endsWith(`/${BUNDLE_FILE}`))!;
  const buildId = createHash('sha256').update(bundle.data).digest('hex');
  const launcher = options.launcher ? fs.readFileSync(options.launcher) : Buffer.from(launcherScript(buildId));
  return [{ name: PROVIDER_BINARY_NAME, data: launcher, mode: 0o755 }, ...code];
}

/**
 * The launcher: runs `mlp-tokens/start.js` beside it (links resolved: Terraform runs it through
 * `.terraform/providers` and the plugin cache) with `MLP_TOKENS_NODE`, else the first `node` in an
 * *absolute* `PATH` entry. An empty or relative entry would find `./node` in Terraform's working
 * directory and hand it `MLP_TOKEN`; a bare name in `MLP_TOKENS_NODE` (`node22`) is looked up the
 * same way. No Node.js path is recorded: it would make the hash differ from machine to machine.
 */
export function launcherScript(buildId: string): string {
  return [
    '#!/bin/sh',
    `# The mlp Terraform provider: mlp-tokens ${PACKAGE_VERSION}, bundle sha256 ${buildId}.`,
    "# Laid out by mlp-tokens (`mlp-tokens mirror`, or MlpProvider at synth); the lock file's h1: hash covers",
    `# this file and the code in ${CODE_DIR}/. Node.js: MLP_TOKENS_NODE, else the first node in an absolute`,
    '# PATH entry (never the working directory).',
    'node=${MLP_TOKENS_NODE:-node}',
    ...RESOLVE_BARE_NODE_NAME,
    'here=$(dirname "$(readlink -f "$0")")',
    `exec "$node" "$here/${CODE_DIR}/start.js" "$@"`,
    '',
  ].join('\n');
}

/**
 * sh, shared with `bin/terraform-provider-mlp`: a bare name in `node` becomes the first executable of
 * that name in an absolute PATH entry (exit 127 saying so when there is none); a path stays as given.
 */
export const RESOLVE_BARE_NODE_NAME = [
  'case $node in */*) ;; *)',
  '  name=$node; node=; saved_ifs=$IFS; IFS=:; set -f',
  '  for dir in $PATH; do',
  '    case $dir in /*) if [ -f "$dir/$name" ] && [ -x "$dir/$name" ]; then node=$dir/$name; break; fi ;; esac',
  '  done',
  '  IFS=$saved_ifs; set +f',
  '  if [ -z "$node" ]; then echo "terraform-provider-mlp: no $name in an absolute PATH entry; set MLP_TOKENS_NODE to the Node.js to run" >&2; exit 127; fi ;;',
  'esac',
];
