/**
 * Test helpers: plain `fetch` against a running emulator (never the client under development),
 * so these tests pin the emulator's wire behaviour on their own.
 */
import { FIELDS, PATHS } from '../../lib/contract/routes';
import type { RunningEmulator } from '../../lib/emulator';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or `undefined` for an empty body. */
  readonly json: unknown;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is, byte for byte (for malformed-body tests). */
  readonly rawBody?: string;
  readonly bearer?: string;
  readonly headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.length > 0 ? JSON.parse(text) : undefined };
}

/** Exchanges an access token's value for a bearer, failing the test when that does not work. */
export async function bearerFor(emulator: RunningEmulator, secret: string): Promise<string> {
  const answer = await call(emulator.url, 'POST', PATHS.exchange, { body: { [FIELDS.refreshToken]: secret } });
  if (answer.status !== 200) throw new Error(`exchange failed: ${answer.status} ${answer.text}`);
  return (answer.json as Record<string, string>)[FIELDS.accessToken]!;
}

/** Mints a registration token as the admin; returns the answer. */
export async function mint(emulator: RunningEmulator, bearer: string, body: Record<string, unknown>): Promise<Answer> {
  return call(emulator.url, 'POST', PATHS.mintRegisterToken, { bearer, body });
}

export function errorBody(status: number, code: string, field: string): string {
  return JSON.stringify({ status, warnorCode: code, warnorParams: { field } });
}

/** The error `act` throws (or its promise rejects with); fails the test when it does not throw. */
export async function thrownBy(act: () => unknown): Promise<unknown> {
  try {
    await act();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw, and it did not');
}
