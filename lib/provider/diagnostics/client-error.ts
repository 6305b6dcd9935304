/**
 * Which diagnostic a client error becomes, decided by the error's typed fields (its class, `code`,
 * `reason`, route and scopes) and never by its message text: the client may reword a message
 * freely, and a credential problem still reads as one, with the fix for the provider's token.
 */
import { MlpConfigurationError, MlpError, MlpForbiddenError, MlpUnauthorizedError, describeError } from '../../client/errors';
import { SCOPE_MANAGE } from '../../contract/routes';
import { diag } from './messages';
import { type Diagnostic, DiagnosticError } from './model';

/**
 * The diagnostic for an error the client threw while trying to `operation` (e.g. "delete the token
 * \"ci\""); anything that is not a client error is returned as an internal error.
 */
export function fromClientError(operation: string, err: unknown): Diagnostic {
  if (err instanceof DiagnosticError) return err.diagnostics[0] ?? diag.internal(operation, err);
  if (!(err instanceof MlpError)) return diag.internal(operation, err);
  if (err instanceof MlpForbiddenError && err.reason === 'missing-scope' && err.missingScopes.includes(SCOPE_MANAGE)) {
    return diag.needsAdministrator(operation);
  }
  if (err instanceof MlpConfigurationError && err.reason === 'missing-token') return diag.missingAdminToken(operation);
  if (err instanceof MlpUnauthorizedError || (err instanceof MlpForbiddenError && err.route === 'exchange')) {
    return diag.providerTokenRejected(operation, describeError(err).detail);
  }
  return diag.apiError(operation, describeError(err));
}
