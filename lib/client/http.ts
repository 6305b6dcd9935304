/**
 * One HTTP attempt over undici, and the classification of what went wrong below HTTP. Retrying,
 * deadlines and error messages live in the client; this module only moves bytes.
 */
import { Agent, type Dispatcher } from 'undici';

/** Answers larger than this are not the API's; reading stops there. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface HttpRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
  readonly signal: AbortSignal;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** Thrown when the body could not be read after the status arrived. */
export class BodyReadError extends Error {
  constructor(
    readonly status: number,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/** Thrown when a body exceeds {@link MAX_RESPONSE_BYTES}. */
export class BodyTooLargeError extends Error {
  constructor(readonly status: number) {
    super(`the response body exceeds ${MAX_RESPONSE_BYTES} bytes`);
  }
}

/**
 * A keep-alive agent with a connect timeout: what the client uses unless given a dispatcher, and
 * what to share between clients. Idle sockets are dropped after 4 s (or the server's own
 * `Keep-Alive: timeout` hint, if shorter) so a request rarely lands on a socket the server is closing:
 * for a redeem that race would look like a lost answer.
 */
export function createAgent(connectTimeoutMs = 10_000): Agent {
  return new Agent({
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
    connections: 16,
    connect: { timeout: connectTimeoutMs },
  });
}

/** Sends one request and reads the whole answer. */
export async function sendOnce(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const res = await dispatcher.request({
    origin: req.origin,
    path: req.path,
    method: req.method,
    headers: req.headers,
    body: req.body ?? null,
    signal: req.signal,
    headersTimeout: req.headersTimeoutMs,
    bodyTimeout: req.bodyTimeoutMs,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.body.destroy();
        throw new BodyTooLargeError(res.statusCode);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw err;
    throw new BodyReadError(res.statusCode, err);
  }
  // undici puts the socket back in the pool just after the body's end reaches us: a request sent
  // right away (the who-am-I after the exchange, the redeem after the mint) would find it busy and
  // open another connection. One turn of the event loop lets it go back first, so a chain of
  // requests keeps to one keep-alive connection (measured in bench P8).
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { status: res.statusCode, headers, text: Buffer.concat(chunks).toString('utf8') };
}

/** What a transport failure means for retrying and for the outcome. */
export interface TransportFailure {
  /** `'no'`: no connection was made, so the server never saw the request. */
  readonly sent: 'no' | 'maybe';
  /** Whether repeating could help (a certificate problem will not go away). */
  readonly retryable: boolean;
  /** Set when a per-attempt timer fired. */
  readonly timeout?: 'connect' | 'headers' | 'body' | undefined;
  /** The system or undici error code. */
  readonly errno: string | undefined;
  /** The status, when the headers arrived and the body did not. */
  readonly status?: number | undefined;
  /**
   * `'not-tls'`: the TLS handshake read something that is not TLS (https to a plain-http server);
   * `'tls'`: another TLS failure (a certificate); `'too-large'`: the answer passed
   * {@link MAX_RESPONSE_BYTES} and reading stopped.
   */
  readonly kind?: 'not-tls' | 'tls' | 'too-large' | undefined;
}

/** What OpenSSL says when the peer's first bytes are not a TLS record (it answered in plain HTTP). */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

/** Errors raised before a connection exists: the request never left. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errnoOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      current = nested[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies an error thrown by {@link sendOnce} (not an abort: the caller checks its own signal). */
export function classifyTransportError(err: unknown): TransportFailure {
  if (err instanceof BodyTooLargeError) return { sent: 'maybe', retryable: false, errno: undefined, status: err.status, kind: 'too-large' };
  if (err instanceof BodyReadError) {
    const errno = errnoOf(err.original);
    return {
      sent: 'maybe',
      retryable: true,
      timeout: errno === 'UND_ERR_BODY_TIMEOUT' ? 'body' : undefined,
      errno,
      status: err.status,
    };
  }
  const errno = errnoOf(err);
  if (errno === 'UND_ERR_CONNECT_TIMEOUT') return { sent: 'no', retryable: true, timeout: 'connect', errno };
  if (errno && NOT_CONNECTED.has(errno)) return { sent: 'no', retryable: true, errno };
  if (errno === 'UND_ERR_HEADERS_TIMEOUT') return { sent: 'maybe', retryable: true, timeout: 'headers', errno };
  if (errno === 'UND_ERR_BODY_TIMEOUT') return { sent: 'maybe', retryable: true, timeout: 'body', errno };
  // A failed handshake comes before any HTTP byte: the server never saw the request.
  if (errno && NOT_TLS.has(errno)) return { sent: 'no', retryable: false, errno, kind: 'not-tls' };
  if (
    errno &&
    (errno.startsWith('ERR_TLS') || errno.startsWith('ERR_SSL') || errno.includes('CERT') || errno === 'DEPTH_ZERO_SELF_SIGNED_CERT')
  ) {
    return { sent: 'no', retryable: false, errno, kind: 'tls' };
  }
  if (errno === 'UND_ERR_INVALID_ARG') return { sent: 'no', retryable: false, errno };
  if (errno === 'UND_ERR_HEADERS_OVERFLOW') return { sent: 'maybe', retryable: false, errno };
  return { sent: 'maybe', retryable: true, errno };
}
