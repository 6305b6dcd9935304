import * as net from 'node:net';
import { inspect } from 'node:util';
import { startEmulator } from '../../lib/emulator';
import type { MlpClient } from '../../lib/client/client';
import type { TokenInfo } from '../../lib/client/types';
import { ProviderApi, SHARED_LIST_TTL_MS } from '../../lib/provider/api';
import { MlpServerError, MlpValidationError } from '../../lib/client/errors';
import { DiagnosticError } from '../../lib/provider/diagnostics';

const settings = {
  endpoint: 'http://127.0.0.1:1',
  token: 'admin-token-0123456789abcdefghijklmnop',
  requestTimeoutMs: 1000,
  maxRetries: 0,
  unknown: [],
};

function fakeClientFactory() {
  const lists: Array<(tokens: TokenInfo[]) => void> = [];
  const created: unknown[] = [];
  const factory = (options: unknown) => {
    created.push(options);
    return {
      listTokens: () => new Promise<TokenInfo[]>((resolve) => lists.push(resolve)),
      serverNow: () => new Date('2030-01-01T00:00:00Z'),
      close: async () => undefined,
    } as unknown as MlpClient;
  };
  return { factory, lists, created };
}

const listCtx = { operation: 'list tokens', route: 'list' as const, method: 'GET' as const, path: '/v1_0/auth/tokens' };

