/**
 * How the client turns what went wrong into its typed errors: an API status (with the contract's
 * error body, when there is one), a failure below HTTP, or the call's deadline. Each error is chosen
 * by the status, the failure's classified kind and the route, never by text; API text only ever goes
 * into messages, redacted, with control characters escaped and cut to a length a terminal can show.
 */
import {
  MlpApiError,
  type MlpApiErrorDetails,
  type MlpCallContext,
  MlpConflictError,
  MlpError,
  MlpForbiddenError,
  MlpNetworkError,
  MlpNotFoundError,
  MlpRateLimitError,
  MlpResponseTooLargeError,
  MlpRouteNotFoundError,
  MlpServerError,
  MlpTimeoutError,
  MlpUnauthorizedError,
  MlpValidationError,
  describeCall,
} from './errors';
import { MAX_RESPONSE_BYTES, type classifyTransportError, type HttpResponse } from './http';
import { redact } from '../contract/redact';
import { ERROR_CODES, ROUTES, SCOPE_MANAGE, parseMissingScopes } from '../contract/routes';
import { errorBodySchema } from '../contract/wire-schemas';
import { escapeControls, quoteValue } from '../contract/text';
import { ENDPOINT_EXAMPLE } from '../contract/validation';
import type { AttemptTimeouts } from './options';

/** An error answer and what the call knows around it. */
export interface ErrorAnswer {
  readonly ctx: MlpCallContext;
  readonly response: HttpResponse;
  /** The call sent a bearer: a 401 then means even a fresh one was refused. */
  readonly auth: boolean;
  /** The token name the call is about, for messages. */
  readonly tokenName: string | undefined;
  /** The endpoint as configured, named when it does not serve the API. */
  readonly endpoint: string;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;
  /** What the answer's `Retry-After` asked for. */
  readonly retryAfterMs: number | undefined;
  /** The status was worth repeating, but the retries ran out. */
  readonly retriesExhausted: boolean;
}

/** How a failed call stands: its attempts, whether a state change may have landed, the raw cause. */
export interface FailedAttempt {
  readonly attempts: number;
  readonly outcomeUnknown: boolean;
  readonly cause: unknown;
}

/** Where attempts went and how long each step of one was allowed to take. */
export interface TransportTarget extends AttemptTimeouts {
  readonly origin: string;
}

export type TransportFailure = ReturnType<typeof classifyTransportError>;

/** How much of the API's `field` a message shows. */
const FIELD_SHOWN_MAX = 500;

/** The error for an answer with an error status: the status and the contract's error body pick the class. */
export function errorForStatus(answer: ErrorAnswer): MlpApiError {
  const { ctx, response, attempts, outcomeUnknown, retryAfterMs, retriesExhausted } = answer;
  const { status } = response;
  let warnorCode: string | undefined;
  let field: string | undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(response.text));
    if (parsed.success) {
      warnorCode = shownApiText(parsed.data.warnorCode, 100);
      const f = parsed.data.warnorParams?.field;
      field = typeof f === 'string' ? shownApiText(f, FIELD_SHOWN_MAX) : undefined;
    }
  } catch {
    // Not the API's JSON (a proxy's HTML page, say): the status alone has to do.
  }
  const details: MlpApiErrorDetails = { context: ctx, status, warnorCode, field, attempts, outcomeUnknown };
  const call = describeCall(ctx);
  const said = field ? `: ${field}` : '';
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';

  switch (true) {
    case status === 400:
      return new MlpValidationError(
        `${call} was rejected as invalid (400${warnorCode ? ` ${warnorCode}` : ''})${said}. Fix the value and try again.`,
        details,
      );
    case status === 401:
      return new MlpUnauthorizedError(
        answer.auth
          ? `${call} was rejected (401 Unauthorized) even with a freshly exchanged bearer. Check that the endpoint is the ML Platform API of the token's region and that the token is valid.`
          : `${call} was rejected (401 Unauthorized)${said}. Check that the endpoint is the ML Platform API of the token's region.`,
        details,
      );
    case status === 403: {
      const scopes = field === undefined ? undefined : parseMissingScopes(field);
      if (scopes && scopes.length > 0) {
        const message = scopes.includes(SCOPE_MANAGE)
          ? `${call} needs an Administrator token (role ADMIN, scope ${SCOPE_MANAGE}); the configured token is a User token. ` +
            `Use an Administrator token (one made in the VK Cloud console with the Administrator role, or redeemed from a registration token minted with role "admin").`
          : `${call} needs the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}, which the configured token does not carry. Use a token whose role grants ${scopes.length > 1 ? 'them' : 'it'}.`;
        return new MlpForbiddenError(message, { ...details, reason: 'missing-scope', missingScopes: scopes });
      }
      const fix =
        ctx.route === 'redeem'
          ? 'A registration token works once and only until it expires: mint a new one and redeem that.'
          : 'The configured access token can no longer be used: create a new one (or redeem a fresh registration token) and configure it.';
      return new MlpForbiddenError(
        `${call} was refused (403 Forbidden): the token is expired, revoked, or the registration token was already used. ${fix}`,
        { ...details, reason: 'expired-or-revoked', missingScopes: [] },
      );
    }
    case status === 404:
      // Only a route that names a token, answered with the contract's own NotFoundException body,
      // is about a token; any other 404 says the endpoint does not serve this API at this path.
      if (answer.tokenName !== undefined && ROUTES[ctx.route].path.includes(':') && isContractNotFound(response)) {
        return new MlpNotFoundError(`${call}: there is no access token named ${quoteValue(answer.tokenName)}${said}`, details);
      }
      return new MlpRouteNotFoundError(
        `${call}: ${answer.endpoint} does not serve the MLP token API at this path (404${warnorCode ? ` ${warnorCode}` : ", and the answer is not the API's error body"})${said}. ` +
          `Check the endpoint: it should be the ML Platform API base URL, e.g. ${ENDPOINT_EXAMPLE}.`,
        details,
      );
    case status === 409: {
      const name = answer.tokenName;
      const message =
        name !== undefined
          ? `${call}: an access token named ${JSON.stringify(name)} already exists; choose another name or delete it`
          : `${call}: an access token with the registration token's name already exists${said}; delete it (or choose another name) and mint a new registration token`;
      return new MlpConflictError(message, { ...details, tokenName: name });
    }
    case status === 429: {
      const wait = retryAfterMs !== undefined ? `; the API asked to wait ${formatMs(retryAfterMs)}` : '';
      return new MlpRateLimitError(
        `${call} was rate limited (429)${after}${wait}. Try again later${retriesExhausted ? ' or raise max_retries' : ''}.`,
        { ...details, retryAfterMs },
      );
    }
    case status >= 500:
      return new MlpServerError(
        `${call} failed with ${status}${warnorCode ? ` ${warnorCode}` : ''}${after}${said}. The API is having trouble; try again later.`,
        details,
      );
    default:
      return new MlpApiError(`${call} failed with ${status}${warnorCode ? ` ${warnorCode}` : ''}${said}.`, details);
  }
}

