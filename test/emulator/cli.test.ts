/**
 * The `mlp-emulator` executable, spawned as users run it: `node bin/mlp-emulator.js`.
 *
 * It runs the built JavaScript. When `dist/` is missing or older than the sources (jest was run
 * without `npm run build`), the emulator's modules are transpiled into a scratch copy of the
 * bin/dist layout first, so the test always exercises the current code through the real bin file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { PATHS } from '../../lib/contract/routes';
import { call } from './helpers';

const ROOT = join(__dirname, '..', '..');
const ADMIN = 'cli-admin-token-0123456789abcdefghijklmnop';
const sourcesIn = (dir: string) =>
  readdirSync(join(ROOT, 'lib', dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('lib', dir, f));
/** The sources the CLI loads at run time: the emulator, the contract and the constants with the attribute names they re-export (the layer rules allow it no more). */
const SOURCES = [...sourcesIn('emulator'), ...sourcesIn('contract'), join('lib', 'constants.ts'), join('lib', 'attributes.generated.ts')];

let binPath: string;
let scratch: string | undefined;
const children: ChildProcess[] = [];

beforeAll(() => {
  binPath = isBuildFresh() ? join(ROOT, 'bin', 'mlp-emulator.js') : stageBuild();
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function isBuildFresh(): boolean {
  const built = (source: string) => join(ROOT, 'dist', source.replace(/\.ts$/, '.js'));
  return SOURCES.every((source) => existsSync(built(source)) && statSync(built(source)).mtimeMs >= statSync(join(ROOT, source)).mtimeMs);
}

/** Transpiles the CLI's modules into `<scratch>/dist` beside a copy of the bin file; returns its path. */
function stageBuild(): string {
  // Inside the repository, so `require('zod')` and `require('commander')` resolve from its node_modules.
  const cacheDir = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  scratch = mkdtempSync(join(cacheDir, 'mlp-emulator-cli-test-'));
  for (const source of SOURCES) {
    const output = ts.transpileModule(readFileSync(join(ROOT, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: source,
    });
    const target = join(scratch, 'dist', source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  mkdirSync(join(scratch, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'mlp-emulator.js'), join(scratch, 'bin', 'mlp-emulator.js'));
  return join(scratch, 'bin', 'mlp-emulator.js');
}

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  stdout(): string;
}

function run(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; exit: Promise<number | null>; stdout(): string; stderr(): string } {
  const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, stdout: () => out, stderr: () => err };
}

/**
 * Resolves with what `done` finds in the process's stdout as soon as it finds it (it is asked after
 * every chunk); rejects after 10 s, or when the process exits first. `waitingFor` names it in the error.
 */
function whenStdout<T>(proc: ReturnType<typeof run>, waitingFor: string, done: (stdout: string) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${waitingFor} within 10 s; stderr: ${proc.stderr()}`)), 10_000);
    proc.child.stdout!.on('data', () => {
      const found = done(proc.stdout());
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    proc.exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr: ${proc.stderr()}`));
    });
  });
}

async function start(args: string[], env: Record<string, string> = {}): Promise<Started & { exit: Promise<number | null> }> {
  const proc = run(args, env);
  const url = await whenStdout(proc, 'URL line', (out) => /^mlp-emulator listening on (http:\/\/\S+)$/m.exec(out)?.[1]);
  return { ...proc, url };
}

/** Starts the CLI in a machine-readable mode; resolves with its stdout once the announcement is complete. */
async function startMachine(args: string[], env: Record<string, string> = {}): Promise<ReturnType<typeof run> & { announced: string }> {
  const proc = run(args, env);
  const announced = await whenStdout(proc, 'announcement', (out) => (out.endsWith('\n') ? out : undefined));
  return { ...proc, announced };
}

