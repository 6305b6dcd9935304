/**
 * The client's contract suite: the same test bodies run against a real MLP endpoint or the emulator.
 *
 * - `MLP_ENDPOINT` and `MLP_TOKEN` both set: the real API. Read-only (who am I, list, a refused
 *   unknown token) unless `MLP_CONTRACT_WRITE=1`, which also mints, redeems and deletes tokens
 *   named `mlp-contract-*` and deletes whatever it created at the end.
 * - Otherwise: a fresh emulator on 127.0.0.1, with writes on.
 *
 * `npm run test:contract` runs this file alone.
 */
import { randomBytes } from 'node:crypto';
import { ENV_ENDPOINT, ENV_TOKEN } from '../../lib/constants';
import { MlpClient, MlpConflictError, MlpForbiddenError, Secret, isDuration, nameProblem, type TokenInfo } from '../../lib/client';
import { SCOPE_MANAGE } from '../../lib/contract/routes';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';

const NAME_PREFIX = 'mlp-contract-';

/** Decided when the file loads, so skipped tests show as skipped. */
const REAL = Boolean(process.env[ENV_ENDPOINT] && process.env[ENV_TOKEN]);
const WRITES = !REAL || process.env.MLP_CONTRACT_WRITE === '1';

/** A test that creates and deletes tokens: always against the emulator, opt-in against a real endpoint. */
const writeTest = WRITES ? test : test.skip;
/** A test that needs a User token, which only the emulator can create. */
const userTokenTest = REAL ? test.skip : test;

interface Target {
  readonly mode: 'real' | 'emulator';
  readonly endpoint: string;
  readonly token: Secret;
  readonly writes: boolean;
  /** A User-role token, when the target can provide one (the emulator can). */
  readonly userToken: Secret | undefined;
  close(): Promise<void>;
}

async function openTarget(): Promise<Target> {
  const endpoint = process.env[ENV_ENDPOINT];
  const token = process.env[ENV_TOKEN];
  if (REAL && endpoint && token) {
    return {
      mode: 'real',
      endpoint,
      token: new Secret(token),
      writes: WRITES,
      userToken: undefined,
      close: async () => undefined,
    };
  }
  const emu: RunningEmulator = await startEmulator({ port: 0 });
  return {
    mode: 'emulator',
    endpoint: emu.url,
    token: new Secret(emu.adminToken),
    writes: true,
    userToken: new Secret(emu.createToken({ name: `${NAME_PREFIX}user`, role: 'user' }).value),
    close: () => emu.close(),
  };
}

let target: Target;
let admin: MlpClient;
let me: TokenInfo;
const clients: MlpClient[] = [];
/** Names this run created, deleted at the end whatever happened. */
const created = new Set<string>();

function newClient(token: Secret | undefined): MlpClient {
  const c = new MlpClient({ endpoint: target.endpoint, token, requestTimeoutMs: 30_000 });
  clients.push(c);
  return c;
}

function uniqueName(): string {
  return `${NAME_PREFIX}${randomBytes(5).toString('hex')}`;
}

jest.setTimeout(60_000);

beforeAll(async () => {
  target = await openTarget();
  admin = newClient(target.token);
  me = await admin.whoAmI();
});

afterAll(async () => {
  try {
    if (target?.writes && me?.role === 'admin') {
      for (const name of created) await admin.deleteToken(name);
    }
  } finally {
    for (const c of clients) await c.close();
    await target?.close();
  }
});

