/**
 * The modeled contract, route by route, over real HTTP: success shapes checked with the client's
 * zod schemas, and every error body checked byte for byte.
 */
import { durationProblem } from '../../lib/contract/duration';
import { FIELDS, FORBIDDEN_BODIES, PATHS, SCOPE_MANAGE } from '../../lib/contract/routes';
import {
  exchangeResponseSchema,
  mintResponseSchema,
  redeemResponseSchema,
  tokenInfoSchema,
  tokenListSchema,
} from '../../lib/contract/wire-schemas';
import { nameProblem } from '../../lib/contract/validation';
import { ManualClock, startEmulator, type RunningEmulator } from '../../lib/emulator';
import { bearerFor, call, errorBody, mint } from './helpers';

const START = new Date('2030-01-01T00:00:00.000Z');
const MISSING_MANAGE = FORBIDDEN_BODIES.missingScopes([SCOPE_MANAGE]);

let emulator: RunningEmulator;
let clock: ManualClock;
let adminBearer: string;

beforeAll(async () => {
  clock = new ManualClock(START);
  emulator = await startEmulator({ clock });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  emulator.clock.set(START);
  adminBearer = await bearerFor(emulator, emulator.adminToken);
});

async function userBearer(name = 'alice'): Promise<string> {
  const { value } = emulator.createToken({ name, role: 'user' });
  return bearerFor(emulator, value);
}

async function mintAndRedeem(body: Record<string, unknown>) {
  const minted = await mint(emulator, adminBearer, { token_type: 'USER', access_ttl: '1h', ...body });
  expect(minted.status).toBe(201);
  const registerToken = (minted.json as Record<string, string>)[FIELDS.registerToken];
  return call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body: { [FIELDS.registerToken]: registerToken } });
}

describe('exchange', () => {
  it('GIVEN a valid access token WHEN exchanged THEN the answer is a bearer', async () => {
    // WHEN
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: emulator.adminToken } });
    // THEN
    expect(answer.status).toBe(200);
    const body = exchangeResponseSchema.parse(answer.json);
    expect(body.expires_in).toBe(900);
    expect(body.access_token.length).toBeGreaterThanOrEqual(32);
    expect(answer.headers.get('date')).toBe(START.toUTCString());
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('GIVEN an unknown access token WHEN exchanged THEN it is refused with the exact expired body', async () => {
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: 'x'.repeat(43) } });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN an access token past its lifetime WHEN exchanged THEN it is refused', async () => {
    // GIVEN a token that lives one hour
    const { value } = emulator.createToken({ name: 'short', role: 'user', ttl: '1h' });
    await bearerFor(emulator, value);
    // WHEN the hour has passed
    emulator.clock.advance('1h');
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: value } });
    // THEN
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it.each([
    ['no field', {}, 'refresh_token: is required'],
    ['a number', { refresh_token: 5 }, 'refresh_token: expected a string, got number'],
  ])('GIVEN an exchange body with %s WHEN sent THEN it is refused with 400 naming the field', async (_label, body, field) => {
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { body });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(errorBody(400, 'ValidationException', field));
  });

  it.each([
    ['invalid JSON', '{"refresh_token":', 'body: the body is not valid JSON; send a JSON object'],
    ['an empty body', '', 'body: the request has no body; send a JSON object'],
    ['a JSON array', '[]', 'body: expected a JSON object'],
  ])('GIVEN %s as the exchange body WHEN sent THEN it is refused with 400', async (_label, rawBody, field) => {
    const answer = await call(emulator.url, 'POST', PATHS.exchange, { rawBody });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(errorBody(400, 'ValidationException', field));
  });

  it('GIVEN bearerTtlSeconds WHEN a token is exchanged THEN the bearer lives that long', async () => {
    const short = await startEmulator({ bearerTtlSeconds: 60 });
    try {
      const answer = await call(short.url, 'POST', PATHS.exchange, { body: { refresh_token: short.adminToken } });
      expect(exchangeResponseSchema.parse(answer.json).expires_in).toBe(60);
    } finally {
      await short.close();
    }
  });
});

