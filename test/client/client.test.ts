/**
 * The client against the real emulator over HTTP on 127.0.0.1: every operation, the bearer
 * exchange, the retry matrix (attempts counted by the emulator), deadlines and secret hygiene.
 */
import { inspect } from 'node:util';
import { Agent } from 'undici';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import {
  MlpClient,
  MlpConflictError,
  MlpError,
  MlpForbiddenError,
  MlpNetworkError,
  MlpRateLimitError,
  MlpServerError,
  MlpTimeoutError,
  Secret,
  describeError,
  type MlpClientOptions,
} from '../../lib/client';
import { SCOPE_MANAGE, type RouteName } from '../../lib/contract/routes';

let emu: RunningEmulator;
const clients: MlpClient[] = [];
/** Every secret value a test handles; none may appear in any text the client produces. */
const secrets = new Set<string>();
/** Every text the client produced: error messages, stacks, inspections, JSON, log lines. */
const texts: string[] = [];
const logLines: string[] = [];

beforeEach(async () => {
  emu = await startEmulator({ port: 0, control: true, seed: 7 });
  secrets.add(emu.adminToken);
});

afterEach(async () => {
  for (const c of clients.splice(0)) {
    texts.push(inspect(c), JSON.stringify(c));
    await c.close();
  }
  await emu.close();
});

afterAll(() => {
  // The suite-wide leak check: covers every error and log line of every test above.
  expect(texts.length).toBeGreaterThan(50);
  for (const text of [...texts, ...logLines]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
});

/** A client with fast, deterministic retries (full jitter at its ceiling) and a logger. */
function client(token: string | undefined = emu.adminToken, options: Partial<MlpClientOptions> = {}): MlpClient {
  const c = new MlpClient({
    endpoint: emu.url,
    token,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    random: () => 1,
    logger: (line) => logLines.push(line),
    ...options,
  });
  clients.push(c);
  return c;
}

function userToken(name = 'user-1'): string {
  const { value } = emu.createToken({ name, role: 'user' });
  secrets.add(value);
  return value;
}

/** Awaits a rejection, records its every rendering for the leak check, and returns it. */
async function failure<E extends MlpError = MlpError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MlpError);
    const e = err as E;
    const d = describeError(e);
    texts.push(e.message, e.stack ?? '', inspect(e, { depth: 5, showHidden: true }), JSON.stringify(e), d.summary, d.detail);
    return e;
  }
  throw new Error('expected the call to throw');
}

function requests(route: RouteName): number {
  return emu.counters()[route];
}

async function mintAndRedeem(admin: MlpClient, name: string, refreshTtl?: string) {
  const minted = await admin.mintRegisterToken({ clientName: name, accessTtl: '15m', role: 'user', ...(refreshTtl ? { refreshTtl } : {}) });
  secrets.add(minted.value.reveal());
  const issued = await client(undefined).redeemRegisterToken(minted.value);
  secrets.add(issued.value.reveal());
  return { minted, issued };
}

