/**
 * A newcomer's first hour, for real: a project generated as `cdktf init --template=typescript` (cdktf
 * 0.21) and as `cdktn init --template=typescript` (CDK Terrain 0.24) generate it, with the versions
 * their templates install, then the packed mlp-tokens installed from its tarball the way the README's
 * "Start a new project" says (plain `npm install`, no `--legacy-peer-deps`), the README's `main.ts`
 * synthesized, everything type-checked with `skipLibCheck: false`, and the README's jest recipe (the
 * emulator in `globalSetup`, cdktf's `Testing` matchers, a plan, the client) run with the project's
 * own jest. The files come from the README's `// file:` blocks, so the documented recipe cannot rot.
 *
 * The templates are read from the CLIs themselves: cdktf-cli 0.21 is a dev dependency here; cdktn-cli
 * 0.24 (which needs Node 22 to run) is fetched with `npm pack`, only for its template files. Each
 * template's `.hooks.sscaff.js` names what it installs; this test installs the same. One exception:
 * cdktf's hook installs `typescript` unpinned, which now resolves to TypeScript 7, which has no
 * compiler API for its own ts-jest and ts-node to load; cdktn's hook pins `typescript@5.x`, and so
 * does this test for both.
 *
 * Needs `npm run build` first, and the npm registry (the shared npm cache keeps it to seconds).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from './support/process';
import { readmeFiles } from './support/readme';

const ROOT = path.resolve(__dirname, '..', '..');
const STEP_TIMEOUT_MS = 240_000;
const PROJECT = 'tokens';

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** The environment of a user's shell: none of the outer `npm test`'s npm_* settings, no MLP_* credentials. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|MLP_)/i.test(k) && k !== 'JEST_WORKER_ID' && k !== 'NODE_OPTIONS'),
  );
  return { ...env, CHECKPOINT_DISABLE: '1', CI: '1', ...extra };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return runProcess(command, args, { cwd, env, timeoutMs: STEP_TIMEOUT_MS }).then(({ code, output }) => ({ code, output }));
}

async function mustRun(what: string, command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0)
    throw new Error(`${what} (${command} ${args.join(' ')}) exited with ${result.code}:\n${result.output.slice(-6000)}`);
  return result;
}

const npmInstall = (args: readonly string[]) => ['install', '--no-audit', '--no-fund', '--prefer-offline', ...args];

/** The README's `npm install mlp-tokens ...` lines of "Start a new project": the first for cdktf, the second for cdktn. */
function readmeInstalls(): string[][] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Start a new project'), readme.indexOf('## Using it with CDKTF'));
  return [...section.matchAll(/^npm install (mlp-tokens.*)$/gm)].map((m) => m[1]!.trim().split(/\s+/));
}

interface Flavour {
  readonly name: 'cdktf' | 'cdktn';
  /** The npm spec the CLI's hook installs as `npm_cdktf` (its own version). */
  readonly core: string;
  /** The template folder (`<cli>/bundle/templates/typescript`). */
  template(work: string): Promise<string>;
}

const FLAVOURS: readonly Flavour[] = [
  {
    name: 'cdktf',
    core: 'cdktf@0.21.0',
    template: async () => path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript'),
  },
  {
    name: 'cdktn',
    core: 'cdktn@0.24.0',
    template: async (work) => {
      await mustRun(
        'npm pack cdktn-cli',
        'npm',
        ['pack', 'cdktn-cli@0.24.0', '--prefer-offline', '--pack-destination', work],
        work,
        userEnv(),
      );
      await mustRun('untar cdktn-cli', 'tar', ['xzf', 'cdktn-cli-0.24.0.tgz', 'package/bundle/templates/typescript'], work, userEnv());
      return path.join(work, 'package', 'bundle', 'templates', 'typescript');
    },
  },
];