describe('who am I', () => {
  it('GIVEN an admin bearer WHEN who-am-I is asked THEN it describes the caller', async () => {
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer: adminBearer });
    expect(answer.status).toBe(200);
    const info = tokenInfoSchema.parse(answer.json);
    expect(info).toEqual({
      id: emulator.tokens()[0]!.id,
      client_name: 'emulator-admin',
      token_type: 'ADMIN',
      issuer_name: 'admin@example.ru',
      created_at: expect.any(String),
      exp: null,
    });
  });

  it('GIVEN a USER bearer WHEN who-am-I is asked THEN it describes that token too', async () => {
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer: await userBearer() });
    expect(answer.status).toBe(200);
    expect(tokenInfoSchema.parse(answer.json)).toMatchObject({ client_name: 'alice', token_type: 'USER' });
  });

  it('GIVEN no bearer WHEN who-am-I is asked THEN it is refused with 401', async () => {
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      status: 401,
      warnorCode: 'UnauthorizedException',
      warnorParams: { field: expect.stringContaining('Authorization header is missing') },
    });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each([
    ['an unknown bearer', { authorization: `Bearer ${'u'.repeat(43)}` }],
    ['a header that is not Bearer', { authorization: 'Basic abc' }],
  ])('GIVEN %s WHEN who-am-I is asked THEN it is refused with 401', async (_label, headers) => {
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI, { headers });
    expect(answer.status).toBe(401);
    expect((answer.json as { warnorCode: string }).warnorCode).toBe('UnauthorizedException');
  });

  it('GIVEN a bearer older than its lifetime WHEN who-am-I is asked THEN it is refused with 401', async () => {
    // GIVEN a bearer that lives 900 s
    emulator.clock.advance(899_000);
    expect((await call(emulator.url, 'GET', PATHS.whoAmI, { bearer: adminBearer })).status).toBe(200);
    // WHEN its lifetime is over
    emulator.clock.advance('1s');
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer: adminBearer });
    // THEN
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      status: 401,
      warnorCode: 'UnauthorizedException',
      warnorParams: { field: 'the bearer token has expired; exchange the access token again' },
    });
  });

  it('GIVEN the bearer of an access token that expired meanwhile WHEN who-am-I is asked THEN it is refused with the exact expired body', async () => {
    // GIVEN a token that lives 10 minutes and a bearer from it
    const { value } = emulator.createToken({ name: 'brief', role: 'user', ttl: '10m' });
    const bearer = await bearerFor(emulator, value);
    // WHEN the token expires (its bearer has not yet)
    emulator.clock.advance('10m');
    const answer = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer });
    // THEN
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN_BODIES.expired);
  });
});

describe('list', () => {
  it('GIVEN several access tokens WHEN listed THEN every one is in the list', async () => {
    emulator.createToken({ name: 'bob', role: 'user', ttl: '2h' });
    const answer = await call(emulator.url, 'GET', PATHS.tokens, { bearer: adminBearer });
    expect(answer.status).toBe(200);
    const { tokens } = tokenListSchema.parse(answer.json);
    expect(tokens.map((t) => [t.client_name, t.token_type, t.exp])).toEqual([
      ['emulator-admin', 'ADMIN', null],
      ['bob', 'USER', new Date(START.getTime() + 2 * 3600_000).toISOString()],
    ]);
  });

  it('GIVEN a USER token WHEN it lists THEN it is refused with the exact missing-scope body', async () => {
    const answer = await call(emulator.url, 'GET', PATHS.tokens, { bearer: await userBearer() });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(MISSING_MANAGE);
    expect(answer.text).toBe(
      `{"status":403,"warnorCode":"ForbiddenException","warnorParams":{"field":"KtoTam token does not contain the following scopes: ['ml-platform:Manage']"}}`,
    );
  });

  it('GIVEN an expired token WHEN listed THEN it is still there with its name, until it is deleted', async () => {
    // GIVEN a token that expired
    emulator.createToken({ name: 'old', role: 'user', ttl: '1m' });
    emulator.clock.advance('5m');
    adminBearer = await bearerFor(emulator, emulator.adminToken);
    // WHEN listing
    const answer = await call(emulator.url, 'GET', PATHS.tokens, { bearer: adminBearer });
    // THEN it is there, expired
    const old = tokenListSchema.parse(answer.json).tokens.find((t) => t.client_name === 'old');
    expect(old?.exp).toBe(new Date(START.getTime() + 60_000).toISOString());
    expect(emulator.tokens().find((t) => t.name === 'old')?.expired).toBe(true);
    // AND its name is still taken
    const again = await mint(emulator, adminBearer, { client_name: 'old', access_ttl: '1h', token_type: 'USER' });
    expect(again.status).toBe(409);
  });
});

