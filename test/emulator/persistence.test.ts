/**
 * `statePath`: tokens, registration tokens, bearers (hashes only) and the clock offset survive a
 * restart; the file is replaced atomically and never holds a secret.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIELDS, FORBIDDEN_BODIES, PATHS } from '../../lib/contract/routes';
import { redeemResponseSchema } from '../../lib/contract/wire-schemas';
import { EmulatorError, startEmulator, type RunningEmulator } from '../../lib/emulator';
import { bearerFor, call, mint, thrownBy } from './helpers';

const ADMIN = 'a'.repeat(20) + 'dmin-token-for-persistence-tests';
let dir: string;
let statePath: string;
const running: RunningEmulator[] = [];

/** `null`: start without an admin token (a new one is generated). */
async function start(adminToken: string | null = ADMIN): Promise<RunningEmulator> {
  const emulator = await startEmulator({ statePath, ...(adminToken === null ? {} : { adminToken }) });
  running.push(emulator);
  return emulator;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlp-emulator-state-'));
  statePath = join(dir, 'state.json');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('GIVEN tokens, a registration token, a bearer and a clock offset WHEN the emulator restarts THEN all are restored', async () => {
    // GIVEN an emulator with a user token, an outstanding registration token, a bearer, and a clock 1h ahead
    const first = await start();
    const user = first.createToken({ name: 'kept', role: 'user', ttl: '5h' });
    const adminBearer = await bearerFor(first, ADMIN);
    const minted = await mint(first, adminBearer, { client_name: 'later', access_ttl: '3h', refresh_ttl: '1h', token_type: 'USER' });
    const registerToken = (minted.json as Record<string, string>)[FIELDS.registerToken]!;
    first.clock.advance('1h');
    const liveBearer = await bearerFor(first, ADMIN);
    const tokensBefore = first.tokens();
    const registerBefore = first.registerTokens();
    await first.close();

    // WHEN it starts again from the same file
    const second = await start();

    // THEN everything is back
    expect(second.tokens()).toEqual(tokensBefore);
    expect(second.registerTokens()).toEqual(registerBefore);
    expect(second.clock.now().getTime() - Date.now()).toBeGreaterThan(3600_000 - 5_000);
    expect((await call(second.url, 'GET', PATHS.whoAmI, { bearer: liveBearer })).status).toBe(200);
    await bearerFor(second, user.value);
    const redeemed = await call(second.url, 'POST', PATHS.redeemRegisterToken, { body: { [FIELDS.registerToken]: registerToken } });
    expect(redeemResponseSchema.parse(redeemed.json).client_name).toBe('later');
  });

  it('GIVEN a deleted token and a used registration token WHEN the emulator restarts THEN both stay so', async () => {
    const first = await start();
    first.createToken({ name: 'doomed', role: 'user' });
    const adminBearer = await bearerFor(first, ADMIN);
    await call(first.url, 'DELETE', PATHS.tokenByName('doomed'), { bearer: adminBearer });
    const minted = await mint(first, adminBearer, { client_name: 'once', access_ttl: '1h', token_type: 'USER' });
    const body = { [FIELDS.registerToken]: (minted.json as Record<string, string>)[FIELDS.registerToken] };
    expect((await call(first.url, 'POST', PATHS.redeemRegisterToken, { body })).status).toBe(201);
    await first.close();

    const second = await start();
    expect(second.tokens().map((t) => t.name)).toEqual(['emulator-admin', 'once']);
    const again = await call(second.url, 'POST', PATHS.redeemRegisterToken, { body });
    expect(again.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN tokens, bearers and registration tokens WHEN the state file is written THEN it holds only hashes, and no temporary file is left', async () => {
    const emulator = await start();
    const user = emulator.createToken({ name: 'secretive', role: 'admin' });
    const bearer = await bearerFor(emulator, user.value);
    const minted = await mint(emulator, bearer, { client_name: 'pending', access_ttl: '1h', token_type: 'USER' });
    const text = readFileSync(statePath, 'utf8');
    for (const secret of [ADMIN, user.value, bearer, (minted.json as Record<string, string>)[FIELDS.registerToken]!]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text)).toMatchObject({
      version: 1,
      tokens: [{ name: 'emulator-admin' }, { name: 'secretive' }],
      registerTokens: [{ name: 'pending' }],
    });
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('GIVEN a state with one admin value WHEN restarted without one THEN the admin token is bound to a new value', async () => {
    // GIVEN a state written with one admin value
    const first = await start();
    const adminId = first.tokens()[0]!.id;
    await first.close();
    // WHEN restarted without --admin-token
    const second = await start(null);
    // THEN the admin token keeps its id, answers to the new value, and no longer to the old one
    expect(second.adminToken).not.toBe(ADMIN);
    expect(second.tokens().map((t) => [t.id, t.name])).toEqual([[adminId, 'emulator-admin']]);
    await bearerFor(second, second.adminToken);
    const old = await call(second.url, 'POST', PATHS.exchange, { body: { refresh_token: ADMIN } });
    expect(old.text).toBe(FORBIDDEN_BODIES.expired);
  });

  it('GIVEN a state file that is not JSON WHEN the emulator starts THEN it rejects it', async () => {
    writeFileSync(statePath, '{ nope');
    await expect(startEmulator({ statePath })).rejects.toThrow(/^cannot use the state file .*state\.json: it is not JSON/);
  });

  it('GIVEN a state file of another shape WHEN the emulator starts THEN it rejects it with EmulatorError state', async () => {
    writeFileSync(statePath, JSON.stringify({ version: 2 }));
    const thrown = await thrownBy(() => startEmulator({ statePath }));
    expect(thrown).toBeInstanceOf(EmulatorError);
    expect((thrown as EmulatorError).code).toBe('state');
  });

  it('GIVEN no state file yet WHEN the emulator starts THEN it starts from nothing and creates it', async () => {
    const emulator = await start();
    expect(emulator.tokens()).toHaveLength(1);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).tokens).toHaveLength(1);
  });
});

describe('startEmulator options', () => {
  it.each([
    ['a short admin token', { adminToken: 'short' }, /^adminToken: the admin token must be at least 32 characters/],
    ['a port out of range', { port: 70000 }, /^port: 70000 is not a port/],
    ['a zero bearer lifetime', { bearerTtlSeconds: 0 }, /^bearerTtlSeconds: 0 is not a lifetime/],
    ['a bad admin token name', { adminTokenName: 'bad name' }, /^adminTokenName: "bad name" is not a valid token name/],
  ])('GIVEN %s WHEN startEmulator runs THEN it rejects with the message', async (_label, options, message) => {
    await expect(startEmulator(options)).rejects.toThrow(message);
  });

  it('GIVEN an admin token, name and issuer WHEN startEmulator runs THEN it uses them', async () => {
    const emulator = await startEmulator({ adminToken: ADMIN, adminTokenName: 'root', issuerName: 'boss@example.ru' });
    try {
      expect(emulator.adminToken).toBe(ADMIN);
      expect(emulator.tokens()).toEqual([
        expect.objectContaining({ name: 'root', role: 'admin', issuerName: 'boss@example.ru', expiresAt: null }),
      ]);
      expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    } finally {
      await emulator.close();
    }
  });

  it('GIVEN a closed emulator WHEN closed again THEN it is fine and serves nothing', async () => {
    const emulator = await startEmulator();
    await emulator.close();
    await emulator.close();
    await expect(fetch(`${emulator.url}${PATHS.whoAmI}`)).rejects.toThrow();
  });
});
