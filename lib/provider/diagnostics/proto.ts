/**
 * The one door a diagnostic leaves the provider by: whatever a factory or an API answer put in the
 * text, it is redacted here and its control characters escaped, so no secret and no terminal escape
 * reaches Terraform's output, its logs or our stderr.
 */
import { redact } from '../../contract/redact';
import { escapeControls } from '../../contract/text';
import type * as proto from '../protocol';
import { SEVERITY } from '../protocol';
import type { Diagnostic } from './model';

/** The protocol form, redacted (the only way a diagnostic leaves the provider). */
export function toProtoDiagnostic(d: Diagnostic, extraSecrets: readonly string[] = []): proto.Diagnostic {
  const out: proto.Diagnostic = {
    severity: d.severity === 'error' ? SEVERITY.ERROR : SEVERITY.WARNING,
    // Control characters (from API text, or a name) are escaped: none reaches Terraform's output raw.
    summary: escapeControls(redact(d.summary, extraSecrets)),
    detail: escapeControls(redact(d.detail, extraSecrets), { keepNewlines: true }),
  };
  if (d.attribute && d.attribute.length > 0) {
    out.attribute = {
      steps: d.attribute.map((step) => (typeof step === 'number' ? { element_key_int: step } : { attribute_name: step })),
    };
  }
  return out;
}
