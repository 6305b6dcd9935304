/**
 * Every error the client throws. Each one is a class with a stable `code`, a message that says what
 * happened and what to do, and no secret anywhere: messages and the API's `field` go through the
 * redactor before they are stored, so `message`, `stack`, `util.inspect` and `JSON.stringify` are
 * all safe to print. They also go through `escapeControls`: API text can carry ESC, OSC, CR or LF,
 * and none of it may reach a terminal raw (a cleared screen, a fake `Error:` line).
 */
import type { RouteName } from '../contract/routes';
import { SCOPE_MANAGE } from '../contract/routes';
import { redact } from '../contract/redact';
import { escapeControls } from '../contract/text';
import { withOutcomeAdvice } from './outcome-advice';

/** Stable error codes: switch on these, not on messages or class names. */
export type MlpErrorCode =
  | 'invalid-argument'
  | 'configuration'
  | 'closed'
  | 'api-error'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'route-not-found'
  | 'conflict'
  | 'validation'
  | 'rate-limited'
  | 'server-error'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'response-too-large';

/** Where an error happened: the operation's label, its route, method and concrete path. */
export interface MlpCallContext {
  /** A human label, e.g. `list tokens`. */
  readonly operation: string;
  readonly route: RouteName;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path relative to the endpoint, e.g. `/v1_0/auth/tokens`. */
  readonly path: string;
}

export interface MlpErrorOptions {
  readonly context?: MlpCallContext;
  /** `true` when the request may have been applied although no answer arrived. */
  readonly outcomeUnknown?: boolean;
  /** How many HTTP attempts were made before giving up. */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/** `list tokens (GET /v1_0/auth/tokens)`. */
export function describeCall(context: MlpCallContext | undefined): string {
  return context ? `${context.operation} (${context.method} ${context.path})` : 'the MLP API call';
}

/** The base of every error the client throws. */
export class MlpError extends Error {
  readonly code: MlpErrorCode;
  /**
   * `true` when a state-changing request may have been applied but its answer was lost (reset,
   * timeout, dropped connection). For a redeem this means an access token may exist whose value
   * nobody holds: look it up by name, delete it and start over. The message then ends with what to
   * do about it (see `outcome-advice.ts`).
   */
  readonly outcomeUnknown: boolean;
  readonly operation: string | undefined;
  readonly route: RouteName | undefined;
  readonly method: 'GET' | 'POST' | 'DELETE' | undefined;
  readonly path: string | undefined;
  readonly attempts: number | undefined;

  constructor(code: MlpErrorCode, message: string, options: MlpErrorOptions = {}) {
    const advised = options.outcomeUnknown === true ? withOutcomeAdvice(message, options.context?.route) : message;
    super(escapeControls(redact(advised)));
    this.code = code;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.operation = options.context?.operation;
    this.route = options.context?.route;
    this.method = options.context?.method;
    this.path = options.context?.path;
    this.attempts = options.attempts;
    if (options.cause !== undefined) {
      // The raw cause (an undici or socket error) is replaced by a scrubbed copy: its message and
      // stack are all a reader needs, and nothing else on it is guaranteed secret-free.
      Object.defineProperty(this, 'cause', { value: sanitizeCause(options.cause), enumerable: false, writable: true, configurable: true });
    }
  }

  /** A plain, secret-free view for structured logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}

/** An argument the caller passed was rejected before any request was made. */
export class MlpArgumentError extends MlpError {
  readonly argument: string;
  constructor(argument: string, message: string, context?: MlpCallContext) {
    super('invalid-argument', `${context ? `${describeCall(context)}: ` : ''}${message}`, context ? { context } : {});
    this.argument = argument;
  }
}

/**
 * What is wrong with the client's configuration: a call needs a token and the client has none, the
 * token is empty, the endpoint is not usable, or another option (a timeout, a retry count) is out of range.
 */
export type MlpConfigurationReason = 'missing-token' | 'invalid-token' | 'invalid-endpoint' | 'invalid-option';

/** The client is misconfigured (no token where one is needed, an endpoint that is not a URL). */
export class MlpConfigurationError extends MlpError {
  /** Switch on this, not on the message: the provider turns `missing-token` into its own diagnostic. */
  readonly reason: MlpConfigurationReason;
  constructor(message: string, reason: MlpConfigurationReason, context?: MlpCallContext) {
    super('configuration', message, context ? { context } : {});
    this.reason = reason;
  }
}

/** A call was made after `close()`. */
export class MlpClosedError extends MlpError {
  constructor(context?: MlpCallContext) {
    super('closed', `${describeCall(context)}: the client was closed; create a new MlpClient`, context ? { context } : {});
  }
}

export interface MlpApiErrorDetails extends MlpErrorOptions {
  readonly context: MlpCallContext;
  readonly status: number;
  readonly warnorCode?: string | undefined;
  readonly field?: string | undefined;
}

/** The API answered with an error status. */
export class MlpApiError extends MlpError {
  readonly status: number;
  /** The API's `warnorCode`, e.g. `ForbiddenException`; `undefined` when the body was not the API's. */
  readonly warnorCode: string | undefined;
  /** The API's `warnorParams.field`, redacted. */
  readonly field: string | undefined;
  declare readonly operation: string;
  declare readonly route: RouteName;
  declare readonly method: 'GET' | 'POST' | 'DELETE';
  declare readonly path: string;

