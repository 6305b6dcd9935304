/** The typed MLP token API client: `MlpClient`, its errors, `Secret`, and the shared contract. */
export { MlpClient, DEFAULTS, OPERATION_LABELS, bearerRefreshMargin, formatMs, formatPath } from './client';
export type { MlpClientOptions } from './client';
export { createAgent, MAX_RESPONSE_BYTES } from './http';
export type { TokenInfo, IssuedAccessToken, MintedRegisterToken, MintRegisterTokenRequest } from './types';
export { Secret, isSecret } from './secret';
export { Redactor, type RedactorAddOptions, REDACTED, MIN_REDACTABLE_LENGTH, REDACT_WINDOW, globalRedactor, redact, registerSecret } from './redact';
export {
  MlpError,
  MlpArgumentError,
  MlpConfigurationError,
  MlpClosedError,
  MlpApiError,
  MlpUnauthorizedError,
  MlpForbiddenError,
  MlpNotFoundError,
  MlpRouteNotFoundError,
  MlpResponseTooLargeError,
  MlpConflictError,
  MlpValidationError,
  MlpRateLimitError,
  MlpServerError,
  MlpNetworkError,
  MlpTimeoutError,
  MlpProtocolError,
  describeError,
  describeCall,
} from './errors';
export type {
  MlpErrorCode,
  MlpCallContext,
  MlpErrorOptions,
  MlpApiErrorDetails,
  ForbiddenReason,
  MlpTimeoutKind,
  MlpNetworkReason,
  ErrorDescription,
} from './errors';
export { SAFE_TO_REPEAT, CHANGES_STATE, isRetryable, mayHaveApplied, backoffDelay, parseRetryAfter } from './retry';
export type { AttemptOutcome } from './retry';
export * from './routes';
export * from './schemas';
export * from './duration';
export * from './validation';
export { escapeControls, quoteValue, SHOWN_VALUE_MAX } from './text';
export { warnIfTlsVerificationDisabled, tlsVerificationDisabled, TLS_VERIFICATION_WARNING } from './tls-warning';