/** Writes the template's files as the CLI's init does (sscaff: `{{ $base }}` and the like substituted, `{{}}.gitignore` -> `.gitignore`). */
function generate(template: string, dir: string): void {
  const substitute = (text: string) =>
    text
      .replace(/\{\{ \$base \}\}/g, PROJECT)
      .replace(/\{\{projectId\}\}/g, '00000000-0000-4000-8000-000000000000')
      .replace(/\{\{sendCrashReports\}\}/g, 'false')
      .replace(/\{\{futureFlags\}\}\n?/g, '');
  const copy = (from: string, to: string) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (entry.name === '.hooks.sscaff.js' || entry.name === 'help') continue;
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name.replace(/^\{\{\}\}/, ''));
      if (entry.isDirectory()) {
        fs.mkdirSync(target, { recursive: true });
        copy(source, target);
      } else {
        fs.writeFileSync(target, substitute(fs.readFileSync(source, 'utf8')));
      }
    }
  };
  copy(template, dir);
}

/** What the template's post hook installs: `[npm_cdktf, constructs@...]` and its dev dependencies. */
function hookInstalls(template: string, core: string): { deps: string[]; devDeps: string[] } {
  const hook = fs.readFileSync(path.join(template, '.hooks.sscaff.js'), 'utf8');
  const constructs = /installDeps\(\[npm_cdktf, `(constructs@[^`]+)`\]/.exec(hook);
  const dev = /installDeps\(\s*(\[[^\]]*\])\s*,\s*true/.exec(hook);
  if (!constructs || !dev) throw new Error(`the template's .hooks.sscaff.js changed; read it again:\n${hook}`);
  // TypeScript 7 has no compiler API (ts-jest, ts-node): pin 5.x as cdktn's hook does (see the file comment).
  const devDeps = (JSON.parse(dev[1]!) as string[]).map((d) => (d === 'typescript' ? 'typescript@5.x' : d));
  return { deps: [core, constructs[1]!], devDeps };
}

/** A generated project with its template's dependencies installed, not yet mlp-tokens. */
interface Generated {
  readonly work: string;
  readonly dir: string;
  readonly tarball: string;
}

/** A temp dir: cdktf's jest template ignores test paths matching the regex ".js", so none may contain "js". */
function tempDir(prefix: string): string {
  for (;;) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    if (!/.js/.test(dir)) return dir;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let packing: Promise<{ dir: string; tarball: string }> | undefined;
/** One tarball for both projects. */
function packed(): Promise<{ dir: string; tarball: string }> {
  packing ??= (async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    const dir = tempDir('mlp-fresh-tarball-');
    const run = await mustRun(
      'npm run package',
      process.execPath,
      [path.join(ROOT, 'scripts', 'pack.js'), '--destination', dir],
      ROOT,
      userEnv(),
    );
    return { dir, tarball: run.output.trim().split('\n').pop()! };
  })();
  return packing;
}

async function generateProject(flavour: Flavour): Promise<Generated> {
  const { tarball } = await packed();
  const work = tempDir(`mlp-fresh-${flavour.name}-`);
  const dir = path.join(work, PROJECT);
  fs.mkdirSync(dir);
  const template = await flavour.template(work);
  generate(template, dir);
  const { deps, devDeps } = hookInstalls(template, flavour.core);
  await mustRun('the template hook: npm install', 'npm', npmInstall(deps), dir, userEnv());
  await mustRun('the template hook: npm install -D', 'npm', npmInstall(['-D', ...devDeps]), dir, userEnv());
  return { work, dir, tarball };
}

// Both projects are generated at once (the installs wait on the network and the disk, not the CPU):
// the first flavour's beforeAll starts them all, each waits for its own.
let generating: Map<string, Promise<Generated>> | undefined;
const generated = (flavour: Flavour) => (generating ??= new Map(FLAVOURS.map((f) => [f.name, generateProject(f)]))).get(flavour.name)!;

afterAll(async () => {
  const all = [...(generating?.values() ?? [])].map((p) => p.catch(() => undefined));
  for (const project of await Promise.all(all)) if (project) fs.rmSync(project.work, { recursive: true, force: true });
  const tarball = await packing?.catch(() => undefined);
  if (tarball) fs.rmSync(tarball.dir, { recursive: true, force: true });
}, STEP_TIMEOUT_MS);

