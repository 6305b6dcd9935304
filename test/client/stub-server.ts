/**
 * A tiny real HTTP server on 127.0.0.1 for the cases the emulator deliberately cannot produce
 * (malformed bodies, a proxy's HTML page, arbitrary headers). It records every request it gets.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
