/**
 * The published tarball, as `npm run package` makes it (scripts/pack.js), without the network: what
 * it holds, what its package.json says, and that its public `.d.ts` files type-check with
 * `skipLibCheck: false` in a default `tsc --init` project without reaching zod's typings. The
 * install into freshly generated cdktf and cdktn projects, from the registry, is
 * `fresh-project.test.ts`.
 *
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
/** npm's lifecycle scripts that run on the installing user's machine. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack'];

let work: string;
let files: string[];
let unpacked: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-package-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const tarball = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'pack.js'), '--destination', work], {
    encoding: 'utf8',
    env,
  }).trim();
  files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  unpacked = path.join(work, 'project', 'node_modules', 'mlp-tokens');
  fs.mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1']);
}, 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('GIVEN npm run package WHEN the tarball is listed THEN it has LICENSE, the docs and the emulator README, and no source maps, TypeScript sources or lib/testing', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'package.json',
      'lib/emulator/README.md',
      'docs/api-contract.md',
      'docs/index.md',
      'dist/lib/index.d.ts',
    ]),
  );
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  expect(files.filter((f) => f.startsWith('dist/lib/testing/'))).toEqual([]);
  expect(files.filter((f) => f.startsWith('docs/api/'))).toEqual([]); // the TypeDoc output (npm run docs), when there is one
  expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  expect(fs.readFileSync(path.join(unpacked, 'LICENSE'), 'utf8')).toMatch(
    /^MIT License\n\nCopyright \(c\) \d{4} mlp-tokens contributors\n/,
  );
});

test('GIVEN the tarball WHEN its package.json is read THEN it has no install script (prepare stays in the repository) and the MIT license', () => {
  const published = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
  const repo = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(repo.scripts.prepare).toBeDefined();
  expect(INSTALL_SCRIPTS.filter((s) => published.scripts?.[s] !== undefined)).toEqual([]);
  expect(published.devDependencies).toBeUndefined();
  expect(published).toMatchObject({
    name: repo.name,
    version: repo.version,
    license: 'MIT',
    peerDependencies: repo.peerDependencies,
    dependencies: repo.dependencies,
  });
});

test('GIVEN a plain `npm pack` in the repository WHEN prepack runs THEN it refuses, naming `npm run package`', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  let message = '';
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'pack.js'), '--guard'], { cwd: ROOT, encoding: 'utf8', env, stdio: 'pipe' });
  } catch (error) {
    message = String((error as { stderr?: string }).stderr);
  }
  expect(message).toContain('npm run package');
});

test('GIVEN a default tsc --init project with skipLibCheck false WHEN it imports the three entries THEN it type-checks and never loads zod', () => {
  // The project's other packages are the repository's own (cdktf, constructs, @types/node, undici...).
  const modules = path.dirname(unpacked);
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === 'mlp-tokens' || entry.startsWith('.')) continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  const project = path.dirname(modules);
  const main = path.join(project, 'main.ts');
  fs.writeFileSync(
    main,
    [
      "import { MlpAccessToken, MlpProvider, parseDuration } from 'mlp-tokens';",
      "import { MlpClient, MlpForbiddenError, type TokenInfo } from 'mlp-tokens/client';",
      "import { startEmulator, type RunningEmulator } from 'mlp-tokens/emulator';",
      'export const used = [MlpAccessToken, MlpProvider, parseDuration, MlpClient, MlpForbiddenError, startEmulator];',
      'export type Used = [TokenInfo, RunningEmulator];',
      '',
    ].join('\n'),
  );
  // What `tsc --init` (TypeScript 5.9) writes, with skipLibCheck turned off.
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
    typeRoots: [path.join(modules, '@types')],
  };
  const program = ts.createProgram([main], options);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${path.relative(project, d.file.fileName)})` : ''));
  expect(diagnostics).toEqual([]);
  const loaded = program.getSourceFiles().map((f) => path.relative(project, f.fileName));
  expect(loaded.filter((f) => /node_modules\/zod\//.test(fs.realpathSync(path.join(project, f))))).toEqual([]);
  expect(loaded).toContain('node_modules/mlp-tokens/dist/lib/client/index.d.ts');
}, 60_000);