describe('mint', () => {
  it('GIVEN an admin WHEN it mints THEN the answer is a registration token', async () => {
    const answer = await mint(emulator, adminBearer, {
      client_name: 'ci-runner',
      access_ttl: '2h45m30s',
      refresh_ttl: '90m',
      token_type: 'ADMIN',
    });
    expect(answer.status).toBe(201);
    const body = mintResponseSchema.parse(answer.json);
    expect(body).toEqual({
      register_token: expect.any(String),
      client_name: 'ci-runner',
      token_type: 'ADMIN',
      refresh_ttl: '90m',
      expires_at: new Date(START.getTime() + 9930_000).toISOString(),
    });
    expect(emulator.registerTokens()).toEqual([
      expect.objectContaining({ name: 'ci-runner', role: 'admin', tokenType: 'ADMIN', refreshTtl: '90m', expiresAt: body.expires_at }),
    ]);
    expect(JSON.stringify(emulator.registerTokens())).not.toContain(body.register_token);
  });

  it('GIVEN a mint without refresh_ttl WHEN answered THEN refresh_ttl is null', async () => {
    const answer = await mint(emulator, adminBearer, { client_name: 'forever', access_ttl: '1h', token_type: 'USER' });
    expect(mintResponseSchema.parse(answer.json).refresh_ttl).toBeNull();
  });

  it('GIVEN a USER token WHEN it mints THEN it is refused with the exact missing-scope body', async () => {
    const answer = await mint(emulator, await userBearer(), { client_name: 'x', access_ttl: '1h', token_type: 'USER' });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(MISSING_MANAGE);
  });

  it.each([
    ['client_name is missing', { access_ttl: '1h', token_type: 'USER' }, 'client_name: is required'],
    [
      'client_name is not a name',
      { client_name: 'bad name', access_ttl: '1h', token_type: 'USER' },
      `client_name: ${nameProblem('bad name')}`,
    ],
    [
      'client_name is too long',
      { client_name: 'a'.repeat(65), access_ttl: '1h', token_type: 'USER' },
      `client_name: ${nameProblem('a'.repeat(65))}`,
    ],
    ['access_ttl is missing', { client_name: 'n', token_type: 'USER' }, 'access_ttl: is required'],
    ['access_ttl is zero', { client_name: 'n', access_ttl: '0s', token_type: 'USER' }, `access_ttl: ${durationProblem('0s')}`],
    ['access_ttl is not a duration', { client_name: 'n', access_ttl: '1d', token_type: 'USER' }, `access_ttl: ${durationProblem('1d')}`],
    [
      'refresh_ttl is not a duration',
      { client_name: 'n', access_ttl: '1h', refresh_ttl: 'soon', token_type: 'USER' },
      `refresh_ttl: ${durationProblem('soon')}`,
    ],
    [
      'token_type is unknown',
      { client_name: 'n', access_ttl: '1h', token_type: 'ROOT' },
      'token_type: "ROOT" is not a token type; use "USER" or "ADMIN"',
    ],
    [
      'token_type is lower case',
      { client_name: 'n', access_ttl: '1h', token_type: 'user' },
      'token_type: "user" is not a token type; use "USER" or "ADMIN"',
    ],
  ])('GIVEN a mint where %s WHEN sent THEN it is refused with 400 naming the field, and nothing is minted', async (_label, body, field) => {
    const answer = await mint(emulator, adminBearer, body);
    expect(answer.status).toBe(400);
    expect(answer.text).toBe(errorBody(400, 'ValidationException', field));
    expect(emulator.registerTokens()).toEqual([]);
  });

  it('GIVEN an access token of that name WHEN a registration token is minted for it THEN it is refused with 409', async () => {
    emulator.createToken({ name: 'taken', role: 'user' });
    const answer = await mint(emulator, adminBearer, { client_name: 'taken', access_ttl: '1h', token_type: 'USER' });
    expect(answer.status).toBe(409);
    expect(answer.text).toBe(errorBody(409, 'ConflictException', 'client_name: an access token named "taken" already exists'));
  });
});