describe('read-only', () => {
  test('GIVEN the configured token WHEN asking who am I THEN its metadata is well formed', () => {
    expect(nameProblem(me.name)).toBeUndefined();
    expect(['user', 'admin']).toContain(me.role);
    expect(me.id.length).toBeGreaterThan(0);
    expect(Number.isNaN(me.createdAt.getTime())).toBe(false);
    if (me.expiresAt) expect(me.expiresAt.getTime()).toBeGreaterThan(me.createdAt.getTime());
  });

  test('GIVEN the configured token WHEN listing THEN an Administrator sees itself, and a User is refused with missing-scope', async () => {
    if (me.role === 'admin') {
      const tokens = await admin.listTokens();
      expect(tokens.map((t) => t.id)).toContain(me.id);
      expect(new Set(tokens.map((t) => t.name)).size).toBe(tokens.length);
    } else {
      const err = await admin.listTokens().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MlpForbiddenError);
      expect((err as MlpForbiddenError).missingScopes).toContain(SCOPE_MANAGE);
    }
  });

  userTokenTest('GIVEN a User token WHEN it lists tokens THEN it throws MlpForbiddenError missing-scope', async () => {
    const err = await newClient(target.userToken)
      .listTokens()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect((err as MlpForbiddenError).reason).toBe('missing-scope');
  });

  test('GIVEN an unknown token WHEN it is exchanged THEN it throws MlpForbiddenError expired-or-revoked, without the token in the message', async () => {
    const bogus = new Secret(`mlp-contract-bogus-${randomBytes(24).toString('hex')}`);
    const err = await newClient(bogus)
      .whoAmI()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect((err as MlpForbiddenError).reason).toBe('expired-or-revoked');
    expect(String((err as Error).message)).not.toContain(bogus.reveal());
  });

  test('GIVEN a response WHEN it carried a Date header THEN serverNow is close to it', () => {
    expect(Math.abs(admin.serverNow().getTime() - Date.now())).toBeLessThan(24 * 3_600_000);
  });
});

describe('writes (emulator, or MLP_CONTRACT_WRITE=1)', () => {
  writeTest('GIVEN an admin WHEN minting, redeeming, using and deleting a token THEN each step agrees with the contract', async () => {
    const name = uniqueName();
    const minted = await admin.mintRegisterToken({ clientName: name, accessTtl: '5m', refreshTtl: '10m', role: 'user' });
    expect(minted).toMatchObject({ name, role: 'user', accessTokenTtl: '10m' });
    expect(minted.value.length).toBeGreaterThanOrEqual(32);
    expect(minted.expiresAt.getTime()).toBeGreaterThan(admin.serverNow().getTime());

    const issued = await newClient(undefined).redeemRegisterToken(minted.value);
    created.add(name);
    expect(issued).toMatchObject({ name, role: 'user' });
    expect(issued.value.length).toBeGreaterThanOrEqual(32);
    expect(issued.expiresAt).not.toBeNull();
    expect(issued.expiresAt!.getTime() - issued.createdAt.getTime()).toBe(10 * 60_000);

    expect(await newClient(issued.value).whoAmI()).toMatchObject({ id: issued.id, name });
    expect(await admin.findToken(name)).toMatchObject({ id: issued.id, role: 'user' });

    expect(await admin.deleteToken(name)).toBe(true);
    created.delete(name);
    expect(await admin.findToken(name)).toBeUndefined();
    expect(await admin.deleteToken(name)).toBe(false);
  });

  writeTest('GIVEN a redeemed registration token WHEN redeemed again THEN it throws MlpForbiddenError expired-or-revoked', async () => {
    const name = uniqueName();
    const minted = await admin.mintRegisterToken({ clientName: name, accessTtl: '5m', refreshTtl: '10m', role: 'user' });
    await newClient(undefined).redeemRegisterToken(minted.value);
    created.add(name);
    const err = await newClient(undefined)
      .redeemRegisterToken(minted.value)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlpForbiddenError);
    expect((err as MlpForbiddenError).reason).toBe('expired-or-revoked');
  });

  writeTest('GIVEN a name that has a token WHEN a registration token is minted for it THEN it throws MlpConflictError', async () => {
    const name = uniqueName();
    const minted = await admin.mintRegisterToken({ clientName: name, accessTtl: '5m', refreshTtl: '10m', role: 'user' });
    await newClient(undefined).redeemRegisterToken(minted.value);
    created.add(name);
    const err = await admin.mintRegisterToken({ clientName: name, accessTtl: '5m', role: 'user' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlpConflictError);
  });

  writeTest('GIVEN a registration token without refreshTtl WHEN redeemed THEN the access token never expires', async () => {
    const name = uniqueName();
    const minted = await admin.mintRegisterToken({ clientName: name, accessTtl: '5m', role: 'admin' });
    expect(minted.accessTokenTtl).toBeNull();
    const issued = await newClient(undefined).redeemRegisterToken(minted.value);
    created.add(name);
    expect(issued).toMatchObject({ role: 'admin', expiresAt: null });
    expect(isDuration('5m')).toBe(true);
  });
});