describe('operations', () => {
  test('GIVEN the admin token WHEN asking who am I THEN the emulator admin comes back', async () => {
    const me = await client().whoAmI();
    expect(me).toMatchObject({ name: 'emulator-admin', role: 'admin', issuerName: 'admin@example.ru', expiresAt: null });
    expect(me.createdAt).toBeInstanceOf(Date);
    expect(typeof me.id).toBe('string');
  });

  test('GIVEN a seeded user token WHEN listing THEN both tokens are there, and findToken finds one by name', async () => {
    userToken('user-1');
    const admin = client();
    const names = (await admin.listTokens()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['emulator-admin', 'user-1']));
    expect(await admin.findToken('user-1')).toMatchObject({ name: 'user-1', role: 'user' });
    expect(await admin.findToken('nobody')).toBeUndefined();
  });

  test('GIVEN an admin WHEN minting, redeeming without credentials, using and deleting a token THEN each step shows in the emulator', async () => {
    const admin = client();
    const minted = await admin.mintRegisterToken({ clientName: 'ci-bot', accessTtl: '15m', refreshTtl: '2h', role: 'user' });
    secrets.add(minted.value.reveal());
    expect(minted).toMatchObject({ name: 'ci-bot', role: 'user', accessTokenTtl: '2h' });
    expect(minted.value).toBeInstanceOf(Secret);
    expect(minted.expiresAt.getTime() - emu.clock.now().getTime()).toBeGreaterThan(14 * 60_000);

    const anonymous = client(undefined);
    const issued = await anonymous.redeemRegisterToken(minted.value.reveal());
    secrets.add(issued.value.reveal());
    expect(issued).toMatchObject({ name: 'ci-bot', role: 'user', issuerName: 'admin@example.ru' });
    expect(issued.expiresAt!.getTime() - issued.createdAt.getTime()).toBe(2 * 3_600_000);
    expect(emu.tokens().map((t) => t.name)).toContain('ci-bot');

    const bot = client(issued.value.reveal());
    expect(await bot.whoAmI()).toMatchObject({ name: 'ci-bot', id: issued.id });

    expect(await admin.deleteToken('ci-bot')).toBe(true);
    expect(emu.tokens().map((t) => t.name)).not.toContain('ci-bot');
    expect(await admin.deleteToken('ci-bot')).toBe(false);

    const err = await failure<MlpForbiddenError>(bot.whoAmI());
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect(err.reason).toBe('expired-or-revoked');
  });

  test('GIVEN a redeemed registration token WHEN redeemed again THEN it throws MlpForbiddenError expired-or-revoked, saying to mint a new one', async () => {
    const admin = client();
    const { minted } = await mintAndRedeem(admin, 'once');
    const err = await failure<MlpForbiddenError>(client(undefined).redeemRegisterToken(minted.value));
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect(err.reason).toBe('expired-or-revoked');
    expect(err.outcomeUnknown).toBe(false);
    expect(err.message).toContain('mint a new one');
  });

  test('GIVEN a registration token past its lifetime WHEN redeemed THEN it throws MlpForbiddenError expired-or-revoked', async () => {
    const minted = await client().mintRegisterToken({ clientName: 'late', accessTtl: '1m', role: 'user' });
    secrets.add(minted.value.reveal());
    emu.clock.advance('2m');
    const err = await failure<MlpForbiddenError>(client(undefined).redeemRegisterToken(minted.value));
    expect(err.reason).toBe('expired-or-revoked');
  });

  test('GIVEN a name already taken WHEN a registration token is minted for it THEN it throws MlpConflictError naming it', async () => {
    userToken('taken');
    const err = await failure<MlpConflictError>(client().mintRegisterToken({ clientName: 'taken', accessTtl: '15m', role: 'user' }));
    expect(err).toBeInstanceOf(MlpConflictError);
    expect(err.message).toContain('an access token named "taken" already exists; choose another name or delete it');
  });

  test('GIVEN a User token WHEN it lists tokens THEN it throws MlpForbiddenError missing-scope, with the Administrator message', async () => {
    const err = await failure<MlpForbiddenError>(client(userToken()).listTokens());
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect(err.reason).toBe('missing-scope');
    expect(err.missingScopes).toEqual([SCOPE_MANAGE]);
    expect(err.message).toContain(
      'needs an Administrator token (role ADMIN, scope ml-platform:Manage); the configured token is a User token. Use an Administrator token',
    );
  });

  test('GIVEN a User token WHEN it deletes or mints THEN it throws MlpForbiddenError missing-scope', async () => {
    const user = client(userToken());
    expect((await failure<MlpForbiddenError>(user.deleteToken('emulator-admin'))).reason).toBe('missing-scope');
    expect((await failure<MlpForbiddenError>(user.mintRegisterToken({ clientName: 'x', accessTtl: '1m', role: 'admin' }))).reason).toBe(
      'missing-scope',
    );
  });

  test('GIVEN a configured token that has expired WHEN it is exchanged THEN it throws MlpForbiddenError expired-or-revoked at the exchange', async () => {
    const { value } = emu.createToken({ name: 'short', role: 'admin', ttl: '1h' });
    secrets.add(value);
    emu.clock.advance('2h');
    const err = await failure<MlpForbiddenError>(client(value).whoAmI());
    expect(err.reason).toBe('expired-or-revoked');
    expect(err.route).toBe('exchange');
    expect(err.message).toContain('create a new one');
  });

  test('GIVEN the emulator clock is two hours ahead WHEN a response arrives THEN serverNow follows it', async () => {
    emu.clock.advance('2h');
    const c = client();
    expect(Math.abs(c.serverNow().getTime() - Date.now())).toBeLessThan(2_000);
    await c.whoAmI();
    expect(Math.abs(c.serverNow().getTime() - emu.clock.now().getTime())).toBeLessThan(1_500);
  });

  test('GIVEN a shared keep-alive dispatcher WHEN a client closes THEN the dispatcher still serves others', async () => {
    const agent = new Agent({ keepAliveTimeout: 5_000 });
    try {
      const first = client(emu.adminToken, { dispatcher: agent });
      await first.whoAmI();
      await first.close();
      const second = client(emu.adminToken, { dispatcher: agent });
      expect((await second.whoAmI()).name).toBe('emulator-admin');
    } finally {
      await agent.close();
    }
  });
});

