/**
 * `mlp-tokens/client`: the typed MLP token API client, what it returns, its errors, and the input
 * rules it applies. Only what a user of the client needs: the wire schemas, routes and retry
 * internals stay inside the package (they change with the modeled API, this surface does not), and
 * no type here reaches zod (the `.d.ts` files type-check with `skipLibCheck: false`).
 *
 * @module mlp-tokens/client
 */
export { MlpClient } from './client';
export type { MlpClientOptions } from './client';
export type { TokenInfo, IssuedAccessToken, MintedRegisterToken, MintRegisterTokenRequest } from './types';
export { Secret, isSecret } from './secret';
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
} from './errors';
export type {
  MlpErrorCode,
  MlpCallContext,
  MlpApiErrorDetails,
  ForbiddenReason,
  MlpConfigurationReason,
  MlpTimeoutKind,
  MlpNetworkReason,
  ErrorDescription,
} from './errors';
export { durationProblem, formatDuration, isDuration, parseDuration } from '../contract/duration';
export { nameProblem, namePrefixProblem, type TokenRole } from '../contract/validation';