describe('redeem', () => {
  it('GIVEN a registration token WHEN redeemed THEN the access token it describes is created, without credentials', async () => {
    // WHEN
    const answer = await mintAndRedeem({ client_name: 'worker', refresh_ttl: '2h', token_type: 'USER' });
    // THEN
    expect(answer.status).toBe(201);
    const body = redeemResponseSchema.parse(answer.json);
    expect(body).toMatchObject({
      client_name: 'worker',
      token_type: 'USER',
      issuer_name: 'admin@example.ru',
      created_at: START.toISOString(),
      exp: new Date(START.getTime() + 2 * 3600_000).toISOString(),
    });
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin', 'worker']);
    expect(emulator.registerTokens()).toEqual([]);
    // AND the new value works
    const bearer = await bearerFor(emulator, body.refresh_token);
    expect((await call(emulator.url, 'GET', PATHS.whoAmI, { bearer })).json).toMatchObject({ id: body.id });
  });

  it('GIVEN a registration token redeemed late WHEN the access token is made THEN its lifetime counts from the redeem', async () => {
    const minted = await mint(emulator, adminBearer, { client_name: 'later', access_ttl: '1h', refresh_ttl: '30m', token_type: 'USER' });
    emulator.clock.advance('45m');
    const answer = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, {
      body: { register_token: (minted.json as { register_token: string }).register_token },
    });
    expect(redeemResponseSchema.parse(answer.json).exp).toBe(new Date(START.getTime() + 75 * 60_000).toISOString());
  });

  it('GIVEN a registration token without refresh_ttl WHEN redeemed THEN the token never expires', async () => {
    const answer = await mintAndRedeem({ client_name: 'eternal' });
    expect(redeemResponseSchema.parse(answer.json).exp).toBeNull();
  });

  it('GIVEN a second admin with its own issuer WHEN it mints and the token is redeemed THEN the new token has that issuer_name', async () => {
    // GIVEN a second admin with its own issuer
    const other = emulator.createToken({ name: 'other-admin', role: 'admin', issuerName: 'ops@example.ru' });
    adminBearer = await bearerFor(emulator, other.value);
    // WHEN it mints and the token is redeemed
    const answer = await mintAndRedeem({ client_name: 'ops-token' });
    // THEN
    expect(redeemResponseSchema.parse(answer.json).issuer_name).toBe('ops@example.ru');
  });

  it('GIVEN a redeemed registration token WHEN redeemed again THEN it is refused with the exact expired body', async () => {
    const minted = await mint(emulator, adminBearer, { client_name: 'once', access_ttl: '1h', token_type: 'USER' });
    const body = { register_token: (minted.json as { register_token: string }).register_token };
    expect((await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body })).status).toBe(201);
    const second = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body });
    expect(second.status).toBe(403);
    expect(second.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN an unknown registration token WHEN redeemed THEN it is refused with the exact expired body', async () => {
    const answer = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body: { register_token: 'r'.repeat(43) } });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN a registration token past its access_ttl WHEN redeemed THEN it is refused', async () => {
    // GIVEN a registration token that lives 2h45m30s
    const minted = await mint(emulator, adminBearer, { client_name: 'slow', access_ttl: '2h45m30s', token_type: 'USER' });
    const body = { register_token: (minted.json as { register_token: string }).register_token };
    // WHEN that time has passed
    emulator.clock.advance('2h45m30s');
    const answer = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body });
    // THEN
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN_BODIES.expired);
    expect(emulator.registerTokens()).toEqual([]);
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
  });

  it('GIVEN a name taken after minting WHEN the registration token is redeemed THEN it is refused with 409 and stays usable', async () => {
    // GIVEN a registration token for "dup", and then a token named "dup" made another way
    const minted = await mint(emulator, adminBearer, { client_name: 'dup', access_ttl: '1h', token_type: 'USER' });
    const body = { register_token: (minted.json as { register_token: string }).register_token };
    emulator.createToken({ name: 'dup', role: 'user' });
    // WHEN redeeming
    const answer = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body });
    // THEN
    expect(answer.status).toBe(409);
    expect(answer.text).toBe(errorBody(409, 'ConflictException', 'client_name: an access token named "dup" already exists'));
    // AND once the clash is gone, the same registration token works
    expect((await call(emulator.url, 'DELETE', PATHS.tokenByName('dup'), { bearer: adminBearer })).status).toBe(204);
    expect((await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body })).status).toBe(201);
  });

  it('GIVEN no register_token WHEN a redeem is sent THEN it is refused with 400', async () => {
    const answer = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body: {} });
    expect(answer.text).toBe(errorBody(400, 'ValidationException', 'register_token: is required'));
  });
});

