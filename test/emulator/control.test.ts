/**
 * The control API under /_emulator/: served only when asked for, never counted, never faulted.
 */
import { request } from 'node:http';
import { PATHS } from '../../lib/contract/routes';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { bearerFor, call, errorBody } from './helpers';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ control: true });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** A control request as local clients send it: JSON typed on every state change, even without a body. */
const control = (method: string, path: string, body?: unknown) =>
  call(
    emulator.url,
    method,
    `/_emulator${path}`,
    body === undefined ? (method === 'GET' ? {} : { headers: { 'content-type': 'application/json' } }) : { body },
  );

describe('control API', () => {
  it('GIVEN an emulator without --control WHEN the control API is called THEN the answer is 404', async () => {
    const off = await startEmulator();
    try {
      const answer = await call(off.url, 'GET', '/_emulator/counters');
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(errorBody(404, 'NotFoundException', 'no route GET /_emulator/counters'));
    } finally {
      await off.close();
    }
  });

  describe('clock', () => {
    it('GIVEN the control API WHEN the clock is read, advanced and set THEN it moves as asked', async () => {
      // GIVEN
      const before = new Date(((await control('GET', '/clock')).json as { now: string }).now).getTime();
      // WHEN advanced by 1h
      const advanced = await control('POST', '/clock', { advance: '1h' });
      // THEN
      expect(advanced.status).toBe(200);
      const after = new Date((advanced.json as { now: string }).now).getTime();
      expect(after - before).toBeGreaterThanOrEqual(3600_000);
      expect(after - before).toBeLessThan(3600_000 + 5_000);
      // AND advancing by milliseconds and setting work too
      await control('POST', '/clock', { advance: 1000 });
      const set = await control('POST', '/clock', { set: '2040-02-29T10:00:00Z' });
      expect(Math.abs(new Date((set.json as { now: string }).now).getTime() - Date.parse('2040-02-29T10:00:00Z'))).toBeLessThan(5_000);
      expect(Math.abs(emulator.clock.now().getTime() - Date.parse('2040-02-29T10:00:00Z'))).toBeLessThan(5_000);
    });

    it.each([
      ['neither key', {}, 'body: send exactly one of'],
      ['both keys', { advance: '1h', set: '2030-01-01T00:00:00Z' }, 'body: send exactly one of'],
      ['a bad duration', { advance: '1 hour' }, 'advance: "1 hour" is not a duration'],
      ['a bad instant', { set: 'tomorrow' }, 'set: "tomorrow" is not an ISO 8601 instant'],
    ])('GIVEN %s WHEN the clock is set THEN the answer is 400', async (_label, body, start) => {
      const answer = await control('POST', '/clock', body);
      expect(answer.status).toBe(400);
      expect((answer.json as { warnorParams: { field: string } }).warnorParams.field.startsWith(start)).toBe(true);
    });
  });

  describe('faults', () => {
    it('GIVEN a scripted route WHEN requested and cleared THEN the state shows the script, then nothing', async () => {
      // GIVEN
      const set = await control('POST', '/faults', { route: 'whoami', script: ['429:1', 'ok'] });
      expect(set.status).toBe(200);
      expect((set.json as { scripts: unknown }).scripts).toEqual({
        whoami: [{ kind: 'status', status: 429, retryAfterSeconds: 1 }, { kind: 'ok' }],
      });
      const bearer = await bearerFor(emulator, emulator.adminToken);
      // WHEN
      const first = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer });
      // THEN
      expect(first.status).toBe(429);
      expect((await control('GET', '/faults')).json).toMatchObject({ scripts: { whoami: [{ kind: 'ok' }] } });
      expect((await control('DELETE', '/faults')).status).toBe(204);
      expect((await control('GET', '/faults')).json).toEqual({ seed: emulator.seed, scripts: {}, probabilities: {} });
    });

    it('GIVEN probabilities for "*" WHEN any route is called THEN it gets the fault', async () => {
      await control('POST', '/faults', { route: '*', probabilities: { '503': 1 } });
      const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: emulator.adminToken } });
      expect(answer.status).toBe(503);
    });

    it.each([
      ['no script or probabilities', { route: 'list' }, /^body: send/],
      ['a bad step', { route: 'list', script: ['teapot'] }, /^script\[0\]: "teapot" is not a fault step/],
      ['a script for "*"', { route: '*', script: ['ok'] }, /^route: "\*" is not a route/],
      ['bad probabilities', { route: 'list', probabilities: { '500': 2 } }, /^probabilities: 500:/],
      ['an unknown key', { route: 'list', scripts: ['ok'] }, /^scripts: unknown key/],
    ])('GIVEN %s WHEN faults are set THEN the answer is 400 and nothing changes', async (_label, body, pattern) => {
      const answer = await control('POST', '/faults', body);
      expect(answer.status).toBe(400);
      expect((answer.json as { warnorParams: { field: string } }).warnorParams.field).toMatch(pattern);
      expect(emulator.faults.state()).toMatchObject({ scripts: {}, probabilities: {} });
    });

    it('GIVEN a good script with bad probabilities WHEN faults are set THEN nothing changes', async () => {
      await control('POST', '/faults', { route: 'list', script: ['503'], probabilities: { '500': 2 } });
      expect(emulator.faults.state().scripts).toEqual({});
    });
  });

  describe('counters', () => {
    it('GIVEN traffic WHEN the counters are read and deleted THEN they count the token API but never the control API, and zero', async () => {
      await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: emulator.adminToken } });
      await control('GET', '/clock');
      const counters = await control('GET', '/counters');
      expect(counters.json).toEqual({ exchange: 1, whoami: 0, list: 0, mint: 0, redeem: 0, delete: 0 });
      expect((await control('DELETE', '/counters')).status).toBe(204);
      expect(emulator.counters().exchange).toBe(0);
    });

    it('GIVEN faults for every route WHEN the control API is called THEN it is never faulted', async () => {
      emulator.faults.probabilities('*', { reset: 1 });
      expect((await control('GET', '/counters')).status).toBe(200);
      expect((await control('POST', '/reset')).status).toBe(204);
    });
  });

  describe('tokens', () => {
    it('GIVEN the control API WHEN a token is created THEN its value works and the list shows metadata without secrets', async () => {
      // WHEN
      const created = await control('POST', '/tokens', { name: 'seeded', role: 'user', ttl: '2h' });
      // THEN
      expect(created.status).toBe(201);
      const body = created.json as { value: string; id: string; name: string; role: string; expiresAt: string };
      expect(body).toMatchObject({ name: 'seeded', role: 'user', tokenType: 'USER', expired: false });
      expect(body.value.length).toBeGreaterThanOrEqual(32);
      await bearerFor(emulator, body.value);
      const listed = await control('GET', '/tokens');
      expect(listed.json).toEqual({
        tokens: [
          expect.objectContaining({ name: 'emulator-admin', role: 'admin', expiresAt: null }),
          expect.objectContaining({ id: body.id, name: 'seeded', expiresAt: body.expiresAt }),
        ],
        registerTokens: [],
      });
      expect(listed.text).not.toContain(body.value);
      expect(listed.text).not.toContain(emulator.adminToken);
    });

    it.each([
      [
        'a taken name',
        { name: 'emulator-admin', role: 'admin' },
        409,
        'an access token named "emulator-admin" already exists; delete it first or pick another name',
      ],
      ['a bad name', { name: '-x', role: 'user' }, 400, 'name: "-x" is not a valid token name'],
      ['a bad role', { name: 'x', role: 'root' }, 400, 'role: "root" is not a role: use "user" or "admin"'],
      ['a bad ttl', { name: 'x', role: 'user', ttl: '0m' }, 400, 'ttl: "0m" is zero'],
    ])('GIVEN %s WHEN a token is created THEN it is refused', async (_label, body, status, start) => {
      const answer = await control('POST', '/tokens', body);
      expect(answer.status).toBe(status);
      expect((answer.json as { warnorParams: { field: string } }).warnorParams.field.startsWith(start)).toBe(true);
    });
  });

  it('GIVEN an extra token WHEN the emulator is reset THEN only the admin token is left', async () => {
    emulator.createToken({ name: 'gone-soon', role: 'user' });
    expect((await control('POST', '/reset')).status).toBe(204);
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
  });

  it('GIVEN an unknown control route WHEN called THEN the answer is 404', async () => {
    const answer = await control('GET', '/nothing');
    expect(answer.status).toBe(404);
    expect(answer.text).toBe(errorBody(404, 'NotFoundException', 'no route GET /_emulator/nothing'));
  });

  it('GIVEN a body that is not JSON WHEN sent to the control API THEN the answer is 400', async () => {
    const answer = await call(emulator.url, 'POST', '/_emulator/clock', { rawBody: '{', headers: { 'content-type': 'application/json' } });
    expect(answer.text).toBe(errorBody(400, 'ValidationException', 'body: not valid JSON'));
  });

  describe('refuses requests a web page could send', () => {
    /** A raw HTTP request with exactly these headers (fetch would set Host and Content-Type itself). */
    function raw(method: string, target: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: emulator.port,
            method,
            path: target,
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            setHost: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
    const own = () => `127.0.0.1:${emulator.port}`;
    const mintBody = JSON.stringify({ name: 'from-a-web-page', role: 'admin' });

    it('GIVEN a cross-origin text/plain POST that would mint an admin token WHEN sent THEN the answer is 400 and nothing is minted', async () => {
      const answer = await raw(
        'POST',
        '/_emulator/tokens',
        { host: own(), 'content-type': 'text/plain', origin: 'https://evil.example' },
        mintBody,
      );
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('application/json');
      expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    });

    it.each([
      ['no Content-Type', 'POST', '/_emulator/reset', {}],
      ['a form post', 'POST', '/_emulator/clock', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['a multipart post', 'POST', '/_emulator/faults', { 'content-type': 'multipart/form-data; boundary=x' }],
      ['a DELETE without Content-Type', 'DELETE', '/_emulator/faults', {}],
    ])('GIVEN %s WHEN sent to the control API THEN the answer is 400 and nothing changes', async (_label, method, target, headers) => {
      emulator.createToken({ name: 'stays', role: 'user' });
      const answer = await raw(method, target, { host: own(), ...headers });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('takes state changes only as application/json');
      expect(emulator.tokens().map((t) => t.name)).toContain('stays');
    });

    it('GIVEN application/json with a charset, or a read without Content-Type WHEN sent THEN it is accepted', async () => {
      expect(
        (await raw('POST', '/_emulator/clock', { host: own(), 'content-type': 'Application/JSON; charset=utf-8' }, '{"advance":"1s"}'))
          .status,
      ).toBe(200);
      expect((await raw('GET', '/_emulator/counters', { host: own() })).status).toBe(200);
    });

    it.each([
      ['a DNS-rebinding host name', (port: number) => `attacker.example:${port}`],
      ['another port', (port: number) => `127.0.0.1:${port === 65535 ? 1 : port + 1}`],
      ['a missing port', () => '127.0.0.1'],
      ['a look-alike of localhost', (port: number) => `localhost.attacker.example:${port}`],
    ])('GIVEN %s in Host WHEN the control API is read or written THEN the answer is 403', async (_label, host) => {
      const read = await raw('GET', '/_emulator/tokens', { host: host(emulator.port) });
      const write = await raw('POST', '/_emulator/tokens', { host: host(emulator.port), 'content-type': 'application/json' }, mintBody);
      expect([read.status, write.status]).toEqual([403, 403]);
      expect(write.text).toContain(`http://127.0.0.1:${emulator.port}/_emulator/`);
      expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    });

    it.each([
      ['127.0.0.1', (port: number) => `127.0.0.1:${port}`],
      ['localhost', (port: number) => `localhost:${port}`],
      ['[::1]', (port: number) => `[::1]:${port}`],
    ])('GIVEN %s in Host WHEN the control API is read THEN it is accepted', async (_label, host) => {
      expect((await raw('GET', '/_emulator/clock', { host: host(emulator.port) })).status).toBe(200);
    });

    it('GIVEN a foreign Host and text/plain WHEN the token API is called THEN it is not refused (its clients send no such headers; it needs the admin token anyway)', async () => {
      const answer = await raw('POST', PATHS.exchange, { host: `attacker.example:${emulator.port}`, 'content-type': 'text/plain' }, '{}');
      expect(answer.status).not.toBe(403);
    });
  });
});
