/**
 * Fault injection and counters: scripted steps table by table, seeded probabilities replayed,
 * and the difference between `reset` (nothing applied) and `lost` (applied, answer dropped).
 */
import { FIELDS, PATHS, ROUTE_NAMES, type RouteName } from '../../lib/contract/routes';
import { EmulatorError, mulberry32, startEmulator, type FaultProbabilities, type RunningEmulator } from '../../lib/emulator';
import { bearerFor, call, errorBody, mint, thrownBy } from './helpers';

let emulator: RunningEmulator;
let adminBearer: string;

beforeAll(async () => {
  // A fixed seed keeps the statistical test below deterministic.
  emulator = await startEmulator({ seed: 1234 });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  adminBearer = await bearerFor(emulator, emulator.adminToken);
  emulator.resetCounters();
});

const whoami = () => call(emulator.url, 'GET', PATHS.whoAmI, { bearer: adminBearer });
const list = () => call(emulator.url, 'GET', PATHS.tokens, { bearer: adminBearer });

describe('scripted faults', () => {
  it.each([
    ['500', 'InternalServerException'],
    ['502', 'BadGatewayException'],
    ['503', 'ServiceUnavailableException'],
    ['504', 'GatewayTimeoutException'],
  ] as const)('GIVEN a scripted %s WHEN a mint is sent THEN it is answered with that error body before processing', async (step, code) => {
    // GIVEN
    emulator.faults.script('mint', [step]);
    // WHEN
    const answer = await mint(emulator, adminBearer, { client_name: 'n', access_ttl: '1h', token_type: 'USER' });
    // THEN
    expect(answer.status).toBe(Number(step));
    expect(answer.text).toBe(errorBody(Number(step), code, `injected fault: the server answered ${step}`));
    expect(answer.headers.get('date')).not.toBeNull();
    expect(emulator.registerTokens()).toEqual([]);
  });

  it('GIVEN a script of 429, 503, ok WHEN requests follow THEN one step is used per request, then it serves normally, and the counter sees every attempt', async () => {
    // GIVEN 429 (Retry-After 2), then 503, then ok
    emulator.faults.script('list', ['429:2', '503', 'ok']);
    // WHEN
    const answers = [await list(), await list(), await list(), await list()];
    // THEN
    expect(answers.map((a) => a.status)).toEqual([429, 503, 200, 200]);
    expect(answers[0]!.headers.get('retry-after')).toBe('2');
    expect(answers[0]!.text).toBe(errorBody(429, 'TooManyRequestsException', 'too many requests; retry after 2s'));
    expect(answers[1]!.headers.get('retry-after')).toBeNull();
    expect(emulator.counters()).toEqual({ exchange: 0, whoami: 0, list: 4, mint: 0, redeem: 0, delete: 0 });
  });

  it('GIVEN a bare 429 WHEN answered THEN it sends Retry-After: 1', async () => {
    emulator.faults.script('whoami', ['429']);
    const answer = await whoami();
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  it('GIVEN steps in object form WHEN scripted THEN they are answered as the string forms are', async () => {
    emulator.faults.script('whoami', [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 429, retryAfterSeconds: 7 },
      { kind: 'ok' },
    ]);
    const answers = [await whoami(), await whoami(), await whoami()];
    expect(answers.map((a) => a.status)).toEqual([503, 429, 200]);
    expect(answers[1]!.headers.get('retry-after')).toBe('7');
  });

  it('GIVEN a script for one route WHEN another route is called THEN it is not faulted', async () => {
    emulator.faults.script('list', ['503']);
    expect((await whoami()).status).toBe(200);
    expect((await list()).status).toBe(503);
  });

  it('GIVEN a script set earlier WHEN a new one is set THEN it replaces the first', async () => {
    emulator.faults.script('whoami', ['503', '503']);
    emulator.faults.script('whoami', ['502']);
    expect([(await whoami()).status, (await whoami()).status]).toEqual([502, 200]);
  });

  it('GIVEN a reset scripted for delete WHEN a token is deleted THEN the connection fails and the change is not applied', async () => {
    // GIVEN a token and a reset scripted for delete
    emulator.createToken({ name: 'victim', role: 'user' });
    emulator.faults.script('delete', ['reset']);
    // WHEN
    await expect(call(emulator.url, 'DELETE', PATHS.tokenByName('victim'), { bearer: adminBearer })).rejects.toThrow();
    // THEN the token is still there, and the attempt was counted once
    expect(emulator.tokens().map((t) => t.name)).toContain('victim');
    expect(emulator.counters().delete).toBe(1);
  });

  it('GIVEN a lost scripted for delete WHEN a token is deleted THEN the change is applied and the answer dropped', async () => {
    // GIVEN
    emulator.createToken({ name: 'victim', role: 'user' });
    emulator.faults.script('delete', ['lost']);
    // WHEN
    await expect(call(emulator.url, 'DELETE', PATHS.tokenByName('victim'), { bearer: adminBearer })).rejects.toThrow();
    // THEN the delete happened; a repeat says 404
    expect(emulator.tokens().map((t) => t.name)).not.toContain('victim');
    expect((await call(emulator.url, 'DELETE', PATHS.tokenByName('victim'), { bearer: adminBearer })).status).toBe(404);
    expect(emulator.counters().delete).toBe(2);
  });

  it('GIVEN a lost redeem WHEN it is repeated THEN the token exists and the repeat is refused', async () => {
    const minted = await mint(emulator, adminBearer, { client_name: 'orphan', access_ttl: '1h', token_type: 'USER' });
    const body = { [FIELDS.registerToken]: (minted.json as Record<string, string>)[FIELDS.registerToken] };
    emulator.faults.script('redeem', ['lost']);
    await expect(call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body })).rejects.toThrow();
    expect(emulator.tokens().map((t) => t.name)).toContain('orphan');
    expect((await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body })).status).toBe(403);
  });

  it('GIVEN a scripted delay WHEN a request is sent THEN it is answered normally after the delay', async () => {
    emulator.faults.script('whoami', ['delay:150']);
    const started = performance.now();
    const answer = await whoami();
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('GIVEN a script and probabilities WHEN requests are sent THEN the script wins until used up', async () => {
    emulator.faults.probabilities('*', { '503': 1 });
    emulator.faults.script('whoami', ['ok', '502']);
    expect([(await whoami()).status, (await whoami()).status, (await whoami()).status]).toEqual([200, 502, 503]);
  });

  it('GIVEN a script partly used WHEN state() is read THEN it shows the remaining steps', async () => {
    emulator.faults.script('list', ['503', 'delay:5', 'ok']);
    await list();
    expect(emulator.faults.state().scripts).toEqual({ list: [{ kind: 'delay', ms: 5 }, { kind: 'ok' }] });
  });

  it.each([
    ['an unknown step', () => emulator.faults.script('list', ['418'])],
    ['a misspelt step', () => emulator.faults.script('list', ['delay'])],
    ['an unknown route', () => emulator.faults.script('nope' as RouteName, ['ok'])],
    ['a script for "*"', () => emulator.faults.script('*' as RouteName, ['ok'])],
    ['an object step of an unknown kind', () => emulator.faults.script('list', [{ kind: 'explode' } as never])],
  ])('GIVEN %s WHEN scripted THEN it throws EmulatorError validation', async (_label, act) => {
    const thrown = await thrownBy(act);
    expect(thrown).toBeInstanceOf(EmulatorError);
    expect((thrown as EmulatorError).code).toBe('validation');
  });

  it('GIVEN a bad step WHEN scripted THEN the error names the step and the grammar', () => {
    expect(() => emulator.faults.script('list', ['ok', '418'])).toThrow(/^script\[1\]: "418" is not a fault step; use one of "500", "502"/);
  });
});

