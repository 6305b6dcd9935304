/**
 * What the outside audit (issue 10) saw through Terraform, replayed with real `terraform` against the
 * emulator (and, where the emulator cannot misbehave that way, a small real HTTP server on
 * 127.0.0.1): unbounded lifetimes and a request timeout Node cannot run (refused at validate),
 * plain http off loopback (refused before any connection), a token with a trailing newline (works),
 * TLS verification turned off (warned), control characters in API text (escaped), a wrong API path
 * and https to a plain-http server (named as such), and a name read from state that is a path
 * segment (never sent in a DELETE).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exchangeAnswer, startStub, wireToken, type Stub } from '../../client/stub-server';
import { E2EWorkdir, crashSigns, diagnosticBlocks, emulatorSuite, refusedAtValidateAndPlan } from '../harness';
import { runSteps } from '../steps';

jest.setTimeout(240_000);

const suite = emulatorSuite({ seed: 10 });
const elsewhere: E2EWorkdir[] = [];
afterAll(() => {
  if (!process.env.MLP_E2E_KEEP) for (const w of elsewhere) w.remove();
});

/** A working directory pointed at another endpoint than the suite's emulator (with its admin token). */
function workdirAt(name: string, endpoint: string): E2EWorkdir {
  const w = E2EWorkdir.create({ name, endpoint, token: suite.emulator.adminToken });
  elsewhere.push(w);
  return w;
}
const noApiCalls = { exchange: 0, whoami: 0, list: 0, mint: 0, redeem: 0, delete: 0 };

describe('refused at validate, before any API call', () => {
  test('GIVEN ttl = "999999999999h", rotate_after and access_token_ttl past 100 years, request_timeout = "597h" and an http endpoint off loopback WHEN validated and planned THEN both fail at each, naming the limit or https, and the API is never called', async () => {
    const { emulator } = suite;
    const w = suite.workdir('limits');
    w.writeConfig({
      provider: {
        mlp: [{}, { alias: 'slow', request_timeout: '597h' }, { alias: 'clear', endpoint: 'http://mlp.example.invalid' }],
      },
      resource: {
        mlp_access_token: {
          forever: { name: 'forever', ttl: '999999999999h' },
          huge: { name: 'huge', ttl: '100000000h' },
          late: { name: 'late', rotate_after: '876001h' },
        },
        mlp_register_token: { reg: { name: 'worker', ttl: '1h', access_token_ttl: '999999999999h' } },
      },
      data: { mlp_token: { slow: { provider: 'mlp.slow' }, clear: { provider: 'mlp.clear' } } },
    });
    await w.init();
    for (const { command, blocks } of await refusedAtValidateAndPlan(w)) {
      const expectations: [at: string, summary: string, fragment: string][] = [
        [
          'with mlp_access_token.forever,',
          'Error: Invalid ttl',
          '"999999999999h" is too long: a duration here is at most 876000h (100 years',
        ],
        ['with mlp_access_token.huge,', 'Error: Invalid ttl', 'at most 876000h'],
        ['with mlp_access_token.late,', 'Error: Invalid rotate_after', 'at most 876000h'],
        ['with mlp_register_token.reg,', 'Error: Invalid access_token_ttl', 'at most 876000h'],
        [
          'provider["terraform.local/mlp-tokens/mlp"].slow,',
          'Error: Invalid request_timeout',
          '"597h" is too long: a duration here is at most 596h31m23s',
        ],
        ['provider["terraform.local/mlp-tokens/mlp"].clear,', 'Error: Invalid MLP endpoint', 'clear text: use https://'],
      ];
      for (const [at, summary, fragment] of expectations) {
        const mine = blocks.filter((b) => b.includes(at) && b.startsWith(summary));
        expect({ command, at, found: mine.length }).toEqual({ command, at, found: 1 });
        expect({ at, text: mine[0] }).toEqual({ at, text: expect.stringContaining(fragment) });
      }
    }
    expect(emulator.counters()).toEqual(noApiCalls);
    await w.assertNoSecrets([emulator.adminToken]);
  });
});

