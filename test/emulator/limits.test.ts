/**
 * Unbounded lifetimes (issue 10, item 4), over real HTTP: a mint asking for more than the longest
 * lifetime is refused with a 400 in the contract's error shape and stores nothing, and a record that
 * is already stored with an instant past year 9999 (a state file written before the cap) can no
 * longer make a list, a who-am-I or a redeem answer 500.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { FIELDS, PATHS } from '../../lib/contract/routes';
import { redeemResponseSchema, tokenListSchema } from '../../lib/contract/wire-schemas';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { bearerFor, call, mint } from './helpers';

const ADMIN = 'admin-token-for-the-limits-tests-0123456789';
let dir: string;
let emulator: RunningEmulator | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-limits-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a lifetime past the cap', () => {
  test.each([
    [FIELDS.refreshTtl, { refresh_ttl: '999999999999h' }],
    [FIELDS.refreshTtl, { refresh_ttl: '100000000h' }],
    [FIELDS.accessTtl, { access_ttl: '876001h' }],
  ])(
    'GIVEN a mint with %s too long WHEN sent THEN 400 ValidationException naming the field and the limit, and nothing is stored',
    async (field, body) => {
      emulator = await startEmulator({ adminToken: ADMIN });
      const bearer = await bearerFor(emulator, ADMIN);
      const answer = await mint(emulator, bearer, { client_name: 'forever', access_ttl: '1h', token_type: 'USER', ...body });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        status: 400,
        warnorCode: 'ValidationException',
        warnorParams: { field: expect.stringMatching(new RegExp(`^${field}: .* is too long: a duration here is at most 876000h`)) },
      });
      expect(emulator.registerTokens()).toEqual([]);
      const list = await call(emulator.url, 'GET', PATHS.tokens, { bearer });
      expect(list.status).toBe(200);
    },
  );

  test('GIVEN the longest lifetime allowed WHEN minted and redeemed THEN the expiry is a valid timestamp the client schema accepts, and the list still answers 200', async () => {
    emulator = await startEmulator({ adminToken: ADMIN });
    const bearer = await bearerFor(emulator, ADMIN);
    const minted = await mint(emulator, bearer, { client_name: 'century', access_ttl: '1h', refresh_ttl: '876000h', token_type: 'USER' });
    expect(minted.status).toBe(201);
    const redeemed = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, {
      body: { register_token: (minted.json as Record<string, string>).register_token },
    });
    expect(redeemed.status).toBe(201);
    expect(redeemResponseSchema.safeParse(redeemed.json).success).toBe(true);
    const list = await call(emulator.url, 'GET', PATHS.tokens, { bearer });
    expect(list.status).toBe(200);
    expect(tokenListSchema.safeParse(list.json).success).toBe(true);
  });
});

describe('a state file written before the cap', () => {
  const hash = (value: string): string => createHash('sha256').update(value).digest('hex');
  const FAR = 999_999_999_999 * 3600 * 1000; // what `ttl = "999999999999h"` stored: far past year 275760

  test('GIVEN a token and a registration token stored with instants past year 9999 WHEN the emulator starts from that file THEN list and redeem answer, with timestamps the client accepts', async () => {
    const statePath = join(dir, 'state.json');
    const registerToken = 'register-token-from-an-old-state-file-0123456789';
    writeFileSync(
      statePath,
      JSON.stringify({
        version: 1,
        tokens: [
          {
            id: 'old-1',
            name: 'forever',
            tokenType: 'USER',
            issuerName: 'admin@example.ru',
            createdAtMs: Date.now(),
            expMs: FAR,
            hash: hash('x'.repeat(43)),
          },
        ],
        registerTokens: [
          {
            id: 'reg-1',
            name: 'also-forever',
            tokenType: 'USER',
            issuerName: 'admin@example.ru',
            refreshTtl: '999999999999h',
            refreshTtlSeconds: 999_999_999_999 * 3600,
            createdAtMs: Date.now(),
            expMs: Date.now() + 3_600_000,
            hash: hash(registerToken),
          },
        ],
        bearers: [],
      }),
    );
    emulator = await startEmulator({ adminToken: ADMIN, statePath });
    const bearer = await bearerFor(emulator, ADMIN);

    const list = await call(emulator.url, 'GET', PATHS.tokens, { bearer });
    expect(list.status).toBe(200);
    expect(tokenListSchema.safeParse(list.json).success).toBe(true);
    const forever = (list.json as { tokens: { client_name: string; exp: string }[] }).tokens.find((t) => t.client_name === 'forever')!;
    expect(forever.exp).toBe('9999-12-31T23:59:59.999Z');

    const redeemed = await call(emulator.url, 'POST', PATHS.redeemRegisterToken, { body: { register_token: registerToken } });
    expect(redeemed.status).toBe(201);
    expect(redeemResponseSchema.safeParse(redeemed.json).success).toBe(true);

    const again = await call(emulator.url, 'GET', PATHS.tokens, { bearer });
    expect(again.status).toBe(200);
    expect(tokenListSchema.safeParse(again.json).success).toBe(true);
    expect(
      emulator
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['also-forever', 'emulator-admin', 'forever']);
  });
});