describe('probabilistic faults', () => {
  const P: FaultProbabilities = { '500': 0.2, '503': 0.1, '429': 0.2, retryAfterSeconds: 3 };

  async function statuses(target: RunningEmulator, count: number): Promise<number[]> {
    const bearer = await bearerFor(target, target.adminToken);
    const out: number[] = [];
    for (let i = 0; i < count; i += 1) out.push((await call(target.url, 'GET', PATHS.whoAmI, { bearer })).status);
    return out;
  }

  it('GIVEN two emulators with the same seed WHEN each answers the same requests THEN the fault sequences are the same', async () => {
    // GIVEN two emulators with seed 42 and the same probabilities
    const a = await startEmulator({ seed: 42, faults: { probabilities: { whoami: P } } });
    const b = await startEmulator({ seed: 42, faults: { probabilities: { whoami: P } } });
    const c = await startEmulator({ seed: 43, faults: { probabilities: { whoami: P } } });
    try {
      // WHEN each answers 60 requests
      const [sa, sb, sc] = [await statuses(a, 60), await statuses(b, 60), await statuses(c, 60)];
      // THEN the sequences match, mix faults and successes, and another seed differs
      expect(sa).toEqual(sb);
      expect(sc).not.toEqual(sa);
      expect(new Set(sa)).toEqual(new Set([200, 500, 503, 429]));
      expect(a.seed).toBe(42);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('GIVEN traffic on other routes WHEN a route is faulted by chance THEN its sequence does not change', async () => {
    const a = await startEmulator({ seed: 9, faults: { probabilities: { whoami: P } } });
    const b = await startEmulator({ seed: 9, faults: { probabilities: { whoami: P } } });
    try {
      const bearer = await bearerFor(b, b.adminToken);
      const interleaved: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        await call(b.url, 'GET', PATHS.tokens, { bearer });
        interleaved.push((await call(b.url, 'GET', PATHS.whoAmI, { bearer })).status);
      }
      expect(interleaved).toEqual(await statuses(a, 30));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('GIVEN probabilities WHEN cleared and set again THEN the sequence starts over', async () => {
    const a = await startEmulator({ seed: 5 });
    try {
      a.faults.probabilities('*', P);
      const first = await statuses(a, 30);
      a.faults.clear();
      a.faults.probabilities('*', P);
      expect(await statuses(a, 30)).toEqual(first);
    } finally {
      await a.close();
    }
  });

  it('GIVEN probabilities for "*" WHEN a route sets its own THEN the route\'s win', async () => {
    emulator.faults.probabilities('*', { '503': 1 });
    emulator.faults.probabilities('whoami', {});
    expect((await whoami()).status).toBe(200);
    expect((await list()).status).toBe(503);
  });

  it('GIVEN a 25% share WHEN many requests are sent THEN roughly that share is faulted', async () => {
    emulator.faults.probabilities('whoami', { '503': 0.25, delay: { p: 0.5, ms: 1 } });
    const results = [];
    for (let i = 0; i < 200; i += 1) results.push((await whoami()).status);
    const share = results.filter((s) => s === 503).length / results.length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.38);
    expect(emulator.counters().whoami).toBe(200);
  });

  it('GIVEN reset, then lost, with probability 1 WHEN requested THEN each request fails and is counted', async () => {
    emulator.faults.probabilities('whoami', { reset: 1 });
    await expect(whoami()).rejects.toThrow();
    emulator.faults.probabilities('whoami', { lost: 1 });
    await expect(whoami()).rejects.toThrow();
    expect(emulator.counters().whoami).toBe(2);
  });

  it.each([
    ['a probability above 1', { '500': 1.5 }, /probabilities: 500: /],
    ['exclusive probabilities adding up to more than 1', { '500': 0.6, reset: 0.6 }, /add up to 1.2/],
    ['an unknown key', { '418': 0.1 }, /probabilities: /],
    ['a negative delay', { delay: { p: 0.1, ms: -1 } }, /delay\.ms/],
  ])('GIVEN %s WHEN probabilities are set THEN it throws', (_label, p, message) => {
    expect(() => emulator.faults.probabilities('*', p as FaultProbabilities)).toThrow(message);
  });
});

describe('the faults option', () => {
  it('GIVEN faults in the options WHEN the emulator starts THEN they apply from the first request', async () => {
    const e = await startEmulator({ faults: { scripts: { whoami: ['503'] }, probabilities: { list: { '502': 1 } } } });
    try {
      const bearer = await bearerFor(e, e.adminToken);
      expect((await call(e.url, 'GET', PATHS.whoAmI, { bearer })).status).toBe(503);
      expect((await call(e.url, 'GET', PATHS.whoAmI, { bearer })).status).toBe(200);
      expect((await call(e.url, 'GET', PATHS.tokens, { bearer })).status).toBe(502);
    } finally {
      await e.close();
    }
  });

  it('GIVEN an invalid faults option WHEN the emulator starts THEN it rejects naming the bad entry', async () => {
    await expect(startEmulator({ faults: { scripts: { list: ['nope'] } } as never })).rejects.toThrow(
      'faults.scripts.list[0]: "nope" is not a fault step',
    );
    await expect(startEmulator({ faults: { probabilities: { everything: { '500': 0.1 } } } as never })).rejects.toThrow(
      /faults.probabilities.everything: "everything" is not a route/,
    );
  });
});

describe('counters and reset', () => {
  it('GIVEN one request per route WHEN counted and then resetCounters() THEN each counts 1, then 0', async () => {
    await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: 'bad' } });
    await whoami();
    await list();
    await mint(emulator, adminBearer, {});
    await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body: {} });
    await call(emulator.url, 'DELETE', PATHS.tokenByName('x'), { bearer: adminBearer });
    expect(emulator.counters()).toEqual(Object.fromEntries(ROUTE_NAMES.map((r) => [r, 1])));
    emulator.resetCounters();
    expect(emulator.counters()).toEqual(Object.fromEntries(ROUTE_NAMES.map((r) => [r, 0])));
  });

  it('GIVEN tokens, faults and counts WHEN reset() THEN just the admin token is back, without faults or counts', async () => {
    // GIVEN tokens, faults and counts
    emulator.createToken({ name: 'extra', role: 'admin' });
    await mint(emulator, adminBearer, { client_name: 'pending', access_ttl: '1h', token_type: 'USER' });
    await call(emulator.url, 'DELETE', PATHS.tokenByName('emulator-admin'), { bearer: adminBearer });
    emulator.faults.script('whoami', ['503']);
    // WHEN
    emulator.reset();
    // THEN
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    expect(emulator.registerTokens()).toEqual([]);
    expect(emulator.counters()).toEqual(Object.fromEntries(ROUTE_NAMES.map((r) => [r, 0])));
    const bearer = await bearerFor(emulator, emulator.adminToken);
    expect((await call(emulator.url, 'GET', PATHS.whoAmI, { bearer })).status).toBe(200);
  });
});

describe('mulberry32', () => {
  it('GIVEN a seed WHEN mulberry32 draws THEN it is deterministic and stays in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
