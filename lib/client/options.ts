/**
 * The options of an `MlpClient`, checked once in its constructor: a bad endpoint, an empty token or
 * a timeout Node cannot run is a configuration error before any request, not a failure on the first
 * call. The configured token is pinned in the redactor here, before anything could echo it.
 */
import type { Dispatcher } from 'undici';
import { PACKAGE_VERSION } from '../constants';
import { MAX_TIMER_MS } from '../contract/duration';
import { MlpConfigurationError } from './errors';
import { redact, registerSecret } from '../contract/redact';
import { Secret } from './secret';
import { ENDPOINT_EXAMPLE, endpointProblem } from '../contract/validation';

/** How an {@link MlpClient} reaches the API and how patient it is. */
export interface MlpClientOptions {
  /**
   * The API base URL, e.g. `https://msk.cloud.vk.com/infra/mlplatform` or `http://127.0.0.1:PORT`;
   * the paths of `lib/contract/routes.ts` are appended to it.
   */
  readonly endpoint: string;
  /**
   * An access (refresh) token's value. Needed by every operation except `redeemRegisterToken`.
   * White space around it (a trailing newline from a file, a pasted space) is removed: no MLP token
   * contains any, so trimming can never turn one token into another.
   */
  readonly token?: string | Secret | undefined;
  /**
   * The total deadline of one call, covering its bearer exchange, every attempt and every wait. Every
   * timeout is at most 2147483647 (2^31-1 ms, Node's longest timer).
   * @default 30000
   */
  readonly requestTimeoutMs?: number | undefined;
  /** Per attempt: establishing the connection. Applies only to the client's own agent. @default 10000 */
  readonly connectTimeoutMs?: number | undefined;
  /** Per attempt: waiting for the response headers. @default 15000 */
  readonly headersTimeoutMs?: number | undefined;
  /** Per attempt: the longest silence while reading the body. @default 15000 */
  readonly bodyTimeoutMs?: number | undefined;
  /** Retries after the first attempt (see `retry.ts` for which failures qualify). @default 4 */
  readonly maxRetries?: number | undefined;
  /** @default 200 */
  readonly retryBaseDelayMs?: number | undefined;
  /** @default 10000 */
  readonly retryMaxDelayMs?: number | undefined;
  /** The jitter source, in `[0, 1)`. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** The local clock in epoch milliseconds (bearer lifetimes, `serverNow`). @default Date.now */
  readonly now?: (() => number) | undefined;
  /** @default `mlp-tokens/<version> node/<version>` */
  readonly userAgent?: string | undefined;
  /**
   * A dispatcher to share (a keep-alive pool across clients). The client does not close it.
   * @default a keep-alive undici `Agent` owned (and closed) by this client
   */
  readonly dispatcher?: Dispatcher | undefined;
  /** Receives debug lines. They never contain a secret. */
  readonly logger?: ((line: string) => void) | undefined;
}

/** The defaults of {@link MlpClientOptions}: timeouts in milliseconds, retry count and backoff bounds. */
export const DEFAULTS = {
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  maxRetries: 4,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 10_000,
} as const;

/** Where requests go: the endpoint as shown in messages, and the origin and base path requests use. */
export interface ClientEndpoint {
  /** The endpoint without a trailing `/` (never contains a secret). */
  readonly href: string;
  readonly origin: string;
  /** The path every route's path is appended to, without a trailing `/`. */
  readonly basePath: string;
}

/** The per-attempt time limits, in milliseconds. */
export interface AttemptTimeouts {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** {@link MlpClientOptions} after checking: every default applied, the token trimmed. */
export interface ClientSettings extends AttemptTimeouts {
  readonly endpoint: ClientEndpoint;
  readonly token: Secret | undefined;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly random: () => number;
  readonly now: () => number;
  readonly userAgent: string;
  /** Writes a debug line to the configured logger, redacted and prefixed; never throws. */
  readonly log: (line: string) => void;
  /** The caller's dispatcher; `undefined`: the client makes (and owns) its own. */
  readonly dispatcher: Dispatcher | undefined;
}

/** Checks the options in the order a reader would fix them (endpoint, token, then the numbers). */
export function resolveOptions(options: MlpClientOptions): ClientSettings {
  if (!options || typeof options !== 'object')
    throw new MlpConfigurationError('MlpClient needs options: { endpoint, token }', 'invalid-option');
  const endpoint = parseEndpoint(options.endpoint);
  const token = options.token !== undefined && options.token !== null ? configuredToken(options.token) : undefined;
  return {
    endpoint,
    token,
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, DEFAULTS.requestTimeoutMs),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
    headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs, DEFAULTS.headersTimeoutMs),
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULTS.bodyTimeoutMs),
    maxRetries: nonNegativeInteger('maxRetries', options.maxRetries, DEFAULTS.maxRetries),
    retryBaseDelayMs: nonNegative('retryBaseDelayMs', options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs),
    retryMaxDelayMs: nonNegative('retryMaxDelayMs', options.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs),
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    userAgent: options.userAgent ?? `mlp-tokens/${PACKAGE_VERSION} node/${process.versions.node}`,
    log: debugLog(options.logger),
    dispatcher: options.dispatcher,
  };
}

function debugLog(logger: ((line: string) => void) | undefined): (line: string) => void {
  if (!logger) return () => undefined;
  return (line) => {
    try {
      logger(`[mlp] ${redact(line)}`);
    } catch {
      // A failing logger must not fail the call.
    }
  };
}

function parseEndpoint(endpoint: unknown): ClientEndpoint {
  const problem = endpointProblem(endpoint as string);
  if (problem) {
    throw new MlpConfigurationError(
      `the MLP endpoint is not usable: ${problem}. Set it to the ML Platform API base URL, e.g. ${ENDPOINT_EXAMPLE}`,
      'invalid-endpoint',
    );
  }
  const url = new URL((endpoint as string).trim());
  return { href: url.href.replace(/\/$/, ''), origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function configuredToken(token: string | Secret): Secret {
  const given = Secret.from(token);
  // Configured credentials outlive every other secret in the process: pin them in the redactor.
  registerSecret(given.reveal(), { pinned: true });
  const trimmed = given.reveal().trim();
  if (trimmed === '') {
    throw new MlpConfigurationError('the MLP token is empty: set it to an access token value, or leave it unset', 'invalid-token');
  }
  registerSecret(trimmed, { pinned: true });
  // What is checked is what is sent: `$(cat file)` and pasted values carry white space no token has.
  return trimmed === given.reveal() ? given : new Secret(trimmed);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    // Node runs a longer timer after 1 ms: every call would time out at once.
    throw new MlpConfigurationError(
      `${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS} (2^31-1, Node's longest timer), got ${String(value)}`,
      'invalid-option',
    );
  }
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MlpConfigurationError(`${name} must be zero or a positive number of milliseconds, got ${String(value)}`, 'invalid-option');
  }
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MlpConfigurationError(`${name} must be a whole number of at least 0, got ${String(value)}`, 'invalid-option');
  }
  return value;
}
