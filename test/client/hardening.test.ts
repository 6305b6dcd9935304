/**
 * What the outside audit (issue 10) found in the client, each against a real server on 127.0.0.1:
 * plain http off loopback, the timer overflow, whitespace around the token, names that are path
 * segments, control characters in API text, an oversized list, a 404 that is not about a token, and
 * https spoken to a plain-http server.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  MlpArgumentError,
  MlpClient,
  MlpConfigurationError,
  MlpNetworkError,
  MlpNotFoundError,
  MlpResponseTooLargeError,
  MlpRouteNotFoundError,
  MlpValidationError,
  describeError,
  nameProblem,
} from '../../lib/client';
import { MAX_RESPONSE_BYTES } from '../../lib/client/http';
import { TLS_VERIFICATION_WARNING } from '../../lib/client/tls-warning';
import { endpointProblem } from '../../lib/contract/validation';
import { startEmulator } from '../../lib/emulator';
import { STUB_TOKEN, caught, stubbedApiPerTest, wireToken, type StubAnswer } from './stub-server';

const TOKEN = STUB_TOKEN;
const api = stubbedApiPerTest({ retryBaseDelayMs: 1 });

/** A stub that exchanges normally and answers every other request with `answer`. */
function apiAnswering(answer: (path: string) => StubAnswer, token = TOKEN): Promise<MlpClient> {
  return api.answering(answer, { token });
}

function errorBody(status: number, warnorCode: string, field: string): StubAnswer {
  return { status, body: JSON.stringify({ status, warnorCode, warnorParams: { field } }) };
}

// ---- item 3: plain http only to loopback ------------------------------------------------------