describe.each(FLAVOURS)('a freshly generated $name project', (flavour) => {
  let work: string;
  let dir: string;
  let tarball: string;
  const coreModule = flavour.name;

  beforeAll(async () => {
    ({ work, dir, tarball } = await generated(flavour));
  }, STEP_TIMEOUT_MS * 3);

  test(
    "GIVEN the generated project WHEN mlp-tokens is installed as the README says (no --legacy-peer-deps) THEN npm accepts the project's constructs and cdktf",
    async () => {
      const installs = readmeInstalls();
      expect(installs).toHaveLength(2);
      const specs = installs[flavour.name === 'cdktf' ? 0 : 1]!.map((spec) => (spec === 'mlp-tokens' ? tarball : spec));
      const generated = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      await mustRun('npm install mlp-tokens', 'npm', npmInstall(specs), dir, userEnv());

      const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'));
      expect(installed('mlp-tokens').version).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
      // The generated project's own constructs and core stay as its template chose them.
      const after = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(after.dependencies.constructs).toBe(generated.dependencies.constructs);
      expect(after.dependencies[coreModule]).toBe(generated.dependencies[coreModule]);
      expect(installed('cdktf').name).toBe(coreModule);
      expect(fs.existsSync(path.join(dir, 'node_modules', 'mlp-tokens', 'dist', 'lib', 'testing'))).toBe(false);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    "GIVEN the README's main.ts and jest recipe WHEN synthesized, type-checked with skipLibCheck false, and tested with the project's jest THEN all of it passes",
    async () => {
      const files = readmeFiles();
      const forFlavour = (text: string) =>
        coreModule === 'cdktn' ? text.replace(/'cdktf'/g, "'cdktn'").replace(/'cdktf\/lib\//g, "'cdktn/lib/") : text;
      for (const name of ['main.ts', 'jest.global-setup.ts', 'jest.global-teardown.ts', '__tests__/tokens-test.ts']) {
        const text = files.get(name);
        if (text === undefined) throw new Error(`README.md has no "// file: ${name}" block`);
        fs.writeFileSync(path.join(dir, name), forFlavour(text));
      }
      const jestConfig = path.join(dir, 'jest.config.js');
      const lines = files.get('jest.config.js');
      if (lines === undefined) throw new Error('README.md has no "// file: jest.config.js" block');
      fs.writeFileSync(jestConfig, fs.readFileSync(jestConfig, 'utf8').replace('module.exports = {\n', `module.exports = {\n${lines}`));
      const tsconfig = path.join(dir, 'tsconfig.json');
      const withLibCheck = fs.readFileSync(tsconfig, 'utf8').replace('"skipLibCheck": true', '"skipLibCheck": false');
      expect(withLibCheck).toContain('"skipLibCheck": false');
      fs.writeFileSync(tsconfig, withLibCheck);
      const tfrc = path.join(work, 'terraformrc');
      fs.writeFileSync(tfrc, '');
      const env = userEnv({ TF_CLI_CONFIG_FILE: tfrc });

      // synth: what `cdktf synth` runs, the cdktf.json's app command
      const app = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).app as string;
      await mustRun('synth', 'sh', ['-c', app], dir, env);
      const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', PROJECT, 'cdk.tf.json'), 'utf8'));
      expect(stack.resource.mlp_access_token.ci).toMatchObject({ name: 'ci-pipeline', ttl: '720h' });
      expect(stack.output.ci_value).toMatchObject({ sensitive: true });

      // type-check: every .ts of the project, and every .d.ts it reaches, zod's and ours included
      await mustRun('tsc --noEmit (skipLibCheck: false)', 'npx', ['--no-install', 'tsc', '--noEmit', '-p', 'tsconfig.json'], dir, env);

      // the project's jest, with the README's globalSetup
      const report = path.join(work, 'jest-report.json');
      const jest = await run('npx', ['--no-install', 'jest', '--ci', '--json', `--outputFile=${report}`], dir, env);
      if (jest.code !== 0) throw new Error(`the project's jest exited with ${jest.code}:\n${jest.output.slice(-6000)}`);
      const results = JSON.parse(fs.readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
      };
      const passed = results.testResults
        .flatMap((r) => r.assertionResults)
        .filter((a) => a.status === 'passed')
        .map((a) => a.title);
      expect(passed).toEqual(
        expect.arrayContaining(['declares the CI token', 'plans against the emulator', 'reaches the emulator the global setup started']),
      );
      expect(results.numFailedTests).toBe(0);
    },
    STEP_TIMEOUT_MS * 2,
  );
});
