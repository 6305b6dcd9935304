#!/usr/bin/env node
/**
 * Build step (after `tsc`): bundles the compiled provider entry `dist/lib/provider/main.js` and every
 * package it reaches into one file, `dist/lib/provider/bundle/terraform-provider-mlp.js`, which the
 * launcher runs through `dist/lib/provider/bundle/start.js` with V8's code cache.
 *
 * One file instead of ~200 modules saves the module resolution and file reads of each start, and it
 * is what makes a code cache cheap to keep (one script, one cache). The modules the compiled entry
 * loads on demand (`require()` inside a function) stay on demand: esbuild wraps each module in a
 * function that runs on its first `require`.
 *
 * The last line records the package version and a hash of the bundle (`//# mlp-tokens-build ...`):
 * the loader names its cache after them, because V8 checks a cache against the source's length only.
 *
 * esbuild is a dev dependency: the bundle is built here and ships in dist/.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'lib', 'provider', 'main.js');
const outfile = path.join(root, 'dist', 'lib', 'provider', 'bundle', 'terraform-provider-mlp.js');

async function main() {
  const esbuild = require('esbuild');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Whitespace and syntax only: names stay readable in stack traces and logs.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // ASCII only (the default, stated): the loader reads the file as latin1, which needs no decoding.
    charset: 'ascii',
    write: false,
    logLevel: 'error',
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
  // Written beside and renamed into place, so a provider starting during a build never reads half a file.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([code, Buffer.from(`//# mlp-tokens-build ${version} ${hash}\n`)]));
  fs.renameSync(tmp, outfile);
}

main().catch((error) => {
  process.stderr.write(`bundle-provider: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
