/**
 * The layers (ARCHITECTURE.md): dependency-cruiser's rules in `.dependency-cruiser.cjs` hold for the
 * repository, each rule catches the import it exists for, and, what a static graph cannot show, the
 * provider reaches its handshake without loading zod, undici, cdktf or constructs (they are loaded
 * lazily, by `require()` inside the function that first needs them).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runUntilHandshake } from '../support/handshake';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
/** What `npm run lint:deps` cruises. */
const CRUISED = ['lib', 'test', 'bench', 'examples', 'tools', 'scripts'];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: readonly { readonly name: string }[];
}

/** Runs depcruise with our rules in `cwd` over `paths`; returns its violations (it exits non-zero when there are some). */
function cruise(cwd: string, paths: readonly string[]): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...paths], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    if (!e.stdout) throw new Error(`depcruise failed: ${e.stderr ?? String(error)}`, { cause: error });
    out = e.stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

function ruleNames(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is a CommonJS file, read as depcruise reads it
  return (require(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((r) => r.name);
}

describe('the layers, as dependency-cruiser checks them', () => {
  test('GIVEN the repository WHEN depcruise runs our rules over it THEN there is no violation', () => {
    const violations = cruise(ROOT, CRUISED);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  /**
   * One offending import per rule, in a scratch copy of the layout (lib/ and test/ beside a
   * tsconfig.json, node_modules linked to ours so packages resolve as they do here).
   */
  const OFFENCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    'no-cycles': {
      'lib/contract/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'lib/contract/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    },
    'emulator-and-constructs-not-client-or-provider': {
      'lib/client/index.ts': 'export const client = 1;\n',
      'lib/constructs/uses-client.ts': "import type { client } from '../client/index';\nexport type C = typeof client;\n",
      'lib/provider/server.ts': 'export const serve = 1;\n',
      'lib/emulator/uses-provider.ts': "import { serve } from '../provider/server';\nexport const s = serve;\n",
    },
    'install-and-seal-not-client-or-provider': {
      'lib/install/uses-client.ts': "import { client } from '../client/index';\nexport const c = client;\n",
    },
    'synth-time-packages': { 'lib/constructs/uses-undici.ts': "import { request } from 'undici';\nexport const r = request;\n" },
    'constructs-do-not-seal': {
      'lib/seal/seal.ts': 'export const sealValue = 1;\n',
      'lib/constructs/seals.ts':
        "export function s(): number {\n  return (require('../seal/seal') as { sealValue: number }).sealValue;\n}\n",
    },
    'constructs-private-stays-private': {
      'lib/constructs/private/validation.ts': 'export const literal = 1;\n',
      'lib/constructs/index.ts': "export { literal } from './private/validation';\n",
    },
    'provider-not-cdktf': { 'lib/provider/uses-cdktf.ts': "import { App } from 'cdktf';\nexport const app = App;\n" },
    'provider-core-not-loader': {
      'lib/provider/bundle/progress.ts': 'export const noteStage = 1;\n',
      'lib/provider/rpc.ts': "import { noteStage } from './bundle/progress';\nexport const n = noteStage;\n",
    },
    'contract-is-the-bottom-layer': {
      'lib/contract/uses-client.ts': "import { client } from '../client/index';\nexport const c = client;\n",
    },
    'contract-rules-without-zod': { 'lib/contract/duration.ts': "import { z } from 'zod';\nexport const d = z.string();\n" },
    'contract-packages': { 'lib/contract/routes.ts': "import { request } from 'undici';\nexport const r = request;\n" },
    'constants-is-a-leaf': { 'lib/constants.ts': "import { r } from './contract/routes';\nexport const c = r;\n" },
    'lib-not-tests': {
      'test/helpers.ts': 'export const h = 1;\n',
      'lib/emulator/uses-test.ts': "import { h } from '../../test/helpers';\nexport const x = h;\n",
    },
    'shipped-code-not-testing': {
      'lib/testing/terraform.ts': 'export const run = 1;\n',
      'lib/install/uses-testing.ts': "import { run } from '../testing/terraform';\nexport const r = run;\n",
    },
    'not-to-unresolvable': { 'lib/emulator/typo.ts': "import { x } from './no-such-module';\nexport const y = x;\n" },
  };
  /** The file whose import each rule must flag. */
  const OFFENDER: Readonly<Record<string, string>> = {
    'no-cycles': 'lib/contract/a.ts',
    'emulator-and-constructs-not-client-or-provider': 'lib/constructs/uses-client.ts',
    'install-and-seal-not-client-or-provider': 'lib/install/uses-client.ts',
    'synth-time-packages': 'lib/constructs/uses-undici.ts',
    'constructs-do-not-seal': 'lib/constructs/seals.ts',
    'constructs-private-stays-private': 'lib/constructs/index.ts',
    'provider-not-cdktf': 'lib/provider/uses-cdktf.ts',
    'provider-core-not-loader': 'lib/provider/rpc.ts',
    'contract-is-the-bottom-layer': 'lib/contract/uses-client.ts',
    'contract-rules-without-zod': 'lib/contract/duration.ts',
    'contract-packages': 'lib/contract/routes.ts',
    'constants-is-a-leaf': 'lib/constants.ts',
    'lib-not-tests': 'lib/emulator/uses-test.ts',
    'shipped-code-not-testing': 'lib/install/uses-testing.ts',
    'not-to-unresolvable': 'lib/emulator/typo.ts',
  };

  let scratch: string;
  let violations: Violation[];
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-layers-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(scratch, 'tsconfig.json'));
    for (const files of Object.values(OFFENCES)) {
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
        fs.writeFileSync(path.join(scratch, file), text);
      }
    }
    violations = cruise(scratch, ['lib', 'test']);
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('GIVEN every rule of the config WHEN the offences are listed THEN each rule has one (a new rule needs its offence here)', () => {
    expect(Object.keys(OFFENCES).sort()).toEqual(ruleNames().sort());
  });

  test.each(Object.keys(OFFENDER))('GIVEN an import that breaks %s WHEN depcruise runs THEN that rule flags it', (rule) => {
    expect(violations.filter((v) => v.rule.name === rule).map((v) => v.from)).toContain(OFFENDER[rule]);
  });

  test('GIVEN the offences WHEN depcruise runs THEN nothing else is flagged (each rule catches only its own case)', () => {
    const stray = violations.filter((v) => !Object.keys(OFFENCES[v.rule.name] ?? {}).includes(v.from));
    expect(stray.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});

describe('what the provider loads before its handshake', () => {
  test('GIVEN the built provider started as Terraform starts it WHEN it writes the handshake THEN no zod, undici, cdktf or constructs module is loaded', async () => {
    // The compiled entry, not the bundle: the bundle holds every module in one file, so only the
    // unbundled output shows, in require.cache, which packages a start loads (the bundle keeps the
    // same lazy requires: esbuild runs each module on its first require). `npm test` builds first.
    const main = path.join(ROOT, 'dist', 'lib', 'provider', 'main.js');
    expect(fs.existsSync(main)).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-handshake-'));
    try {
      const report = path.join(dir, 'loaded.json');
      const preload = path.join(dir, 'probe.js');
      fs.writeFileSync(
        preload,
        `'use strict';
const fs = require('node:fs');
const write = process.stdout.write.bind(process.stdout);
let done = false;
process.stdout.write = function (...args) {
  if (!done) { done = true; fs.writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache))); }
  return write(...args);
};
`,
      );
      const { line } = await runUntilHandshake(process.execPath, ['--require', preload, main], {
        env: { PATH: process.env.PATH ?? '', TMPDIR: dir },
      });
      expect(line).toMatch(/^1\|6\|unix\|/);
      const loaded = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
      const packages = new Set(
        loaded.map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1]).filter((p): p is string => p !== undefined),
      );
      // The gRPC server and its codecs are what a handshake needs; the check is that these are not.
      expect([...packages].filter((p) => ['zod', 'undici', 'cdktf', 'constructs', 'age-encryption'].includes(p))).toEqual([]);
      // And the probe saw a real start (the gRPC server loaded), not an empty cache.
      expect(packages.has('@grpc/grpc-js')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
