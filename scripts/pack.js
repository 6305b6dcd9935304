#!/usr/bin/env node
/**
 * Packs the published tarball: `npm run package` (a clean build, then this script).
 *
 *   node scripts/pack.js [--destination DIR]   prints the tarball's path
 *   node scripts/pack.js --guard               (the `prepack` script) refuses a plain `npm pack` here
 *
 * The repository's package.json keeps `prepare` (so a fresh clone builds on `npm ci`), but a published
 * package must not: npm 11 lists `prepare`/`install`/`postinstall` as install scripts every user has
 * to approve, and ours only makes sense in a clone. So the files `npm pack` would take (the `files`
 * list, as npm itself reads it) are copied into a staging directory next to a package.json without
 * `scripts` and `devDependencies`, and that directory is packed. The repository is never modified.
 *
 * Source maps are left out even when an older build left some in dist/: the build emits none
 * (tsconfig.build.json), since the maps would point at `lib/*.ts` files that do not ship.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
/** npm's lifecycle scripts that run on the user's machine when the package is installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', env: withoutNpmConfig(process.env), stdio: ['ignore', 'pipe', 'inherit'] });
}

/** An outer `npm run` exports npm_config_* (dry-run, json...): the inner npm commands must not inherit them. */
function withoutNpmConfig(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

/** The package.json users get: no scripts (none of ours is useful outside the clone), no dev dependencies. */
function publishedManifest(manifest) {
  const { scripts: _scripts, devDependencies: _dev, ...published } = manifest;
  return published;
}

function guard() {
  const manifest = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
  const found = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s] !== undefined);
  if (found.length > 0) {
    process.stderr.write(
      `mlp-tokens: this package.json has install scripts (${found.join(', ')}) that must not be published. ` +
        'Pack with `npm run package` (it packs a copy without them), then `npm publish <tarball>`.\n',
    );
    process.exit(1);
  }
}

function pack(destination) {
  if (!fs.existsSync(path.join(root, 'dist', 'lib', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm run package` does)');
  const [listing] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-tokens-pack-'));
  try {
    for (const { path: file } of listing.files) {
      if (file === 'package.json' || file.endsWith('.map')) continue;
      const target = path.join(staging, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(root, file), target);
      fs.chmodSync(target, fs.statSync(path.join(root, file)).mode & 0o777);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
    fs.mkdirSync(destination, { recursive: true });
    const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', path.resolve(destination)], staging));
    return path.join(path.resolve(destination), packed.filename);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--guard') {
  guard();
} else {
  const at = args.indexOf('--destination');
  const destination = at >= 0 ? args[at + 1] : root;
  if (at >= 0 && !destination) throw new Error('--destination needs a directory');
  process.stdout.write(`${pack(destination)}\n`);
}
