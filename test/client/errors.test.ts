/**
 * How answers become typed errors. A small real HTTP server plays the API, answering with the exact
 * bodies of the product documentation (`FORBIDDEN_BODIES`) and with malformed bodies the emulator
 * never sends.
 */
import { inspect } from 'node:util';
import {
  MlpApiError,
  MlpClient,
  MlpConfigurationError,
  MlpConflictError,
  MlpError,
  MlpForbiddenError,
  MlpNotFoundError,
  MlpRouteNotFoundError,
  MlpProtocolError,
  MlpServerError,
  MlpUnauthorizedError,
  MlpValidationError,
  MlpArgumentError,
  describeError,
} from '../../lib/client';
import { FORBIDDEN_BODIES, SCOPE_MANAGE, SCOPE_USE, PATHS } from '../../lib/contract/routes';
import { BEARER, STUB_TOKEN, caught, exchangeAnswer, stubbedApiPerTest, wireToken, type StubAnswer } from './stub-server';

const TOKEN = STUB_TOKEN;
const api = stubbedApiPerTest();
const apiAnswering = api.answering;

/** The `reason` of the configuration error `construct` throws. */
function configurationReason(construct: () => unknown): string | undefined {
  try {
    construct();
  } catch (err) {
    if (err instanceof MlpConfigurationError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('403 bodies of the product documentation', () => {
  test('GIVEN a User token WHEN it lists tokens THEN it throws MlpForbiddenError missing-scope, with the Administrator advice', async () => {
    const c = await apiAnswering({ status: 403, body: FORBIDDEN_BODIES.missingScopes([SCOPE_MANAGE]) });
    const err = await caught(c.listTokens());
    expect(err).toBeInstanceOf(MlpForbiddenError);
    const f = err as MlpForbiddenError;
    expect(f.code).toBe('forbidden');
    expect(f.reason).toBe('missing-scope');
    expect(f.missingScopes).toEqual([SCOPE_MANAGE]);
    expect(f.status).toBe(403);
    expect(f.warnorCode).toBe('ForbiddenException');
    expect(f.field).toBe(`KtoTam token does not contain the following scopes: ['${SCOPE_MANAGE}']`);
    expect(f.operation).toBe('list tokens');
    expect(f.method).toBe('GET');
    expect(f.path).toBe(PATHS.tokens);
    expect(f.message).toContain('list tokens (GET /v1_0/auth/tokens) needs an Administrator token (role ADMIN, scope ml-platform:Manage)');
    expect(f.message).toContain('the configured token is a User token. Use an Administrator token');
    expect(describeError(f).summary).toBe('MLP token lacks the Administrator role');
  });

  test('GIVEN a 403 naming two missing scopes WHEN who-am-I runs THEN it throws with both parsed, and the message names them', async () => {
    const c = await apiAnswering({ status: 403, body: FORBIDDEN_BODIES.missingScopes([SCOPE_USE, 'ml-platform:Other']) });
    const err = (await caught(c.whoAmI())) as MlpForbiddenError;
    expect(err.reason).toBe('missing-scope');
    expect(err.missingScopes).toEqual([SCOPE_USE, 'ml-platform:Other']);
    expect(err.message).toContain(`needs the scopes ${SCOPE_USE}, ml-platform:Other`);
  });

  test('GIVEN an expired token WHEN who-am-I runs THEN it throws MlpForbiddenError expired-or-revoked, saying to create a new one', async () => {
    const c = await apiAnswering({ status: 403, body: FORBIDDEN_BODIES.expired });
    const err = (await caught(c.whoAmI())) as MlpForbiddenError;
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect(err.reason).toBe('expired-or-revoked');
    expect(err.missingScopes).toEqual([]);
    expect(err.message).toMatch(/the token is expired, revoked, or the registration token was already used\. .*create a new one/);
  });

  test('GIVEN the exchange itself refused WHEN tokens are listed THEN it throws expired-or-revoked at the exchange, and sends nothing else', async () => {
    const stub = await api.start(() => ({ status: 403, body: FORBIDDEN_BODIES.expired }));
    const client = api.client({ endpoint: stub.url, token: TOKEN, maxRetries: 0 });
    const err = (await caught(client.listTokens())) as MlpForbiddenError;
    expect(err.reason).toBe('expired-or-revoked');
    expect(err.route).toBe('exchange');
    expect(err.message).toContain('exchange the token for a bearer (POST /v1_0/auth/refresh) was refused');
    expect(stub.requests.map((r) => r.url)).toEqual([PATHS.exchange]);
  });

  test('GIVEN a used registration token WHEN redeemed THEN it throws expired-or-revoked with the advice to mint a new one', async () => {
    const stub = await api.start(() => ({ status: 403, body: FORBIDDEN_BODIES.expired }));
    const client = api.client({ endpoint: stub.url, maxRetries: 0 });
    const err = (await caught(client.redeemRegisterToken('register-token-0123456789abcdef0123456789'))) as MlpForbiddenError;
    expect(err.reason).toBe('expired-or-revoked');
    expect(err.message).toContain('mint a new one');
    expect(err.outcomeUnknown).toBe(false);
  });
});

describe('other statuses', () => {
  const body = (status: number, code: string, field: string): StubAnswer => ({
    status,
    body: JSON.stringify({ status, warnorCode: code, warnorParams: { field } }),
  });

  test('GIVEN a taken name WHEN a registration token is minted for it THEN it throws MlpConflictError naming it, with the fix', async () => {
    const c = await apiAnswering(body(409, 'ConflictException', 'client_name'));
    const err = (await caught(c.mintRegisterToken({ clientName: 'ci', accessTtl: '15m', role: 'user' }))) as MlpConflictError;
    expect(err).toBeInstanceOf(MlpConflictError);
    expect(err.code).toBe('conflict');
    expect(err.tokenName).toBe('ci');
    expect(err.message).toContain('an access token named "ci" already exists; choose another name or delete it');
  });

  test('GIVEN an API that rejects a field WHEN minting THEN it throws MlpValidationError carrying the field', async () => {
    const c = await apiAnswering(body(400, 'ValidationException', 'access_ttl: must be at most 24h'));
    const err = (await caught(c.mintRegisterToken({ clientName: 'ci', accessTtl: '25h', role: 'user' }))) as MlpValidationError;
    expect(err).toBeInstanceOf(MlpValidationError);
    expect(err.field).toBe('access_ttl: must be at most 24h');
    expect(err.message).toContain('access_ttl: must be at most 24h');
  });

  test('GIVEN a 404 for who-am-I WHEN it runs THEN it throws MlpRouteNotFoundError (not a token not found) that points at the endpoint', async () => {
    const c = await apiAnswering(body(404, 'NotFoundException', 'no route'));
    const err = await caught(c.whoAmI());
    expect(err).toBeInstanceOf(MlpRouteNotFoundError);
    expect(err).not.toBeInstanceOf(MlpNotFoundError);
    expect((err as MlpError).code).toBe('route-not-found');
    expect(err.message).toMatch(/does not serve the MLP token API at this path .*Check the endpoint/);
  });

  test('GIVEN a 401 that survives a fresh exchange WHEN who-am-I runs THEN it throws MlpUnauthorizedError after exactly one re-exchange', async () => {
    const c = await apiAnswering(body(401, 'UnauthorizedException', 'bad bearer'));
    const err = await caught(c.whoAmI());
    expect(err).toBeInstanceOf(MlpUnauthorizedError);
    expect(api.stub.requests.map((r) => r.url)).toEqual([PATHS.exchange, PATHS.whoAmI, PATHS.exchange, PATHS.whoAmI]);
  });

  test('GIVEN a proxy that answers 500 with HTML WHEN tokens are listed THEN it throws MlpServerError with no warnorCode and no HTML', async () => {
    const c = await apiAnswering({ status: 500, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' });
    const err = (await caught(c.listTokens())) as MlpServerError;
    expect(err).toBeInstanceOf(MlpServerError);
    expect(err.status).toBe(500);
    expect(err.warnorCode).toBeUndefined();
    expect(err.message).not.toContain('<html>');
  });

  test('GIVEN an unexpected status (418) WHEN who-am-I runs THEN it throws a plain MlpApiError', async () => {
    const c = await apiAnswering({ status: 418, body: '{}' });
    const err = await caught(c.whoAmI());
    expect(err.constructor).toBe(MlpApiError);
    expect((err as MlpApiError).status).toBe(418);
  });
});

describe('values the API echoes back', () => {
  test('GIVEN a 400 field that echoes the bearer and the registration token WHEN the calls fail THEN neither survives in any rendering of the error', async () => {
    const registerToken = 'echoed-register-token-0123456789abcdef012';
    const stub = await api.start((req) => {
      if (req.url.endsWith(PATHS.exchange)) return exchangeAnswer();
      const sent = JSON.stringify(req.headers.authorization ?? JSON.parse(req.body || '{}'));
      return {
        status: 400,
        body: JSON.stringify({ status: 400, warnorCode: 'ValidationException', warnorParams: { field: `bad request ${sent}` } }),
      };
    });
    const client = api.client({ endpoint: stub.url, token: TOKEN, maxRetries: 0 });
    const errors = [await caught(client.whoAmI()), await caught(client.redeemRegisterToken(registerToken))];
    for (const err of errors) {
      expect(err).toBeInstanceOf(MlpValidationError);
      expect((err as MlpValidationError).field).toContain('bad request');
      for (const text of [
        err.message,
        err.stack ?? '',
        inspect(err, { showHidden: true }),
        JSON.stringify(err),
        describeError(err).detail,
      ]) {
        for (const secret of [BEARER, registerToken, TOKEN]) expect(text).not.toContain(secret);
      }
    }
  });

  test('GIVEN something that is not an MlpError WHEN described THEN known secrets are still scrubbed', () => {
    void new MlpClient({ endpoint: 'http://127.0.0.1:1', token: TOKEN }).close();
    const d = describeError(new TypeError(`boom ${TOKEN}`));
    expect(d.summary).toBe('Unexpected error');
    expect(d.detail).toBe('TypeError: boom [secret]');
    expect(describeError('plain').detail).toBe('plain');
  });
});

describe('protocol errors', () => {
  test('GIVEN a listed token with a malformed exp WHEN tokens are listed THEN it throws MlpProtocolError naming tokens[1].exp', async () => {
    const c = await apiAnswering({
      status: 200,
      body: JSON.stringify({ tokens: [wireToken('a'), wireToken('b', { exp: 'next tuesday' })] }),
    });
    const err = (await caught(c.listTokens())) as MlpProtocolError;
    expect(err).toBeInstanceOf(MlpProtocolError);
    expect(err.code).toBe('protocol');
    expect(err.fieldPath).toBe('tokens[1].exp');
    expect(err.message).toContain('list tokens (GET /v1_0/auth/tokens)');
    expect(err.message).toContain('tokens[1].exp');
    expect(err.message).not.toContain('next tuesday');
  });

  test('GIVEN a body that is not JSON at all WHEN who-am-I runs THEN it throws MlpProtocolError at (body)', async () => {
    const c = await apiAnswering({ status: 200, body: 'hello' });
    const err = (await caught(c.whoAmI())) as MlpProtocolError;
    expect(err.fieldPath).toBe('(body)');
  });

  test('GIVEN an unknown role WHEN who-am-I runs THEN it throws MlpProtocolError at token_type', async () => {
    const c = await apiAnswering({ status: 200, body: JSON.stringify(wireToken('me', { token_type: 'ROOT' })) });
    const err = (await caught(c.whoAmI())) as MlpProtocolError;
    expect(err.fieldPath).toBe('token_type');
  });

  test('GIVEN a malformed redeem answer WHEN redeemed THEN it throws with the outcome unknown, and the half-read value never shows', async () => {
    const value = 'half-read-refresh-token-0123456789abcdef';
    const stub = await api.start(() => ({
      status: 201,
      body: JSON.stringify({ ...wireToken('x'), created_at: 'never', refresh_token: value }),
    }));
    const client = api.client({ endpoint: stub.url, maxRetries: 0 });
    const err = (await caught(client.redeemRegisterToken('register-token-abcdef0123456789abcdef0123'))) as MlpProtocolError;
    expect(err.fieldPath).toBe('created_at');
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toContain('findToken');
    for (const text of [err.message, err.stack ?? '', inspect(err), JSON.stringify(err), describeError(err).detail]) {
      expect(text).not.toContain(value);
    }
  });
});

describe('requests on the wire', () => {
  test('GIVEN a mint WHEN sent THEN the body uses the contract field names and the bearer from the exchange', async () => {
    const stub = await api.start((req) =>
      req.url.endsWith(PATHS.exchange)
        ? exchangeAnswer()
        : {
            status: 201,
            body: JSON.stringify({
              register_token: 'minted-register-token-0123456789abcdef',
              client_name: 'ci',
              token_type: 'ADMIN',
              refresh_ttl: '2h',
              expires_at: '2025-01-01T00:15:00Z',
            }),
          },
    );
    const client = api.client({ endpoint: `${stub.url}/infra/mlplatform/`, token: TOKEN, userAgent: 'test-agent' });
    const minted = await client.mintRegisterToken({ clientName: 'ci', accessTtl: '15m', refreshTtl: '2h', role: 'admin' });
    expect(minted).toMatchObject({ name: 'ci', role: 'admin', accessTokenTtl: '2h', expiresAt: new Date('2025-01-01T00:15:00Z') });
    expect(minted.value.reveal()).toBe('minted-register-token-0123456789abcdef');
    const [exchange, mint] = stub.requests;
    expect(exchange!.url).toBe(`/infra/mlplatform${PATHS.exchange}`);
    expect(JSON.parse(exchange!.body)).toEqual({ refresh_token: TOKEN });
    expect(exchange!.headers.authorization).toBeUndefined();
    expect(mint!.url).toBe(`/infra/mlplatform${PATHS.mintRegisterToken}`);
    expect(JSON.parse(mint!.body)).toEqual({ client_name: 'ci', access_ttl: '15m', refresh_ttl: '2h', token_type: 'ADMIN' });
    expect(mint!.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(mint!.headers['user-agent']).toBe('test-agent');
  });

  test('GIVEN a token without an expiry in its metadata WHEN listed THEN expiresAt is null', async () => {
    const c = await apiAnswering({
      status: 200,
      body: JSON.stringify({ tokens: [wireToken('a'), wireToken('b', { exp: '2030-01-01T00:00:00Z', token_type: 'ADMIN' })] }),
    });
    const tokens = await c.listTokens();
    expect(tokens).toEqual([
      { id: 'id-a', name: 'a', role: 'user', issuerName: 'admin@example.ru', createdAt: new Date('2025-01-01T00:00:00Z'), expiresAt: null },
      {
        id: 'id-b',
        name: 'b',
        role: 'admin',
        issuerName: 'admin@example.ru',
        createdAt: new Date('2025-01-01T00:00:00Z'),
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      },
    ]);
    expect(await c.findToken('b')).toMatchObject({ name: 'b' });
    expect(await c.findToken('zzz')).toBeUndefined();
  });

  test('GIVEN a Date header WHEN a response arrives THEN serverNow follows the API clock', async () => {
    const serverDate = new Date(Date.now() + 3_600_000);
    const c = await apiAnswering({ status: 200, headers: { date: serverDate.toUTCString() }, body: JSON.stringify(wireToken('me')) });
    await c.whoAmI();
    expect(Math.abs(c.serverNow().getTime() - serverDate.getTime())).toBeLessThan(2_000);
  });
});

describe('arguments and configuration', () => {
  test.each([
    [{ clientName: '', accessTtl: '15m', role: 'user' }, 'clientName'],
    [{ clientName: 'bad name', accessTtl: '15m', role: 'user' }, 'clientName'],
    [{ clientName: 'ok', accessTtl: '15', role: 'user' }, 'accessTtl'],
    [{ clientName: 'ok', accessTtl: '15m', refreshTtl: '0s', role: 'user' }, 'refreshTtl'],
    [{ clientName: 'ok', accessTtl: '15m', role: 'root' }, 'role'],
  ])('GIVEN the request %j WHEN minting THEN it throws MlpArgumentError naming %s, before any request', async (req, argument) => {
    const c = await apiAnswering({ status: 500 });
    const err = (await caught(c.mintRegisterToken(req as never))) as MlpArgumentError;
    expect(err).toBeInstanceOf(MlpArgumentError);
    expect(err.argument).toBe(argument);
    expect(api.stub.requests).toHaveLength(0);
  });

  test.each(['', 'not a url', 'ftp://x', 'https://user:pw@host', 'https://host/?q=1'])(
    'GIVEN the endpoint %j WHEN a client is made THEN it throws MlpConfigurationError invalid-endpoint',
    (endpoint) => {
      expect(() => new MlpClient({ endpoint })).toThrow(MlpConfigurationError);
      expect(configurationReason(() => new MlpClient({ endpoint }))).toBe('invalid-endpoint');
    },
  );

  test.each([{ requestTimeoutMs: 0 }, { maxRetries: -1 }, { maxRetries: 1.5 }, { retryBaseDelayMs: Number.NaN }])(
    'GIVEN the option %j out of range WHEN a client is made THEN it throws MlpConfigurationError invalid-option',
    (opts) => {
      expect(() => new MlpClient({ endpoint: 'http://127.0.0.1:1', ...opts })).toThrow(MlpConfigurationError);
      expect(configurationReason(() => new MlpClient({ endpoint: 'http://127.0.0.1:1', ...opts }))).toBe('invalid-option');
    },
  );

  test('GIVEN a token that is only white space WHEN a client is made THEN it throws MlpConfigurationError invalid-token', () => {
    expect(configurationReason(() => new MlpClient({ endpoint: 'http://127.0.0.1:1', token: ' \n' }))).toBe('invalid-token');
  });

  test('GIVEN a client without a token WHEN an operation that needs one runs THEN it throws MlpConfigurationError missing-token, without any request', async () => {
    await apiAnswering({ status: 200 }, {}); // starts the stub server that must see no request
    const bare = new MlpClient({ endpoint: api.stub.url });
    const err = await caught(bare.listTokens());
    expect(err).toBeInstanceOf(MlpConfigurationError);
    expect((err as MlpConfigurationError).reason).toBe('missing-token');
    expect(err.message).toContain('needs an access token');
    expect(api.stub.requests).toHaveLength(0);
    await bare.close();
  });

  test('GIVEN a closed client WHEN who-am-I runs THEN it throws an error with code closed', async () => {
    const c = await apiAnswering({ status: 200, body: JSON.stringify(wireToken('me')) });
    await c.close();
    const err = await caught(c.whoAmI());
    expect(err.code).toBe('closed');
  });
});

/**
 * When a state-changing request may have landed although its answer never arrived, every error says
 * so once, with what to do for that route: the advice is part of the error (the `MlpError`
 * constructor adds it from the typed `outcomeUnknown` flag), not patched on later by matching text.
 */
describe('outcome advice', () => {
  const MINT_ADVICE = 'a registration token may have been minted; it expires unused, so minting again is safe';
  const mint = (c: MlpClient) => caught(c.mintRegisterToken({ clientName: 'ci', accessTtl: '5m', role: 'user' }));
  const occurrences = (text: string, part: string): number => text.split(part).length - 1;
  /** One answer per mint attempt, in order. */
  const inTurn = (answers: StubAnswer[]) => {
    let attempt = 0;
    return () => answers[attempt++]!;
  };

  test('GIVEN a mint whose first answer was lost WHEN the retry is refused with 409 THEN the conflict says once that a registration token may have been minted', async () => {
    const conflict: StubAnswer = {
      status: 409,
      body: JSON.stringify({ status: 409, warnorCode: 'ConflictException', warnorParams: { field: 'client_name' } }),
    };
    const err = await mint(await apiAnswering(inTurn(['destroy', conflict]), { maxRetries: 1 }));
    expect(err).toBeInstanceOf(MlpConflictError);
    expect(err.outcomeUnknown).toBe(true);
    expect(occurrences(err.message, MINT_ADVICE)).toBe(1);
    expect(occurrences(describeError(err).detail, 'The outcome is unknown')).toBe(1);
  });

  test('GIVEN a mint answered 201 with a body that is not JSON WHEN the client reads it THEN the message ends its sentence before the advice', async () => {
    const err = await mint(await apiAnswering({ status: 201, body: '<html>' }));
    expect(err).toBeInstanceOf(MlpProtocolError);
    expect(err.message).toMatch(/\(6 bytes\)\. The outcome is unknown: a registration token may have been minted/);
    expect(occurrences(describeError(err).detail, 'The outcome is unknown')).toBe(1);
  });

  test('GIVEN an error whose outcome is known WHEN it is described THEN no outcome advice is added', async () => {
    const err = await mint(
      await apiAnswering({ status: 400, body: JSON.stringify({ status: 400, warnorCode: 'BadRequestException', warnorParams: {} }) }),
    );
    expect(err.outcomeUnknown).toBe(false);
    expect(describeError(err).detail).not.toContain('outcome');
  });
});