describe('mlp-emulator CLI, machine-readable start', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN --print-env and an --admin-token-file that does not exist WHEN it starts THEN stdout is MLP_ENDPOINT and the pid, and the generated token is only in the file, mode 0600', async () => {
    const tokenFile = join(dir, 'admin-token');
    const emulator = await startMachine(['--print-env', '--admin-token-file', tokenFile]);

    const printed = Object.fromEntries(
      emulator.announced
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(Object.keys(printed)).toEqual(['MLP_ENDPOINT', 'MLP_EMULATOR_PID']);
    expect(printed.MLP_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(printed.MLP_EMULATOR_PID)).toBe(emulator.child.pid);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((await call(printed.MLP_ENDPOINT!, 'POST', PATHS.exchange, { body: { refresh_token: token } })).status).toBe(200);
    expect(emulator.stdout() + emulator.stderr()).not.toContain(token);
    expect(emulator.stderr()).toContain(`written to ${tokenFile}`);

    // WHEN it is restarted with the same file THEN the file is read, not rewritten
    emulator.child.kill('SIGTERM');
    expect(await emulator.exit).toBe(0);
    const again = await startMachine(['--print-env', '--admin-token-file', tokenFile]);
    const endpoint = /^MLP_ENDPOINT=(.*)$/m.exec(again.announced)![1]!;
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    expect((await call(endpoint, 'POST', PATHS.exchange, { body: { refresh_token: token } })).status).toBe(200);
  });

  it('GIVEN --json and --control WHEN it starts THEN stdout is one JSON line with url, controlUrl and pid, and no token', async () => {
    const emulator = await startMachine(['--json', '--control'], { MLP_EMULATOR_ADMIN_TOKEN: ADMIN });
    expect(emulator.announced.split('\n')).toHaveLength(2);
    const started = JSON.parse(emulator.announced) as { url: string; controlUrl: string; pid: number };
    expect(Object.keys(started)).toEqual(['url', 'controlUrl', 'pid']);
    expect(started.pid).toBe(emulator.child.pid);
    expect(started.controlUrl).toBe(`${started.url}/_emulator`);
    expect((await call(started.url, 'GET', '/_emulator/clock')).status).toBe(200);
    expect((await call(started.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } })).status).toBe(200);
    expect(emulator.stdout() + emulator.stderr()).not.toContain(ADMIN);
    const plain = await startMachine(['--json', '--admin-token', ADMIN]);
    expect(JSON.parse(plain.announced)).toMatchObject({ controlUrl: null, pid: plain.child.pid });
  });

  it.each([
    [
      '--json without a token source',
      ['--json'],
      'mlp-emulator: --admin-token-file: --json and --print-env never print the admin token: give --admin-token-file FILE',
    ],
    ['--print-env without a token source', ['--print-env'], 'never print the admin token'],
    ['both --json and --print-env', ['--json', '--print-env', '--admin-token', ADMIN], 'choose one of --json and --print-env'],
  ])('GIVEN %s WHEN it starts THEN it exits 2 with a message and prints nothing to stdout', async (_label, args, message) => {
    const proc = run(args);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toContain(message);
    expect(proc.stdout()).toBe('');
  });

  it('GIVEN an --admin-token-file path that cannot be created WHEN it starts THEN it exits 2 and stops listening', async () => {
    const proc = run(['--json', '--admin-token-file', join(dir, 'missing-dir', 'admin-token')]);
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toContain(`cannot create ${join(dir, 'missing-dir', 'admin-token')}`);
    expect(proc.stdout()).toBe('');
  });
});