describe('delete', () => {
  it('GIVEN a user token with a live bearer WHEN it is deleted by name THEN the bearer stops working at once', async () => {
    // GIVEN a user token with a live bearer
    const { value } = emulator.createToken({ name: 'doomed', role: 'user' });
    const bearer = await bearerFor(emulator, value);
    // WHEN it is deleted
    const answer = await call(emulator.url, 'DELETE', PATHS.tokenByName('doomed'), { bearer: adminBearer });
    // THEN
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    const whoami = await call(emulator.url, 'GET', PATHS.whoAmI, { bearer });
    expect(whoami.status).toBe(403);
    expect(whoami.text).toBe(FORBIDDEN_BODIES.expired);
    const exchange = await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: value } });
    expect(exchange.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN an unknown name WHEN deleted THEN the answer is 404', async () => {
    const answer = await call(emulator.url, 'DELETE', PATHS.tokenByName('ghost'), { bearer: adminBearer });
    expect(answer.status).toBe(404);
    expect(answer.text).toBe(errorBody(404, 'NotFoundException', 'no access token named "ghost"'));
  });

  it('GIVEN a USER token WHEN it deletes THEN it is refused with the exact missing-scope body', async () => {
    const answer = await call(emulator.url, 'DELETE', PATHS.tokenByName('emulator-admin'), { bearer: await userBearer() });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(MISSING_MANAGE);
    expect(emulator.tokens()).toHaveLength(2);
  });

  it('GIVEN a deleted token WHEN a new token takes its name THEN the name is free', async () => {
    emulator.createToken({ name: 'reused', role: 'user' });
    await call(emulator.url, 'DELETE', PATHS.tokenByName('reused'), { bearer: adminBearer });
    expect(() => emulator.createToken({ name: 'reused', role: 'admin' })).not.toThrow();
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/v1_0/auth/nothing'],
    ['GET', PATHS.exchange],
    ['PUT', PATHS.tokens],
    ['GET', '/_emulator/clock'],
    ['DELETE', `${PATHS.tokens}/`],
  ])('GIVEN %s %s WHEN requested THEN the answer is 404 and nothing is counted', async (method, path) => {
    emulator.resetCounters();
    const answer = await call(emulator.url, method, path, { bearer: adminBearer });
    expect(answer.status).toBe(404);
    expect(answer.text).toBe(errorBody(404, 'NotFoundException', `no route ${method} ${path}`));
    expect(Object.values(emulator.counters()).every((n) => n === 0)).toBe(true);
  });

  it("GIVEN a set emulator clock WHEN any request is answered THEN the Date header is that clock's time", async () => {
    emulator.clock.set(new Date('2031-06-15T12:34:56.789Z'));
    for (const answer of [
      await call(emulator.url, 'GET', '/nowhere'),
      await call(emulator.url, 'GET', PATHS.whoAmI),
      await call(emulator.url, 'POST', PATHS.exchange, { body: { refresh_token: emulator.adminToken } }),
    ]) {
      expect(answer.headers.get('date')).toBe('Sun, 15 Jun 2031 12:34:56 GMT');
    }
  });

  it('GIVEN a query string WHEN who-am-I is asked THEN it is ignored', async () => {
    const answer = await call(emulator.url, 'GET', `${PATHS.whoAmI}?x=1`, { bearer: adminBearer });
    expect(answer.status).toBe(200);
  });
});
