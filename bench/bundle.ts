/**
 * A prototype, for measurement only: the provider entry bundled with esbuild into one file
 * (bench/.work/bundle/main.js), to see what bundling would gain at start-up. The provider itself is
 * not changed. Needs the `esbuild` dev dependency; without it P1 simply has no bundle row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROVIDER_MAIN, WORK } from './lib/env';

export async function buildBundle(): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (npm install --save-dev esbuild)');
  }
  const outdir = path.join(WORK, 'bundle');
  fs.mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, 'main.js');
  await esbuild.build({
    entryPoints: [PROVIDER_MAIN],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    sourcemap: false,
    logLevel: 'error',
  });
  return outfile;
}