describe('plain http is for loopback only (item 3)', () => {
  test.each([
    'http://127.0.0.1:8080',
    'http://127.5.6.7',
    'http://localhost:9',
    'http://LOCALHOST',
    'http://[::1]:9',
    'https://mlp.example.invalid',
  ])('GIVEN %s WHEN checked THEN it is accepted', (endpoint) => expect(endpointProblem(endpoint)).toBeUndefined());

  test.each([
    'http://mlp.example.invalid',
    'http://10.0.0.5:8080',
    'http://128.0.0.1',
    'http://[::2]',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
  ])('GIVEN %s WHEN checked THEN it is refused with a message that says to use https', (endpoint) =>
    expect(endpointProblem(endpoint)).toMatch(/uses plain http to .*clear text: use https:\/\//),
  );

  test('GIVEN http to a host that is not loopback WHEN a client is made THEN it throws before any connection, naming https', async () => {
    // A real listener on a non-loopback name would be needed to see a connection; what matters is
    // that the constructor refuses, so no call can ever be made.
    expect(() => new MlpClient({ endpoint: 'http://mlp.example.invalid', token: TOKEN })).toThrow(MlpConfigurationError);
    expect(() => new MlpClient({ endpoint: 'http://mlp.example.invalid', token: TOKEN })).toThrow(/use https:\/\//);
  });
});

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 (item 3)', () => {
  const script = (file: string): string =>
    `const { MlpClient } = require(${JSON.stringify(file)});` +
    `for (let i = 0; i < 3; i++) new MlpClient({ endpoint: 'https://mlp.example.invalid', token: 'x'.repeat(40) });`;
  const clientModule = path.resolve(__dirname, '../../dist/lib/client/index.js');

  test('GIVEN it is inherited WHEN three clients are made in one process THEN stderr warns exactly once', () => {
    const run = spawnSync(process.execPath, ['-e', script(clientModule)], {
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr.split(TLS_VERIFICATION_WARNING).length - 1).toBe(1);
  });

  test('GIVEN it is not set WHEN clients are made THEN nothing is written', () => {
    const env = { ...process.env };
    delete env.NODE_TLS_REJECT_UNAUTHORIZED;
    const run = spawnSync(process.execPath, ['-e', script(clientModule)], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});

// ---- item 4: timeouts Node can run ---------------------------------------------------------------

describe('timeouts beyond Node timers (item 4)', () => {
  test('GIVEN requestTimeoutMs above 2^31-1 WHEN a client is made THEN it is refused, since such a timer fires at once', () => {
    expect(() => new MlpClient({ endpoint: 'http://127.0.0.1:9', token: TOKEN, requestTimeoutMs: 597 * 3600 * 1000 })).toThrow(
      /up to 2147483647/,
    );
    expect(() => new MlpClient({ endpoint: 'http://127.0.0.1:9', token: TOKEN, headersTimeoutMs: 2 ** 31 })).toThrow(MlpConfigurationError);
    expect(() => new MlpClient({ endpoint: 'http://127.0.0.1:9', token: TOKEN, requestTimeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });
});

// ---- item 7: whitespace around the token -----------------------------------------------------------

describe('white space around the token (item 7)', () => {
  test.each([
    ['a trailing newline', `${TOKEN}\n`],
    ['a leading space', ` ${TOKEN}`],
    ['CRLF and tabs', `\t${TOKEN}\r\n`],
  ])('GIVEN a token with %s WHEN a call is made THEN the exchange sends the trimmed value', async (_label, given) => {
    const c = await apiAnswering(() => ({ status: 200, body: JSON.stringify(wireToken('ci')) }), given);
    await c.whoAmI();
    expect(JSON.parse(api.stub.requests[0]!.body)).toEqual({ refresh_token: TOKEN });
  });

  test('GIVEN the emulator and its admin token with a trailing newline WHEN asking who am I THEN the token is accepted', async () => {
    const emulator = await startEmulator({ port: 0 });
    const c = new MlpClient({ endpoint: emulator.url, token: `${emulator.adminToken}\n` });
    try {
      await expect(c.whoAmI()).resolves.toMatchObject({ name: 'emulator-admin' });
    } finally {
      await c.close();
      await emulator.close();
    }
  });
});

// ---- item 11: names in every call --------------------------------------------------------------------

describe('names are checked in every call, before anything is sent (item 11)', () => {
  test.each(['..', '.', 'a/b', '', '../admin', 'x'.repeat(65), 'bad\u001bname'])(
    'GIVEN the name %j WHEN deleteToken runs THEN it throws MlpArgumentError and sends nothing',
    async (name) => {
      const c = await apiAnswering(() => ({ status: 204 }));
      const err = await caught(c.deleteToken(name));
      expect(err).toBeInstanceOf(MlpArgumentError);
      expect(err.message).toMatch(/nothing was sent/);
      expect(api.stub.requests).toHaveLength(0);
    },
  );

  test.each(['..', 'a/b'])('GIVEN the name %j WHEN findToken runs THEN it throws MlpArgumentError and sends nothing', async (name) => {
    const c = await apiAnswering(() => ({ status: 200, body: '{"tokens":[]}' }));
    expect(await caught(c.findToken(name))).toBeInstanceOf(MlpArgumentError);
    expect(api.stub.requests).toHaveLength(0);
  });
});

// ---- item 9: control characters and long names -------------------------------------------------------

describe('control characters from the API and long names (item 9)', () => {
  const HOSTILE = 'bad\u001b[2J\u001b]0;pwned\u0007\r\nError: fake line\u202eexe.txt\u0085';

  test('GIVEN an API error field with ESC, OSC, CR/LF, C1 and bidi controls WHEN it becomes an error THEN message, field and the description carry none of them raw', async () => {
    const c = await apiAnswering(() => errorBody(400, 'Validation\u001bException', HOSTILE));
    const err = (await caught(c.whoAmI())) as MlpValidationError;
    expect(err).toBeInstanceOf(MlpValidationError);
    const { summary, detail } = describeError(err);
    for (const text of [err.message, err.field!, summary, detail]) {
      // eslint-disable-next-line no-control-regex -- the test looks for control characters
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(err.field).toContain('\\u001b[2J');
    expect(err.field).toContain('\\r\\nError: fake line');
  });

  test('GIVEN a 10,000-character name WHEN refused THEN the message shows 64 characters and the length, not the whole name', () => {
    const problem = nameProblem('n'.repeat(10_000))!;
    expect(problem).toContain(`"${'n'.repeat(64)}"…(10000 chars)`);
    expect(problem.length).toBeLessThan(200);
    expect(nameProblem('ci\u001b[2J')).toContain('"ci\\u001b[2J"');
  });
});

// ---- item 12: a list over the body cap ----------------------------------------------------------------

describe('a list answer over the 4 MiB cap (item 12)', () => {
  test('GIVEN 30,000 tokens in one answer WHEN listing THEN MlpResponseTooLargeError names the limit and says the API has no paging, not "connection closed"', async () => {
    const tokens = Array.from({ length: 30_000 }, (_, i) => wireToken(`token-${i}`));
    const body = JSON.stringify({ tokens });
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_RESPONSE_BYTES);
    const c = await apiAnswering(() => ({ status: 200, body }));
    const err = await caught(c.listTokens());
    expect(err).toBeInstanceOf(MlpResponseTooLargeError);
    expect(err.code).toBe('response-too-large');
    expect((err as MlpResponseTooLargeError).limitBytes).toBe(MAX_RESPONSE_BYTES);
    expect(err.message).toMatch(/larger than 4 MiB \(4194304 bytes\).*no paging/);
    expect(err.message).not.toMatch(/connection closed|lost the connection/);
    expect(describeError(err).summary).toBe('MLP API answer too large');
  });
});

// ---- item 18: a 404 on a route, and https to plain http ----------------------------------------------

describe('what a 404 means (item 18)', () => {
  test('GIVEN a proxy 404 page on list WHEN listing THEN MlpRouteNotFoundError: the endpoint does not serve the API at this path', async () => {
    const c = await apiAnswering(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html>404 Not Found</html>' }));
    const err = await caught(c.listTokens());
    expect(err).toBeInstanceOf(MlpRouteNotFoundError);
    expect(err).not.toBeInstanceOf(MlpNotFoundError);
    expect(err.message).toMatch(/does not serve the MLP token API at this path.*Check the endpoint/);
    expect(describeError(err).summary).toBe('MLP token API not found at the endpoint');
  });

  test('GIVEN a 404 with a page that is not the contract body WHEN deleting THEN it throws instead of returning false (not "no such token")', async () => {
    const c = await apiAnswering(() => ({ status: 404, body: '{"detail":"Not Found"}' }));
    const err = await caught(c.deleteToken('ci'));
    expect(err).toBeInstanceOf(MlpRouteNotFoundError);
  });

  test('GIVEN a 404 with the contract NotFoundException WHEN deleting THEN it means no such token (false)', async () => {
    const c = await apiAnswering(() => errorBody(404, 'NotFoundException', 'no access token named "ci"'));
    await expect(c.deleteToken('ci')).resolves.toBe(false);
  });

  test('GIVEN the emulator served under a wrong base path WHEN listing THEN the error names the endpoint path, not a token', async () => {
    const emulator = await startEmulator({ port: 0 });
    const c = new MlpClient({ endpoint: `${emulator.url}/wrong/prefix`, token: emulator.adminToken, maxRetries: 0 });
    try {
      const err = await caught(c.listTokens());
      expect(err).toBeInstanceOf(MlpRouteNotFoundError);
      expect(describeError(err).summary).not.toMatch(/token not found/);
    } finally {
      await c.close();
      await emulator.close();
    }
  });
});

describe('https to a plain-http server (item 18)', () => {
  test('GIVEN https:// to a server that speaks plain HTTP WHEN calling THEN the error says the server does not speak TLS and to check the scheme, once, outcome known', async () => {
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let connections = 0;
    server.on('connection', () => connections++);
    const c = new MlpClient({ endpoint: `https://127.0.0.1:${port}`, token: TOKEN, maxRetries: 3, retryBaseDelayMs: 1 });
    try {
      const err = (await caught(c.redeemRegisterToken('r'.repeat(40)))) as MlpNetworkError;
      expect(err).toBeInstanceOf(MlpNetworkError);
      expect(err.reason).toBe('not-tls');
      expect(err.outcomeUnknown).toBe(false);
      expect(err.message).toMatch(/does not speak TLS \(ERR_SSL_[A-Z_]+\).*Check the scheme/);
      expect(err.message).not.toMatch(/lost the connection/);
      expect(describeError(err).summary).toBe('MLP endpoint does not speak TLS');
      // Not retried: repeating cannot help.
      expect(connections).toBe(1);
    } finally {
      await c.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