describe('plain http off loopback from the environment', () => {
  test('GIVEN MLP_ENDPOINT=http://mlp.example.invalid WHEN planning THEN the provider refuses it before any connection, saying to use https', async () => {
    const w = workdirAt('clear-env', 'http://mlp.example.invalid');
    w.writeConfig({ data: { mlp_token: { me: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');
    expect(r.code).not.toBe(0);
    expect(text).toContain('Error: Invalid MLP endpoint');
    expect(text).toMatch(/clear text: use https:\/\/.*\(from MLP_ENDPOINT\)/);
    expect(text).not.toMatch(/ENOTFOUND|EAI_AGAIN|Cannot reach/);
    await w.assertNoSecrets([suite.emulator.adminToken]);
  });
});

describe('a token with white space around it', () => {
  test('GIVEN MLP_TOKEN="$token\\n" (and a leading space) WHEN applying a token and destroying it THEN both work: the value checked is the value sent', async () => {
    const { emulator } = suite;
    await runSteps(suite.workdir('whitespace', { token: `${emulator.adminToken}\n` }), emulator, {
      steps: [
        {
          config: { resource: { mlp_access_token: { ci: { name: 'ci-whitespace', ttl: '24h' } } } },
          check: () => expect(emulator.tokens().map((t) => t.name)).toContain('ci-whitespace'),
        },
      ],
      destroy: { env: { MLP_TOKEN: ` ${emulator.adminToken}` } },
      checkDestroy: () => expect(emulator.tokens().map((t) => t.name)).not.toContain('ci-whitespace'),
    });
  });
});

describe('TLS verification turned off', () => {
  test('GIVEN NODE_TLS_REJECT_UNAUTHORIZED=0 inherited WHEN planning THEN Terraform shows the warning, once per provider process', async () => {
    const { emulator } = suite;
    const w = suite.workdir('tls-off', { env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
    w.writeConfig({ data: { mlp_token: { me: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`;
    expect(r.code).toBe(0);
    expect(diagnosticBlocks(text).filter((b) => b.startsWith('Warning: TLS certificate verification is off'))).toHaveLength(1);
    expect(text).toContain('NODE_TLS_REJECT_UNAUTHORIZED=0');
    await w.assertNoSecrets([emulator.adminToken]);
  });
});

describe('what the API said, and where it is', () => {
  let stub: Stub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  test('GIVEN an API whose error text carries ESC, OSC, CR/LF and a fake "Error:" line WHEN Terraform shows it THEN none of it reaches the output raw', async () => {
    const hostile = 'x\u001b[2J\u001b]0;owned\u0007\r\nError: everything is fine\u202e';
    stub = await startStub(() => ({
      status: 400,
      body: JSON.stringify({ status: 400, warnorCode: 'ValidationException', warnorParams: { field: hostile } }),
    }));
    const w = workdirAt('controls', stub.url);
    w.writeConfig({ data: { mlp_token: { me: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`;
    expect(r.code).not.toBe(0);
    // eslint-disable-next-line no-control-regex -- the test looks for control characters
    expect(text).not.toMatch(/[\u001b\u0007\r\u202e]/);
    expect(text.split('\n').filter((line) => /^\W*Error: everything is fine/.test(line))).toEqual([]);
    expect(text).toContain('\\u001b[2J');
    expect(crashSigns(text)).toEqual([]);
  });

  test('GIVEN a project whose list answer passes the 4 MiB cap WHEN reading mlp_tokens THEN the error names the limit and the missing paging, not a lost connection', async () => {
    const tokens = Array.from({ length: 30_000 }, (_, i) => wireToken(`token-${i}`));
    const list = JSON.stringify({ tokens });
    stub = await startStub((req) => (req.url.endsWith('/auth/refresh') ? exchangeAnswer() : { status: 200, body: list }));
    const w = workdirAt('too-large', stub.url);
    w.writeConfig({ data: { mlp_tokens: { all: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');
    expect(r.code).not.toBe(0);
    expect(text).toContain('Error: MLP API answer too large');
    expect(text).toMatch(/larger than 4 MiB \(4194304 bytes\).*no paging/);
    expect(text).not.toMatch(/Cannot reach|connection closed/);
    expect(crashSigns(text)).toEqual([]);
  });

  test('GIVEN an endpoint whose path is not the API (a 404 on the route) WHEN planning THEN the error says the endpoint does not serve the API there, not "token not found"', async () => {
    const { emulator } = suite;
    const w = workdirAt('wrong-path', `${emulator.url}/not/the/api`);
    w.writeConfig({ data: { mlp_tokens: { all: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');
    expect(r.code).not.toBe(0);
    expect(text).toContain('Error: MLP token API not found at the endpoint');
    expect(text).toMatch(/does not serve the MLP token API at this path .*Check the endpoint/);
    expect(text).not.toContain('MLP token not found');
  });

  test('GIVEN https:// to the plain-http emulator WHEN planning THEN the error says the server does not speak TLS and to check the scheme', async () => {
    const { emulator } = suite;
    const w = workdirAt('wrong-scheme', emulator.url.replace(/^http:/, 'https:'));
    w.writeConfig({ data: { mlp_token: { me: {} } } });
    await w.init();
    const r = await w.run(['plan', '-input=false', '-no-color'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');
    expect(r.code).not.toBe(0);
    expect(text).toContain('Error: MLP endpoint does not speak TLS');
    expect(text).toMatch(/Check the scheme/);
    expect(text).not.toMatch(/lost the connection/);
  });
});

describe('names read from state', () => {
  test('GIVEN a state whose token name was edited to ".." WHEN destroying THEN no DELETE is sent for it and the error names the name rule', async () => {
    const { emulator } = suite;
    const w = suite.workdir('state-name');
    w.writeConfig({ resource: { mlp_access_token: { ci: { name: 'ci-state-name', ttl: '24h' } } } });
    await w.init();
    await w.apply();
    const stateFile = path.join(w.dir, 'terraform.tfstate');
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as {
      resources: { instances: { attributes: Record<string, unknown> }[] }[];
    };
    state.resources[0]!.instances[0]!.attributes.name = '..';
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const before = emulator.counters().delete;
    const r = await w.destroy(['-refresh=false'], { check: false });
    const text = `${r.stdout}\n${r.stderr}`.replace(/\s+/g, ' ');
    expect(r.code).not.toBe(0);
    expect(text).toMatch(/"\.\." is not a valid token name.*nothing was sent/);
    expect(emulator.counters().delete).toBe(before);
    expect(emulator.tokens().map((t) => t.name)).toContain('ci-state-name');
    await w.assertNoSecrets([emulator.adminToken]);
  });
});
