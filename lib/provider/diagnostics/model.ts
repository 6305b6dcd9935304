/**
 * What a diagnostic is, apart from any message or wire format: handlers, the provider and the
 * named factories all speak this shape, so none of them needs to know the protocol (conversion is
 * `proto.ts`'s job, the only way out) or the client (its errors are mapped in `client-error.ts`).
 */
import { redact } from '../../contract/redact';

export type Severity = 'error' | 'warning';
/** Attribute names and list indexes/map keys, from the root of the object. */
export type AttributePathSteps = readonly (string | number)[];

export interface Diagnostic {
  readonly severity: Severity;
  readonly summary: string;
  readonly detail: string;
  readonly attribute?: AttributePathSteps | undefined;
}

/** Thrown by handlers to stop with one or more diagnostics (the RPC wrapper reports them). */
export class DiagnosticError extends Error {
  readonly code = 'DIAGNOSTIC';
  readonly diagnostics: readonly Diagnostic[];
  constructor(...diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join('; '));
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}

/** A per-call collection handlers add warnings (and non-fatal errors) to. */
export class Diagnostics {
  readonly #items: Diagnostic[] = [];
  add(...items: readonly Diagnostic[]): void {
    this.#items.push(...items);
  }
  get hasErrors(): boolean {
    return this.#items.some((d) => d.severity === 'error');
  }
  get items(): readonly Diagnostic[] {
    return this.#items;
  }
}

/** The two constructors every set of named factories builds on (so a severity is never misspelt). */
export function errorDiagnostic(summary: string, detail: string, attribute?: AttributePathSteps): Diagnostic {
  return { severity: 'error', summary, detail, attribute };
}
export function warningDiagnostic(summary: string, detail: string, attribute?: AttributePathSteps): Diagnostic {
  return { severity: 'warning', summary, detail, attribute };
}

/** `error.name: message` for anything thrown, redacted. */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return redact(`${err.name}: ${err.message}`);
  return redact(String(err));
}