describe('mlp-emulator CLI', () => {
  it('GIVEN an admin token WHEN the emulator starts and gets SIGTERM THEN it prints one URL line, serves the API, and exits 0', async () => {
    // GIVEN
    const emulator = await start(['--port', '0', '--admin-token', ADMIN]);
    // THEN stdout is exactly the URL line
    expect(emulator.stdout()).toMatch(/^mlp-emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(emulator.stderr()).not.toContain(ADMIN);
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } });
    expect(answer.status).toBe(200);
    // WHEN
    emulator.child.kill('SIGTERM');
    // THEN
    expect(await emulator.exit).toBe(0);
  });

  it('GIVEN a running emulator WHEN it gets SIGINT THEN it exits 0', async () => {
    const emulator = await start(['--admin-token', ADMIN]);
    emulator.child.kill('SIGINT');
    expect(await emulator.exit).toBe(0);
  });

  it('GIVEN no admin token WHEN the emulator starts THEN it generates one and prints it to stderr, labelled', async () => {
    const emulator = await start([]);
    const m = /^mlp-emulator admin token \(generated, shown once; pass --admin-token to choose it\): (\S+)$/m.exec(emulator.stderr());
    expect(m).not.toBeNull();
    expect((await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: m![1] } })).status).toBe(200);
    expect(emulator.stdout()).not.toContain(m![1]);
  });

  it('GIVEN MLP_EMULATOR_ADMIN_TOKEN or --admin-token-file WHEN the emulator starts THEN it takes the admin token from there', async () => {
    const fromEnv = await start([], { MLP_EMULATOR_ADMIN_TOKEN: ADMIN });
    expect((await call(fromEnv.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } })).status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-cli-'));
    try {
      writeFileSync(join(dir, 'admin'), `${ADMIN}\n`);
      const fromFile = await start(['--admin-token-file', join(dir, 'admin')]);
      expect((await call(fromFile.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } })).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN --control, a fault file and a seed WHEN the emulator starts THEN it serves the control API with those faults', async () => {
    // GIVEN a fault file and a seed
    const dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-cli-'));
    try {
      writeFileSync(join(dir, 'faults.json'), JSON.stringify({ scripts: { exchange: ['503'] } }));
      const emulator = await start(['--control', '--faults', `@${join(dir, 'faults.json')}`, '--seed', '7', '--admin-token', ADMIN]);
      // THEN
      expect(emulator.stderr()).toContain('mlp-emulator fault seed: 7');
      expect((await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } })).status).toBe(503);
      expect((await call(emulator.url, 'GET', '/_emulator/counters')).json).toMatchObject({ exchange: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GIVEN --state WHEN the emulator is restarted THEN it keeps its tokens across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-cli-'));
    try {
      const state = join(dir, 'state.json');
      const first = await start(['--state', state, '--control', '--admin-token', ADMIN]);
      const created = await call(first.url, 'POST', '/_emulator/tokens', { body: { name: 'survivor', role: 'user' } });
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);

      const second = await start(['--state', state, '--admin-token', ADMIN]);
      const exchanged = await call(second.url, 'POST', PATHS.exchange, {
        body: { refresh_token: (created.json as { value: string }).value },
      });
      expect(exchanged.status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a port out of range', ['--port', '99999'], 1, "option '--port <port>' argument '99999' is invalid"],
    ['faults that are not JSON', ['--faults', '{'], 1, "option '--faults <json>' argument '{' is invalid"],
    [
      'faults of a bad shape',
      ['--faults', '{"scripts":{"list":["boom"]}}'],
      2,
      'mlp-emulator: faults.scripts.list[0]: "boom" is not a fault step',
    ],
    ['a short admin token', ['--admin-token', 'short'], 2, 'mlp-emulator: adminToken: the admin token must be at least 32 characters'],
  ])('GIVEN %s WHEN the emulator starts THEN it exits non-zero with a message', async (_label, args, code, message) => {
    const proc = run(args);
    expect(await proc.exit).toBe(code);
    expect(proc.stderr()).toContain(message);
    expect(proc.stdout()).toBe('');
  });

  it('GIVEN a port that is taken WHEN the emulator starts on it THEN it exits 1 saying the address is in use', async () => {
    const first = await start(['--admin-token', ADMIN]);
    const port = new URL(first.url).port;
    const proc = run(['--port', port]);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toContain('the address is in use');
  });

  it('GIVEN the package WHEN the CLI under test is located THEN it is the real, executable bin file', () => {
    expect(relative(ROOT, binPath).endsWith(join('bin', 'mlp-emulator.js'))).toBe(true);
    expect(statSync(join(ROOT, 'bin', 'mlp-emulator.js')).mode & 0o111).not.toBe(0);
  });
});

describe('mlp-emulator --host', () => {
  it('GIVEN --host that is not a loopback address WHEN the emulator starts THEN it warns on stderr before listening', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface: the bind fails, so nothing is ever exposed by the test.
    const proc = run(['--host', '192.0.2.1', '--port', '0', '--control']);
    await proc.exit;
    expect(proc.stderr()).toMatch(
      /^mlp-emulator: warning: listening on 192\.0\.2\.1, which is not a loopback address: other machines can reach the API \(and, with --control, the control API, which mints admin tokens\)/m,
    );
  });

  it.each([['127.0.0.1'], ['localhost'], ['::1']])('GIVEN --host %s WHEN the emulator starts THEN it does not warn', async (host) => {
    const emulator = await start(['--host', host, '--port', '0']);
    expect(emulator.stderr()).not.toContain('warning');
  });
});