describe('the bearer exchange', () => {
  test('GIVEN ten concurrent calls on a fresh client WHEN they start together THEN one exchange serves them all', async () => {
    const c = client();
    const results = await Promise.all(Array.from({ length: 10 }, () => c.whoAmI()));
    expect(results.every((r) => r.name === 'emulator-admin')).toBe(true);
    expect(requests('exchange')).toBe(1);
    expect(requests('whoami')).toBe(10);
    await c.listTokens();
    expect(requests('exchange')).toBe(1);
  });

  test('GIVEN a cached bearer WHEN the API clock passes its lifetime THEN the 401 causes exactly one new exchange and the call succeeds', async () => {
    const c = client();
    await c.whoAmI();
    emu.clock.advance('1h');
    emu.resetCounters();
    expect((await c.whoAmI()).name).toBe('emulator-admin');
    expect(emu.counters()).toMatchObject({ exchange: 1, whoami: 2 });
    // And the new bearer is cached again.
    await c.whoAmI();
    expect(emu.counters()).toMatchObject({ exchange: 1, whoami: 3 });
  });

  test('GIVEN ten concurrent calls WHEN their bearer went stale THEN they share a single re-exchange', async () => {
    const c = client();
    await c.whoAmI();
    emu.clock.advance('1h');
    emu.resetCounters();
    await Promise.all(Array.from({ length: 10 }, () => c.whoAmI()));
    expect(requests('exchange')).toBe(1);
    expect(requests('whoami')).toBe(20);
  });

  test('GIVEN a short bearer lifetime WHEN it is about to expire locally THEN the client exchanges before using it', async () => {
    await emu.close();
    emu = await startEmulator({ port: 0, control: true, bearerTtlSeconds: 60 });
    secrets.add(emu.adminToken);
    let now = Date.now();
    const c = client(emu.adminToken, { now: () => now });
    await c.whoAmI();
    now += 53_000; // a 60 s bearer is refreshed 6 s early: at 53 s it is still used
    await c.whoAmI();
    expect(requests('exchange')).toBe(1);
    now += 2_000; // at 55 s it is not
    await c.whoAmI();
    expect(requests('exchange')).toBe(2);
    expect(requests('whoami')).toBe(3);
  });
});

