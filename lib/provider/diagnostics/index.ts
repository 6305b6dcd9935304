/**
 * Every diagnostic the provider reports comes from a named factory (`messages.ts`, or a resource's
 * own `resources/<resource>/messages.ts`): a short summary, a detail that says what to do, and
 * optionally the attribute it is about (so Terraform points at the line of configuration). Everything passes the redactor on the way out (`proto.ts`), so no secret
 * reaches Terraform's output, its logs or our stderr (the random provider's `internal/diagnostics`,
 * cdktf's `lib/errors.ts`). Importers use this folder as one module.
 */
export { type AttributePathSteps, type Diagnostic, DiagnosticError, Diagnostics, type Severity, describeThrown } from './model';
export { diag } from './messages';
export { type ExistingToken, describeExisting } from './existing-token';
export { fromClientError } from './client-error';
export { toProtoDiagnostic } from './proto';
