/**
 * Scrubs secrets out of text before it becomes an error message, a log line or a diagnostic.
 *
 * Two layers: every secret value this process has seen (each `Secret` registers itself here, and so
 * does the client's configured token) is replaced wherever it occurs, and a few patterns catch what
 * was never registered (a `Bearer ...` header, a secret-named JSON field) in case the API or a
 * proxy echoes one back.
 */

/** What a secret looks like once scrubbed. */
export const REDACTED = '[secret]';

/** Values shorter than this are not registered: scrubbing them would mangle ordinary words. */
export const MIN_REDACTABLE_LENGTH = 8;

/** How many distinct unpinned values the process-wide registry keeps (least recently added are forgotten first). */
const MAX_KNOWN = 10_000;

const SECRET_FIELD_PATTERN = /("(?:refresh_token|access_token|register_token|token|value|password)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
/** `authorization: bearer x` in any case, and a capitalised `Bearer <token68>` as headers carry it. */
const AUTHORIZATION_PATTERN = /(\bauthorization"?\s*[:=]\s*"?bearer\s+)[^\s"',;]+/gi;
const BEARER_PATTERN = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/** How a value is remembered. */
export interface RedactorAddOptions {
  /**
   * Never forget this value. For the long-lived credentials a process is configured with (the
   * client's token, the provider's token): the bounded registry must not let a flood of short-lived
   * values push them out.
   * @default false
   */
  readonly pinned?: boolean;
}

/** A set of known secret values and the function that scrubs them from text. */
export class Redactor {
  /** Insertion order is recency: re-adding a value moves it to the end, eviction takes from the front. */
  readonly #known = new Set<string>();
  readonly #pinned = new Set<string>();
  /** Every value, longest first; rebuilt only after a change, not on every `redact`. */
  #sorted: string[] | undefined;

  /** Remembers a value so that {@link redact} replaces it from now on. */
  add(value: string | undefined | null, options: RedactorAddOptions = {}): void {
    if (typeof value !== 'string' || value.length < MIN_REDACTABLE_LENGTH) return;
    // The percent-encoded spelling is how a value appears inside a URL.
    const encoded = encodeURIComponent(value);
    for (const spelling of encoded === value ? [value] : [value, encoded]) {
      if (options.pinned) {
        this.#known.delete(spelling);
        this.#pinned.add(spelling);
      } else if (!this.#pinned.has(spelling)) {
        this.#known.delete(spelling);
        this.#known.add(spelling);
      }
    }
    while (this.#known.size > MAX_KNOWN) this.#known.delete(this.#known.values().next().value!);
    this.#sorted = undefined;
  }

  /** Replaces every known value and every secret-looking pattern in `text`. */
  redact(text: string): string {
    let out = String(text);
    // Longest first, so a secret that contains another is replaced whole.
    this.#sorted ??= [...this.#pinned, ...this.#known].sort((a, b) => b.length - a.length);
    for (const value of this.#sorted) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out
      .replace(AUTHORIZATION_PATTERN, `$1${REDACTED}`)
      .replace(BEARER_PATTERN, `$1${REDACTED}`)
      .replace(SECRET_FIELD_PATTERN, `$1"${REDACTED}"`);
  }

/** `true` when `text` contains a registered value (patterns are not considered). */
  leaks(text: string): boolean {
    for (const value of this.#pinned) if (text.includes(value)) return true;
    for (const value of this.#known) if (text.includes(value)) return true;
    return false;
  }
}

/** The process-wide registry every `Secret` joins. */
export const globalRedactor = new Redactor();

/** Remembers a secret value process-wide (`pinned`: never forgotten, for configured credentials). */
export function registerSecret(value: string | undefined | null, options?: RedactorAddOptions): void {
  globalRedactor.add(value, options);
}

/** Scrubs every secret this process has seen (plus `extra` values) out of `text`. */
export function redact(text: string, extra: Iterable<string> = []): string {
  let out = globalRedactor.redact(text);
  for (const value of extra) {
    if (typeof value === 'string' && value.length > 0 && out.includes(value)) out = out.split(value).join(REDACTED);
  }
  return out;
}