describe('retries, counted by the emulator', () => {
  interface Case {
    readonly name: string;
    readonly route: RouteName;
    readonly script: string[];
    readonly maxRetries?: number;
    readonly requests: number;
    readonly outcome: 'ok' | { readonly error: new (...args: never[]) => MlpError; readonly outcomeUnknown: boolean };
  }
  const cases: Case[] = [
    { name: 'list: 429 then 200', route: 'list', script: ['429:0', 'ok'], requests: 2, outcome: 'ok' },
    {
      name: 'list: three 503s with maxRetries 2',
      route: 'list',
      script: ['503', '503', '503'],
      maxRetries: 2,
      requests: 3,
      outcome: { error: MlpServerError, outcomeUnknown: false },
    },
    { name: 'list: 502 then 200', route: 'list', script: ['502', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'whoami: 504 then 200', route: 'whoami', script: ['504', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'whoami: reset then 200', route: 'whoami', script: ['reset', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'whoami: 500 then 200 (changes nothing, so retried)', route: 'whoami', script: ['500', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'list: 500 then 200 (changes nothing, so retried)', route: 'list', script: ['500', 'ok'], requests: 2, outcome: 'ok' },
    {
      name: 'delete: 500 is not retried (outcome unknown)',
      route: 'delete',
      script: ['500', 'ok'],
      requests: 1,
      outcome: { error: MlpServerError, outcomeUnknown: true },
    },
    {
      name: 'mint: 500 is not retried',
      route: 'mint',
      script: ['500', 'ok'],
      requests: 1,
      outcome: { error: MlpServerError, outcomeUnknown: true },
    },
    { name: 'mint: 503 then 201', route: 'mint', script: ['503', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'mint: lost then 201 (safe to repeat)', route: 'mint', script: ['lost', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'mint: 502 then 201 (safe to repeat)', route: 'mint', script: ['502', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'redeem: 429 then 201', route: 'redeem', script: ['429:0', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'redeem: 503 then 201', route: 'redeem', script: ['503', 'ok'], requests: 2, outcome: 'ok' },
    {
      name: 'redeem: lost is not retried',
      route: 'redeem',
      script: ['lost', 'ok'],
      requests: 1,
      outcome: { error: MlpNetworkError, outcomeUnknown: true },
    },
    {
      name: 'redeem: reset is not retried',
      route: 'redeem',
      script: ['reset', 'ok'],
      requests: 1,
      outcome: { error: MlpNetworkError, outcomeUnknown: true },
    },
    {
      name: 'redeem: 502 is not retried',
      route: 'redeem',
      script: ['502', 'ok'],
      requests: 1,
      outcome: { error: MlpServerError, outcomeUnknown: true },
    },
    { name: 'delete: 503 then 204', route: 'delete', script: ['503', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'delete: lost then 404 means deleted', route: 'delete', script: ['lost', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'exchange: 503 then 200', route: 'exchange', script: ['503', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'exchange: lost then 200 (safe to repeat)', route: 'exchange', script: ['lost', 'ok'], requests: 2, outcome: 'ok' },
    { name: 'exchange: 500 then 200 (changes nothing, so retried)', route: 'exchange', script: ['500', 'ok'], requests: 2, outcome: 'ok' },
  ];

  /** Runs the operation of `route` and returns what it resolved to. */
  async function run(route: RouteName, maxRetries: number | undefined): Promise<unknown> {
    const opts = maxRetries === undefined ? {} : { maxRetries };
    switch (route) {
      case 'exchange':
      case 'whoami':
        return client(emu.adminToken, opts).whoAmI();
      case 'list':
        return client(emu.adminToken, opts).listTokens();
      case 'mint':
        return client(emu.adminToken, opts).mintRegisterToken({ clientName: 'retry-me', accessTtl: '5m', role: 'user' });
      case 'redeem': {
        const minted = await client().mintRegisterToken({ clientName: 'retry-me', accessTtl: '5m', role: 'user' });
        secrets.add(minted.value.reveal());
        const issued = await client(undefined, opts).redeemRegisterToken(minted.value);
        secrets.add(issued.value.reveal());
        return issued;
      }
      case 'delete':
        emu.createToken({ name: 'retry-me', role: 'user' });
        return client(emu.adminToken, opts).deleteToken('retry-me');
    }
  }

  test.each(cases)('GIVEN $name WHEN $route runs THEN the emulator counts $requests request(s)', async (c) => {
    emu.faults.script(c.route, c.script);
    const pending = run(c.route, c.maxRetries);
    if (c.outcome === 'ok') {
      const result = await pending;
      if (c.route === 'delete') expect(result).toBe(true);
    } else {
      const err = await failure(pending);
      expect(err).toBeInstanceOf(c.outcome.error);
      expect(err.outcomeUnknown).toBe(c.outcome.outcomeUnknown);
      expect(err.attempts).toBe(c.requests);
    }
    expect(requests(c.route)).toBe(c.requests);
  });

  test('GIVEN a redeem whose answer was lost WHEN the provider reconciles by name THEN the token exists and can be deleted', async () => {
    const admin = client();
    const minted = await admin.mintRegisterToken({ clientName: 'orphan', accessTtl: '5m', role: 'user' });
    secrets.add(minted.value.reveal());
    emu.faults.script('redeem', ['lost']);
    const err = await failure(client(undefined).redeemRegisterToken(minted.value));
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toContain('The outcome is unknown');
    expect(describeError(err).summary).toBe('MLP API connection lost; outcome unknown');
    expect(await admin.findToken('orphan')).toBeDefined();
    expect(await admin.deleteToken('orphan')).toBe(true);
  });

  test('GIVEN a delete of a missing name WHEN the first attempt got a 503 THEN the 404 that follows means "not there" (false)', async () => {
    emu.faults.script('delete', ['503', 'ok']);
    expect(await client().deleteToken('never-existed')).toBe(false);
    expect(requests('delete')).toBe(2);
  });

  test('GIVEN a 429 with Retry-After 1 WHEN backoff alone would wait 1 ms THEN the client waits the second', async () => {
    const c = client();
    await c.whoAmI();
    emu.faults.script('list', ['429:1', 'ok']);
    const started = performance.now();
    await c.listTokens();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests('list')).toBe(2);
  });

  test('GIVEN a Retry-After longer than the deadline leaves WHEN the client would wait THEN it throws MlpRateLimitError at once, with retryAfterMs', async () => {
    const c = client(emu.adminToken, { requestTimeoutMs: 2_000 });
    await c.whoAmI();
    emu.faults.script('list', ['429:30', 'ok']);
    const started = performance.now();
    const err = await failure<MlpRateLimitError>(c.listTokens());
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(MlpRateLimitError);
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.message).toContain('the API asked to wait 30s');
    expect(requests('list')).toBe(1);
  });

  test('GIVEN an endpoint that refuses connections WHEN a redeem runs THEN it throws MlpNetworkError after every retry, outcome known even for redeem', async () => {
    const closed = await startEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    const c = new MlpClient({ endpoint: url, maxRetries: 2, retryBaseDelayMs: 1, random: () => 1 });
    clients.push(c);
    const err = await failure<MlpNetworkError>(c.redeemRegisterToken('register-token-value-0123456789abcdef01'));
    expect(err).toBeInstanceOf(MlpNetworkError);
    expect(err.errno).toBe('ECONNREFUSED');
    expect(err.attempts).toBe(3);
    expect(err.outcomeUnknown).toBe(false);
    expect(err.message).toContain('could not connect');
  });
});

describe('timeouts', () => {
  test('GIVEN an answer slower than requestTimeoutMs WHEN tokens are listed THEN it throws MlpTimeoutError naming the operation', async () => {
    const c = client(emu.adminToken, { requestTimeoutMs: 300 });
    emu.faults.script('list', ['delay:3000']);
    const started = performance.now();
    const err = await failure<MlpTimeoutError>(c.listTokens());
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(MlpTimeoutError);
    expect(err.kind).toBe('deadline');
    expect(err.message).toBe('list tokens (GET /v1_0/auth/tokens) timed out after 300ms.');
    expect(err.outcomeUnknown).toBe(false);
  });

  test('GIVEN a redeem answer slower than requestTimeoutMs WHEN redeemed THEN it throws MlpTimeoutError with the outcome unknown', async () => {
    const minted = await client().mintRegisterToken({ clientName: 'slow', accessTtl: '5m', role: 'user' });
    secrets.add(minted.value.reveal());
    emu.faults.script('redeem', ['delay:3000']);
    const err = await failure<MlpTimeoutError>(client(undefined, { requestTimeoutMs: 300 }).redeemRegisterToken(minted.value));
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toContain('redeem registration token (POST /v1_0/auth/register_tokens/redeem) timed out after 300ms');
  });

  test('GIVEN a per-attempt headers timeout WHEN one attempt hangs THEN a GET is retried and succeeds within the deadline', async () => {
    const c = client(emu.adminToken, { headersTimeoutMs: 300, requestTimeoutMs: 5_000 });
    await c.whoAmI();
    emu.faults.script('list', ['delay:3000', 'ok']);
    await c.listTokens();
    expect(requests('list')).toBe(2);
  });

  test('GIVEN an exchange that hangs WHEN who-am-I waits for it THEN it throws MlpTimeoutError naming who-am-I', async () => {
    emu.faults.script('exchange', ['delay:3000']);
    const err = await failure<MlpTimeoutError>(client(emu.adminToken, { requestTimeoutMs: 300 }).whoAmI());
    expect(err.message).toBe('who am I (GET /v1_0/auth/whoami) timed out after 300ms.');
  });
});

describe('secrets never leak', () => {
  test('GIVEN every kind of failure WHEN rendered in every way THEN no token, registration token or value appears', async () => {
    const admin = client();
    const { issued } = await mintAndRedeem(admin, 'leaky');
    const user = client(userToken('leak-user'));
    const errors = [
      await failure(user.listTokens()),
      await failure(client(`${'x'.repeat(40)}-unknown-token`).whoAmI()),
      await failure(client(undefined).redeemRegisterToken(issued.value)),
      await failure(admin.mintRegisterToken({ clientName: 'leaky', accessTtl: '1m', role: 'user' })),
    ];
    secrets.add(`${'x'.repeat(40)}-unknown-token`);
    emu.faults.script('redeem', ['lost']);
    const minted = await admin.mintRegisterToken({ clientName: 'leaky-2', accessTtl: '1m', role: 'admin' });
    secrets.add(minted.value.reveal());
    errors.push(await failure(client(undefined).redeemRegisterToken(minted.value)));
    const renderings = [
      ...errors.flatMap((e) => [
        e.message,
        e.stack ?? '',
        inspect(e, { showHidden: true, depth: 10 }),
        JSON.stringify(e),
        String(e.cause ?? ''),
      ]),
      inspect(admin, { showHidden: true, depth: 10 }),
      JSON.stringify(admin),
      JSON.stringify(issued),
      inspect(issued, { depth: 10 }),
      JSON.stringify(minted),
      ...logLines,
    ];
    expect(logLines.length).toBeGreaterThan(5);
    for (const text of renderings) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    texts.push(...renderings);
  });
});