  constructor(message: string, details: MlpApiErrorDetails, code: MlpErrorCode = 'api-error') {
    super(code, message, details);
    this.status = details.status;
    this.warnorCode = details.warnorCode;
    this.field = details.field === undefined ? undefined : escapeControls(redact(details.field));
  }
}

/** 401: the bearer was not accepted, even after one fresh exchange. */
export class MlpUnauthorizedError extends MlpApiError {
  constructor(message: string, details: MlpApiErrorDetails) {
    super(message, details, 'unauthorized');
  }
}

export type ForbiddenReason = 'missing-scope' | 'expired-or-revoked';

/** 403: the token lacks a scope, or it (or a registration token) is expired, revoked or used. */
export class MlpForbiddenError extends MlpApiError {
  readonly reason: ForbiddenReason;
  /** The scopes the API said are missing (empty unless `reason` is `missing-scope`). */
  readonly missingScopes: string[];
  constructor(message: string, details: MlpApiErrorDetails & { reason: ForbiddenReason; missingScopes: string[] }) {
    super(message, details, 'forbidden');
    this.reason = details.reason;
    this.missingScopes = details.missingScopes;
  }
}

/** 404 from the API on a token (by name): there is no access token of that name. */
export class MlpNotFoundError extends MlpApiError {
  constructor(message: string, details: MlpApiErrorDetails) {
    super(message, details, 'not-found');
  }
}

/**
 * 404 that is not about a token: a route that names no token (list, who am I, mint, ...), or an
 * answer that is not the contract's error body (a proxy's or another service's page). The endpoint
 * does not serve the MLP token API at this path; nothing is known about any token. Deliberately
 * not an {@link MlpNotFoundError}, so nothing mistakes it for "the token is gone".
 */
export class MlpRouteNotFoundError extends MlpApiError {
  constructor(message: string, details: MlpApiErrorDetails) {
    super(message, details, 'route-not-found');
  }
}

/** 409: an access token with that name exists. */
export class MlpConflictError extends MlpApiError {
  /** The conflicting name, when the client knows it. */
  readonly tokenName: string | undefined;
  constructor(message: string, details: MlpApiErrorDetails & { tokenName?: string | undefined }) {
    super(message, details, 'conflict');
    this.tokenName = details.tokenName;
  }
}

/** 400: the API rejected a field; `field` says which and why. */
export class MlpValidationError extends MlpApiError {
  constructor(message: string, details: MlpApiErrorDetails) {
    super(message, details, 'validation');
  }
}

/** 429, after the retries ran out (or the wait would pass the deadline). */
export class MlpRateLimitError extends MlpApiError {
  /** What `Retry-After` asked for, in milliseconds; `undefined` when the header was absent. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: MlpApiErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details, 'rate-limited');
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 5xx. */
export class MlpServerError extends MlpApiError {
  constructor(message: string, details: MlpApiErrorDetails) {
    super(message, details, 'server-error');
  }
}

/**
 * Why a request failed below HTTP: no connection was made (refused, DNS, unreachable), the
 * connection was lost after the request may have been sent, the TLS handshake failed because the
 * server does not speak TLS (https to a plain-http server), or another TLS failure (a certificate).
 */
export type MlpNetworkReason = 'not-connected' | 'connection-lost' | 'not-tls' | 'tls';

/** The request failed below HTTP: refused, reset, dropped, DNS, TLS. */
export class MlpNetworkError extends MlpError {
  /** The system or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly errno: string | undefined;
  readonly reason: MlpNetworkReason;
  constructor(message: string, options: MlpErrorOptions & { errno?: string | undefined; reason?: MlpNetworkReason | undefined }) {
    super('network', message, options);
    this.errno = options.errno;
    this.reason = options.reason ?? (options.outcomeUnknown ? 'connection-lost' : 'not-connected');
  }
}

/**
 * An answer longer than the client reads (`MAX_RESPONSE_BYTES`): not a lost connection, the client
 * stopped reading on purpose. For a list this means the project has more tokens than one answer of
 * that size holds; the modeled contract has no paging.
 */
export class MlpResponseTooLargeError extends MlpError {
  /** The limit that was passed, in bytes. */
  readonly limitBytes: number;
  readonly status: number;
  constructor(message: string, options: MlpErrorOptions & { limitBytes: number; status: number }) {
    super('response-too-large', message, options);
    this.limitBytes = options.limitBytes;
    this.status = options.status;
  }
}

export type MlpTimeoutKind = 'deadline' | 'connect' | 'headers' | 'body';

/** A time limit passed: the call's total deadline, or a connect, headers or body timeout. */
export class MlpTimeoutError extends MlpError {
  readonly kind: MlpTimeoutKind;
  readonly timeoutMs: number;
  constructor(message: string, options: MlpErrorOptions & { kind: MlpTimeoutKind; timeoutMs: number }) {
    super('timeout', message, options);
    this.kind = options.kind;
    this.timeoutMs = options.timeoutMs;
  }
}

/** A response that does not match the modeled contract. */
export class MlpProtocolError extends MlpError {
  /** The field path that did not match, e.g. `tokens[0].exp`; `(body)` for the body as a whole. */
  readonly fieldPath: string;
  readonly status: number;
  constructor(message: string, options: MlpErrorOptions & { fieldPath: string; status: number }) {
    super('protocol', message, options);
    this.fieldPath = options.fieldPath;
    this.status = options.status;
  }
}

for (const cls of [
  MlpError,
  MlpArgumentError,
  MlpConfigurationError,
  MlpClosedError,
  MlpApiError,
  MlpUnauthorizedError,
  MlpForbiddenError,
  MlpNotFoundError,
  MlpRouteNotFoundError,
  MlpConflictError,
  MlpValidationError,
  MlpRateLimitError,
  MlpServerError,
  MlpNetworkError,
  MlpTimeoutError,
  MlpProtocolError,
  MlpResponseTooLargeError,
]) {
  // On the prototype, so that `stack` (captured inside `super()`) already starts with the right name.
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, enumerable: false, configurable: true, writable: true });
}

function sanitizeCause(cause: unknown): Error {
  if (cause instanceof Error) {
    const copy = new Error(escapeControls(redact(cause.message)));
    copy.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
    copy.stack = escapeControls(redact(cause.stack ?? `${cause.name}: ${cause.message}`), { keepNewlines: true });
    return copy;
  }
  return new Error(escapeControls(redact(String(cause))));
}

/** A short title and an actionable detail, for Terraform diagnostics and CLI output. */
export interface ErrorDescription {
  readonly summary: string;
  readonly detail: string;
}

/** Turns anything thrown into a secret-free summary and detail. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof MlpError) {
    // The message already says what to do when the outcome is unknown (the MlpError constructor adds it).
    return { summary: summaryOf(error), detail: escapeControls(redact(error.message)) };
  }
  if (error instanceof Error) return { summary: 'Unexpected error', detail: escapeControls(redact(`${error.name}: ${error.message}`)) };
  return { summary: 'Unexpected error', detail: escapeControls(redact(String(error))) };
}

function summaryOf(error: MlpError): string {
  if (error instanceof MlpForbiddenError) {
    if (error.reason === 'missing-scope') {
      return error.missingScopes.includes(SCOPE_MANAGE) ? 'MLP token lacks the Administrator role' : 'MLP token lacks a required scope';
    }
    return 'MLP token expired, revoked or already used';
  }
  switch (error.code) {
    case 'invalid-argument':
      return 'Invalid argument';
    case 'configuration':
      return 'MLP client misconfigured';
    case 'closed':
      return 'MLP client closed';
    case 'unauthorized':
      return 'MLP API rejected the credentials';
    case 'not-found':
      return 'MLP token not found';
    case 'route-not-found':
      return 'MLP token API not found at the endpoint';
    case 'response-too-large':
      return 'MLP API answer too large';
    case 'conflict':
      return 'MLP token name already in use';
    case 'validation':
      return 'MLP API rejected the request';
    case 'rate-limited':
      return 'MLP API rate limit exceeded';
    case 'server-error':
      return 'MLP API server error';
    case 'network':
      if (error instanceof MlpNetworkError && error.reason === 'not-tls') return 'MLP endpoint does not speak TLS';
      return error.outcomeUnknown ? 'MLP API connection lost; outcome unknown' : 'Cannot reach the MLP API';
    case 'timeout':
      return error.outcomeUnknown ? 'MLP API request timed out; outcome unknown' : 'MLP API request timed out';
    case 'protocol':
      return 'Unexpected response from the MLP API';
    default:
      return 'MLP API error';
  }
}
