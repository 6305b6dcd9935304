/**
 * A tiny real HTTP server on 127.0.0.1 for the cases the emulator deliberately cannot produce
 * (malformed bodies, a proxy's HTML page, arbitrary headers). It records every request it gets.
 * `stubbedApiPerTest` gives a test file a stub and a client per test, closed after each.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlpClient, MlpError, type MlpClientOptions } from '../../lib/client';
import { PATHS } from '../../lib/contract/routes';

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type StubAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'destroy';

export interface Stub {
  readonly url: string;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(answer: (req: StubRequest, index: number) => StubAnswer | Promise<StubAnswer>): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: StubRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(answer(recorded, requests.length - 1)).then((a) => {
        if (a === 'destroy') {
          req.socket.destroy();
          return;
        }
        res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        res.end(a.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid exchange answer, so a stub can stand in for the auth step. */
export const BEARER = 'stub-bearer-0123456789abcdef0123456789abcdef';
export function exchangeAnswer(expiresIn = 3600): StubAnswer {
  return { status: 200, body: JSON.stringify({ access_token: BEARER, expires_in: expiresIn, token_type: 'Bearer' }) };
}

/** A token's wire metadata. */
export function wireToken(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `id-${name}`,
    client_name: name,
    token_type: 'USER',
    issuer_name: 'admin@example.ru',
    created_at: '2025-01-01T00:00:00Z',
    exp: null,
    ...overrides,
  };
}

/** The token a stubbed client is configured with unless a test says otherwise. */
export const STUB_TOKEN = 'configured-token-0123456789abcdef0123456789';

/**
 * The stub and the client of each test in a file, both closed after the test. `answering` starts a
 * stub that exchanges normally and answers every other request with `answer`, and a client on it;
 * `start` and `client` make either one a test builds itself.
 */
export function stubbedApiPerTest(clientDefaults: Partial<MlpClientOptions> = {}): {
  readonly stub: Stub;
  start(answer: (req: StubRequest, index: number) => StubAnswer | Promise<StubAnswer>): Promise<Stub>;
  client(options: MlpClientOptions): MlpClient;
  answering(answer: StubAnswer | ((path: string) => StubAnswer), options?: { token?: string; maxRetries?: number }): Promise<MlpClient>;
} {
  let stub: Stub | undefined;
  let client: MlpClient | undefined;
  afterEach(async () => {
    await client?.close();
    await stub?.close();
    client = undefined;
    stub = undefined;
  });
  const api = {
    get stub(): Stub {
      if (!stub) throw new Error('no stub was started in this test');
      return stub;
    },
    async start(answer: (req: StubRequest, index: number) => StubAnswer | Promise<StubAnswer>): Promise<Stub> {
      stub = await startStub(answer);
      return stub;
    },
    client(options: MlpClientOptions): MlpClient {
      client = new MlpClient(options);
      return client;
    },
    async answering(answer: StubAnswer | ((path: string) => StubAnswer), options: { token?: string; maxRetries?: number } = {}) {
      const started = await api.start((req) =>
        req.url.endsWith(PATHS.exchange) ? exchangeAnswer() : typeof answer === 'function' ? answer(req.url) : answer,
      );
      return api.client({
        ...clientDefaults,
        endpoint: started.url,
        token: options.token ?? STUB_TOKEN,
        maxRetries: options.maxRetries ?? clientDefaults.maxRetries ?? 0,
      });
    },
  };
  return api;
}

/** What `promise` rejects with, which must be an MlpError. */
export async function caught(promise: Promise<unknown>): Promise<MlpError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MlpError);
    return err as MlpError;
  }
  throw new Error('expected the call to throw');
}