/** The error for an attempt that got no answer: a timeout, an answer too large, no TLS, or a lost connection. */
export function errorForTransportFailure(
  ctx: MlpCallContext,
  failure: TransportFailure,
  attempt: FailedAttempt,
  target: TransportTarget,
): MlpError {
  const { attempts, outcomeUnknown, cause } = attempt;
  const call = describeCall(ctx);
  const after = attempts > 1 ? ` (${attempts} attempts)` : '';
  if (failure.timeout) {
    const timeoutMs =
      failure.timeout === 'headers' ? target.headersTimeoutMs : failure.timeout === 'body' ? target.bodyTimeoutMs : target.connectTimeoutMs;
    const what =
      failure.timeout === 'connect'
        ? 'connecting to'
        : failure.timeout === 'headers'
          ? 'waiting for the answer of'
          : 'reading the answer of';
    return new MlpTimeoutError(`${call} timed out after ${formatMs(timeoutMs)} ${what} ${target.origin}${after}.`, {
      context: ctx,
      attempts,
      outcomeUnknown,
      kind: failure.timeout,
      timeoutMs,
      cause,
    });
  }
  if (failure.kind === 'too-large') {
    const what =
      ctx.route === 'list'
        ? `. The project has more access tokens than one answer of that size holds (about 21,000), and the API has no paging the client could use: delete tokens that are no longer needed`
        : '; the endpoint may not be an MLP API';
    return new MlpResponseTooLargeError(
      `${call}: the answer from ${target.origin} is larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB (${MAX_RESPONSE_BYTES} bytes), the most the client reads; it stopped reading there${what}.`,
      { context: ctx, attempts, outcomeUnknown, limitBytes: MAX_RESPONSE_BYTES, status: failure.status ?? 0, cause },
    );
  }
  if (failure.kind === 'not-tls') {
    return new MlpNetworkError(
      `${call} could not connect to ${target.origin}: the server does not speak TLS (${failure.errno}), so the https:// in the endpoint is wrong for it. ` +
        `Check the scheme: a local emulator is http://127.0.0.1:PORT; the ML Platform API is https.`,
      { context: ctx, attempts, outcomeUnknown, errno: failure.errno, reason: 'not-tls', cause },
    );
  }
  const reason =
    failure.sent === 'no'
      ? `could not connect to ${target.origin} (${failure.errno ?? 'connection failed'}); check the endpoint and the network`
      : `lost the connection to ${target.origin} before the answer arrived (${failure.errno ?? 'connection closed'})`;
  return new MlpNetworkError(`${call} ${reason}${after}.`, {
    context: ctx,
    attempts,
    outcomeUnknown,
    errno: failure.errno,
    reason: failure.kind === 'tls' ? 'tls' : failure.sent === 'no' ? 'not-connected' : 'connection-lost',
    cause,
  });
}

/** The error for a call whose total deadline passed (during an attempt, a wait, or the bearer exchange). */
export function errorForDeadline(ctx: MlpCallContext, timeoutMs: number, attempt: FailedAttempt): MlpTimeoutError {
  const { attempts, outcomeUnknown, cause } = attempt;
  return new MlpTimeoutError(
    `${describeCall(ctx)} timed out after ${formatMs(timeoutMs)}${attempts > 1 ? ` (${attempts} attempts)` : ''}.`,
    { context: ctx, attempts, outcomeUnknown, kind: 'deadline', timeoutMs, cause },
  );
}

/** A 404 in the contract's own words: `{"status":404,"warnorCode":"NotFoundException",...}`. */
export function isContractNotFound(response: HttpResponse): boolean {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(response.text));
    return parsed.success && parsed.data.status === 404 && parsed.data.warnorCode === ERROR_CODES[404];
  } catch {
    return false;
  }
}

/** `30s`, `1.5s`, `250ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(1)}s`;
}

/** API text as a message may show it: secrets redacted, control characters escaped, cut after `max` characters. */
function shownApiText(text: string, max: number): string {
  const clean = escapeControls(redact(text));
  return clean.length <= max ? clean : `${clean.slice(0, max)}…(${clean.length} chars)`;
}