describe('ProviderApi', () => {
  test('GIVEN a configured token WHEN the object is inspected or serialised THEN the token does not show', () => {
    const { factory } = fakeClientFactory();
    const api = new ProviderApi(settings, factory);
    expect(inspect(api, { depth: 5, showHidden: true })).not.toContain(settings.token);
    expect(JSON.stringify(api)).not.toContain(settings.token);
    expect(api.hasToken).toBe(true);
  });

  test('GIVEN N concurrent refreshes WHEN they list tokens THEN one list request serves them all', async () => {
    const { factory, lists } = fakeClientFactory();
    let now = 0;
    const api = new ProviderApi(settings, factory, () => now);
    const pending = Array.from({ length: 10 }, () => api.listTokensShared('refresh'));
    expect(lists).toHaveLength(1);
    lists[0]!([]);
    await Promise.all(pending);
    now += SHARED_LIST_TTL_MS - 1;
    void api.listTokensShared('refresh');
    expect(lists).toHaveLength(1);
    now += 1;
    void api.listTokensShared('refresh');
    expect(lists).toHaveLength(2);
  });

  test('GIVEN a shared list WHEN this process deleted one of its tokens THEN the list is kept without that token, not fetched again', async () => {
    const { factory, lists } = fakeClientFactory();
    let now = 0;
    const api = new ProviderApi(settings, factory, () => now);
    const first = api.listTokensShared('delete');
    lists[0]!([{ name: 'a' }, { name: 'b' }, { name: 'c' }] as TokenInfo[]);
    await first;
    api.invalidateList('b');
    now += 10;
    expect((await api.listTokensShared('delete')).map((t) => t.name)).toEqual(['a', 'c']);
    expect(lists).toHaveLength(1);
    // A create (no name) still forgets the list.
    api.invalidateList();
    void api.listTokensShared('refresh');
    expect(lists).toHaveLength(2);
  });

  test('GIVEN a list still in flight WHEN a token is deleted meanwhile THEN the answer is delivered without it', async () => {
    const { factory, lists } = fakeClientFactory();
    const api = new ProviderApi(settings, factory, () => 0);
    const early = api.listTokensShared('delete');
    api.invalidateList('a');
    const late = api.listTokensShared('delete');
    lists[0]!([{ name: 'a' }, { name: 'b' }] as TokenInfo[]);
    expect((await late).map((t) => t.name)).toEqual(['b']);
    expect((await early).map((t) => t.name)).toEqual(['a', 'b']);
    expect(lists).toHaveLength(1);
  });

  test('GIVEN a list already under way WHEN a delete asks for its check list THEN it gets one that starts after its call, never the earlier answer', async () => {
    const { factory, lists } = fakeClientFactory();
    const api = new ProviderApi(settings, factory, () => 0);
    const refresh = api.listTokensShared('refresh');
    const first = api.listTokensStartedNow('delete');
    expect(lists).toHaveLength(2); // the refresh list is never reused for a delete check
    const second = api.listTokensStartedNow('delete');
    const third = api.listTokensStartedNow('delete');
    expect(lists).toHaveLength(2); // the later two wait for the next list, not the one under way
    lists[1]!([{ name: 'old' }] as TokenInfo[]);
    expect((await first).map((t) => t.name)).toEqual(['old']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lists).toHaveLength(3); // started once the first ended: after the later two asked
    lists[2]!([{ name: 'successor' }] as TokenInfo[]);
    expect((await second).map((t) => t.name)).toEqual(['successor']);
    expect(await third).toBe(await second); // shared: concurrent deletes cost one list
    lists[0]!([]);
    await refresh;
  });

  test('GIVEN a settled check list WHEN another delete asks THEN a new list is fetched, however recent the last one', async () => {
    const { factory, lists } = fakeClientFactory();
    const api = new ProviderApi(settings, factory, () => 0);
    const first = api.listTokensStartedNow('delete');
    lists[0]!([]);
    await first;
    void api.listTokensStartedNow('delete');
    expect(lists).toHaveLength(2);
  });

  test('GIVEN no API answer yet WHEN a list is answered THEN the client that heard from the API last is the clock source', async () => {
    const { factory, lists } = fakeClientFactory();
    const api = new ProviderApi(settings, factory);
    expect(api.timeSource()).toBeUndefined();
    const p = api.listTokensShared('refresh');
    lists[0]!([]);
    await p;
    expect(api.timeSource()?.serverNow().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  test.each([
    ['a 500', () => new MlpServerError('list tokens failed with 500', { context: listCtx, status: 500, outcomeUnknown: false }), 2, 'ok'],
    [
      'a 400',
      () => new MlpValidationError('list tokens was rejected', { context: listCtx, status: 400, outcomeUnknown: false }),
      1,
      'rejected',
    ],
  ])(
    'GIVEN the shared list fails with %s WHEN refreshed THEN it is tried again only after a 500 (a list is safe to repeat)',
    async (_label, failure, calls, outcome) => {
      let n = 0;
      const factory = () =>
        ({
          listTokens: async () => {
            if (++n === 1) throw failure();
            return [];
          },
          close: async () => undefined,
        }) as unknown as MlpClient;
      const api = new ProviderApi(settings, factory);
      const result = await api.listTokensShared('refresh').then(
        () => 'ok',
        () => 'rejected',
      );
      expect(result).toBe(outcome);
      expect(n).toBe(calls);
    },
  );

  test('GIVEN no token configured WHEN the admin client is asked for THEN it throws a DiagnosticError', () => {
    const api = new ProviderApi({ ...settings, token: undefined }, fakeClientFactory().factory);
    expect(() => api.admin('list tokens')).toThrow(DiagnosticError);
  });

  test('GIVEN many plan checks WHEN they ask who-am-I and list THEN one call each serves the whole process, and a failed one is asked again', async () => {
    let whoamis = 0;
    let lists = 0;
    const me: TokenInfo = { id: 'a', name: 'admin', role: 'admin', issuerName: 'x', createdAt: new Date(0), expiresAt: null };
    let failNext = true;
    const factory = () =>
      ({
        whoAmI: async () => {
          whoamis++;
          if (failNext) {
            failNext = false;
            throw new MlpServerError('boom', { context: listCtx, status: 500 });
          }
          return me;
        },
        listTokens: async () => {
          lists++;
          return [me];
        },
        close: async () => undefined,
      }) as unknown as MlpClient;
    let now = 0;
    const api = new ProviderApi(settings, factory, () => now);
    await expect(api.providerToken('plan')).rejects.toBeInstanceOf(MlpServerError);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.providerToken('plan')));
    expect(answers.every((a) => a === me)).toBe(true);
    expect(whoamis).toBe(2);
    await Promise.all(Array.from({ length: 5 }, () => api.tokensOnce('plan')));
    now += SHARED_LIST_TTL_MS * 10;
    await api.tokensOnce('plan');
    expect(lists).toBe(1);
  });

  test('GIVEN clients with different tokens WHEN they call the API one after another THEN they share one keep-alive connection', async () => {
    const emulator = await startEmulator();
    // A pass-through proxy on loopback that counts the connections the clients open.
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      connections++;
      const upstream = net.connect(Number(new URL(emulator.url).port), '127.0.0.1');
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const api = new ProviderApi({
      ...settings,
      endpoint: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
      token: emulator.adminToken,
    });
    try {
      await api.admin('who am I').whoAmI();
      await api.as(emulator.adminToken).whoAmI();
      await api.listTokensShared('refresh');
      expect(connections).toBe(1);
    } finally {
      await api.close();
      for (const sock of sockets) sock.destroy();
      await new Promise((resolve) => proxy.close(resolve));
      await emulator.close();
    }
  });
});
