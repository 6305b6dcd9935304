#!/usr/bin/env node
/**
 * Adds the platform-specific optional packages that npm could not resolve to package-lock.json.
 *
 * Why: the registry this project is built against does not serve every platform binding of
 * `unrs-resolver` (a jest 30 dependency); npm then leaves them out of the lock file, and `npm ci`
 * refuses the lock as "out of sync". Each entry added here carries the package's real `os`/`cpu`/`libc`
 * constraints, so `npm ci` accepts the lock and skips the binding on every other platform, exactly as it
 * does with a lock written against the public registry.
 *
 * Run after `npm install` changes the lock: `node scripts/lock-platform-bindings.js`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

/** `<os>-<cpu>[-<abi>]` binding suffix -> npm platform fields. */
function platformOf(suffix) {
  const [os, cpu, abi] = suffix.split('-');
  const fields = { cpu: [cpu], os: [os] };
  if (os === 'linux' && abi) fields.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return fields;
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key.endsWith('node_modules/unrs-resolver')) continue;
  const prefix = key.slice(0, -'unrs-resolver'.length);
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `${prefix}${name}`;
    if (lock.packages[target]) continue;
    const suffix = name.replace('@unrs/resolver-binding-', '');
    if (suffix.startsWith('wasm32')) continue;
    lock.packages[target] = { version, ...platformOf(suffix), dev: entry.dev, license: 'MIT', optional: true };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`lock-platform-bindings: added ${added} entr${added === 1 ? 'y' : 'ies'}\n`);
