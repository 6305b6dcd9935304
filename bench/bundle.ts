/**
 * Prototypes, for measurement only (the provider itself is not changed):
 * - the provider entry bundled with esbuild into one file (bench/.work/bundle/main.js);
 * - the same bundle loaded through a tiny loader that keeps V8's code cache beside it
 *   (main-cached.js + main.js.cache), the Node 20 equivalent of Node 22's module.enableCompileCache().
 * Needs the `esbuild` dev dependency; without it P1 simply has no bundle rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pluginEnv } from './lib/cert';
import { PROVIDER_MAIN, WORK } from './lib/env';
import { timeToFirstLine } from './lib/proc';

export interface Bundle {
  /** The bundled entry. */
  readonly main: string;
  /** A loader that runs `main` with V8's code cache (built once here). */
  readonly cached: string;
}

const LOADER = `'use strict';
// Runs main.js with V8's code cache kept in main.js.cache (written at exit when missing or rejected).
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const file = path.join(__dirname, 'main.js');
const cacheFile = file + '.cache';
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData, importModuleDynamically: undefined });
if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => { try { fs.writeFileSync(cacheFile, script.createCachedData()); } catch {} });
}
const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(__dirname);
require.main = m;
script.runInThisContext()(m.exports, (id) => m.require(id), m, file, __dirname);
`;

export async function buildBundle(): Promise<Bundle> {
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (npm install --save-dev esbuild)');
  }
  const outdir = path.join(WORK, 'bundle');
  fs.mkdirSync(outdir, { recursive: true });
  const main = path.join(outdir, 'main.js');
  await esbuild.build({
    entryPoints: [PROVIDER_MAIN],
    outfile: main,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    logLevel: 'error',
  });
  const cached = path.join(outdir, 'main-cached.js');
  fs.writeFileSync(cached, LOADER);
  // One run with the provider loaded (the handshake, then a moment for the lazy provider load)
  // writes a cache that covers the functions compiled by then.
  const socketDir = path.join(WORK, 'p1-sockets');
  fs.mkdirSync(socketDir, { recursive: true });
  await timeToFirstLine('node', [cached], pluginEnv(socketDir), 20_000, 500);
  if (!fs.existsSync(`${main}.cache`)) throw new Error('the code-cache loader wrote no cache');
  return { main, cached };
}
