/**
 * Scrubs secrets out of text before it becomes an error message, a log line or a diagnostic.
 *
 * Two layers: every secret value this process has seen (each `Secret` registers itself here, and so
 * does the client's configured token) is replaced wherever it occurs, and a few patterns catch what
 * was never registered (a `Bearer ...` header, a secret-named JSON field) in case the API or a
 * proxy echoes one back.
 *
 * A known value is caught not only whole: any run of {@link REDACT_WINDOW} or more of its characters
 * (an API that echoes the first 20 and the last 12 characters), in any letter case, percent-encoded,
 * or in base64 / base64url (at each of the three byte alignments, so a value inside a larger encoded
 * blob such as `Basic base64(user:secret)` is caught too). How: every {@link REDACT_WINDOW}-character
 * window of each spelling is indexed by a rolling hash (two 32-bit polynomial hashes, letter case and
 * `+/` versus `-_` folded away), and a text is scanned once with the same rolling hash; overlapping
 * hits merge into one replaced run. The cost is one pass over the text whatever the number of known
 * values (about 10 ms per MiB); a hash collision can only over-redact 12 characters, never leak.
 */

/** What a secret looks like once scrubbed. */
export const REDACTED = '[secret]';

/** Values shorter than this are not registered: scrubbing them would mangle ordinary words. */
export const MIN_REDACTABLE_LENGTH = 8;

/** The shortest part of a known value that is redacted on its own (shorter values are matched whole). */
export const REDACT_WINDOW = 12;

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

/** A module binding, not a global look-up per character (globals are slow inside `vm` contexts, e.g. jest's). */
const imul = Math.imul;
const BASE1 = 0x01000193;
const BASE2 = 0x5bd1e995;
/** BASE^(REDACT_WINDOW-1) mod 2^32, to take the leaving character out of a rolling hash. */
const BASE1_OUT = powMod32(BASE1, REDACT_WINDOW - 1);
const BASE2_OUT = powMod32(BASE2, REDACT_WINDOW - 1);

function powMod32(base: number, exp: number): number {
  let out = 1;
  for (let i = 0; i < exp; i++) out = imul(out, base);
  return out;
}

/*
 * Before hashing, ASCII letters go to lower case and base64's `+` `/` to base64url's `-` `_`, so
 * one indexed spelling stands for every letter case and both base64 alphabets.
 */

/**
 * The window hashes of every known spelling, with how many values share each: an open-addressing
 * table over typed arrays (a `Map` of numbers costs 5-10 times more per look-up, and the scan looks
 * up every position of the text).
 */
class WindowTable {
  #bits = 10;
  #h1 = new Int32Array(1 << this.#bits);
  #h2 = new Int32Array(1 << this.#bits);
  /** 0: empty; > 0: how many values share this window; -1: deleted (probing goes on past it). */
  #count = new Int32Array(1 << this.#bits);
  #live = 0;
  #filled = 0;

  get size(): number {
    return this.#live;
  }

  add(h1: number, h2: number, delta: 1 | -1): void {
    if (delta > 0 && (this.#filled + 1) * 2 > this.#count.length) this.#resize();
    const mask = this.#count.length - 1;
    let free = -1;
    for (let i = imul(h1, 0x9e3779b1) >>> (32 - this.#bits); ; i = (i + 1) & mask) {
      const c = this.#count[i]!;
      if (c === 0) {
        if (delta < 0) return;
        const at = free >= 0 ? free : i;
        if (free < 0) this.#filled++;
        this.#h1[at] = h1;
        this.#h2[at] = h2;
        this.#count[at] = 1;
        this.#live++;
        return;
      }
      if (c < 0) {
        if (free < 0) free = i;
      } else if (this.#h1[i] === h1 && this.#h2[i] === h2) {
        this.#count[i] = c + delta;
        if (c + delta === 0) {
          this.#count[i] = -1;
          this.#live--;
        }
        return;
      }
    }
  }

  has(h1: number, h2: number): boolean {
    const mask = this.#count.length - 1;
    for (let i = imul(h1, 0x9e3779b1) >>> (32 - this.#bits); ; i = (i + 1) & mask) {
      const c = this.#count[i]!;
      if (c === 0) return false;
      if (c > 0 && this.#h1[i] === h1 && this.#h2[i] === h2) return true;
    }
  }

  #resize(): void {
    const [h1s, h2s, counts] = [this.#h1, this.#h2, this.#count];
    while (this.#live * 4 >= 1 << this.#bits) this.#bits++;
    this.#h1 = new Int32Array(1 << this.#bits);
    this.#h2 = new Int32Array(1 << this.#bits);
    this.#count = new Int32Array(1 << this.#bits);
    this.#live = 0;
    this.#filled = 0;
    const mask = this.#count.length - 1;
    for (let j = 0; j < counts.length; j++) {
      if (counts[j]! <= 0) continue;
      let i = imul(h1s[j]!, 0x9e3779b1) >>> (32 - this.#bits);
      while (this.#count[i] !== 0) i = (i + 1) & mask;
      this.#h1[i] = h1s[j]!;
      this.#h2[i] = h2s[j]!;
      this.#count[i] = counts[j]!;
      this.#live++;
      this.#filled++;
    }
  }
}

/**
 * Calls `each(start, h1, h2)` for every window of `text` (or, given `only`, for every window in
 * that table): the rolling hashes with the folding inlined, since this loop runs once per character
 * of every redacted text.
 */
function eachWindow(text: string, each: (start: number, h1: number, h2: number) => void, only?: WindowTable): void {
  const n = text.length;
  if (n < REDACT_WINDOW) return;
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 43) c = 45;
    else if (c === 47) c = 95;
    if (i >= REDACT_WINDOW) {
      let out = text.charCodeAt(i - REDACT_WINDOW);
      if (out >= 65 && out <= 90) out += 32;
      else if (out === 43) out = 45;
      else if (out === 47) out = 95;
      h1 = (h1 - imul(out, BASE1_OUT)) | 0;
      h2 = (h2 - imul(out, BASE2_OUT)) | 0;
    }
    h1 = (imul(h1, BASE1) + c) | 0;
    h2 = (imul(h2, BASE2) + c) | 0;
    if (i >= REDACT_WINDOW - 1 && (only === undefined || only.has(h1, h2))) each(i - REDACT_WINDOW + 1, h1, h2);
  }
}

/**
 * The spellings a value may appear in: itself, percent-encoded (inside a URL), and base64 at the
 * three byte alignments. An aligned copy drops its first group when padded in front and its last
 * group when that one is partial, since neighbouring bytes of a larger blob change those characters.
 */
export function spellingsOf(value: string): string[] {
  const out = new Set<string>([value, encodeURIComponent(value)]);
  const bytes = Buffer.from(value, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const total = shift + bytes.length;
    const from = shift > 0 ? 4 : 0;
    const to = total % 3 === 0 ? encoded.length : encoded.length - (encoded.length % 4 || 4);
    const core = encoded.slice(from, Math.max(from, to));
    if (core.length >= REDACT_WINDOW) out.add(core);
  }
  return [...out];
}

/** A set of known secret values and the function that scrubs them from text. */
export class Redactor {
  /** Insertion order is recency: re-adding a value moves it to the end, eviction takes from the front. */
  readonly #known = new Set<string>();
  readonly #pinned = new Set<string>();
  /** Window keys of every spelling of every value at least {@link REDACT_WINDOW} long, with how many values share each. */
  readonly #windows = new WindowTable();
  /** Spellings shorter than a window, matched whole, with how many values share each. */
  readonly #short = new Map<string, number>();
  /** {@link #short}'s keys, longest first; rebuilt only after a change, not on every `redact`. */
  #shortSorted: string[] | undefined;

  /** Remembers a value so that {@link redact} replaces it from now on. */
  add(value: string | undefined | null, options: RedactorAddOptions = {}): void {
    if (typeof value !== 'string' || value.length < MIN_REDACTABLE_LENGTH) return;
    if (this.#pinned.has(value)) return;
    if (options.pinned) {
      if (!this.#known.delete(value)) this.#index(value, 1);
      this.#pinned.add(value);
      return;
    }
    if (this.#known.delete(value)) {
      this.#known.add(value);
      return;
    }
    this.#known.add(value);
    this.#index(value, 1);
    while (this.#known.size > MAX_KNOWN) {
      const oldest = this.#known.values().next().value!;
      this.#known.delete(oldest);
      this.#index(oldest, -1);
    }
  }

  /** Replaces every known value (and every part of one of {@link REDACT_WINDOW}+ characters) and every secret-looking pattern in `text`. */
  redact(text: string): string {
    let out = String(text);
    if (this.#windows.size > 0 && out.length >= REDACT_WINDOW) out = this.#redactWindows(out);
    if (this.#short.size > 0) {
      // Longest first, so a secret that contains another is replaced whole.
      this.#shortSorted ??= [...this.#short.keys()].sort((a, b) => b.length - a.length);
      for (const value of this.#shortSorted) {
        if (out.includes(value)) out = out.split(value).join(REDACTED);
      }
    }
    return out
      .replace(AUTHORIZATION_PATTERN, `$1${REDACTED}`)
      .replace(BEARER_PATTERN, `$1${REDACTED}`)
      .replace(SECRET_FIELD_PATTERN, `$1"${REDACTED}"`);
  }

  /** `true` when `text` contains a registered value whole, or percent-encoded (patterns and parts are not considered). */
  leaks(text: string): boolean {
    for (const set of [this.#pinned, this.#known]) {
      for (const value of set) if (text.includes(value) || text.includes(encodeURIComponent(value))) return true;
    }
    return false;
  }

  #index(value: string, delta: 1 | -1): void {
    for (const spelling of spellingsOf(value)) {
      if (spelling.length < REDACT_WINDOW) {
        bump(this.#short, spelling, delta);
        this.#shortSorted = undefined;
      } else {
        eachWindow(spelling, (_start, h1, h2) => this.#windows.add(h1, h2, delta));
      }
    }
  }

  #redactWindows(text: string): string {
    const windows = this.#windows;
    let pieces: string[] | undefined;
    let copied = 0;
    let runStart = -1;
    let runEnd = -1;
    eachWindow(
      text,
      (start) => {
        if (start <= runEnd) {
          runEnd = start + REDACT_WINDOW;
          return;
        }
        if (runStart >= 0) {
          (pieces ??= []).push(text.slice(copied, runStart), REDACTED);
          copied = runEnd;
        }
        runStart = start;
        runEnd = start + REDACT_WINDOW;
      },
      windows,
    );
    if (runStart < 0) return text;
    (pieces ??= []).push(text.slice(copied, runStart), REDACTED, text.slice(runEnd));
    return pieces.join('');
  }
}

function bump<K>(map: Map<K, number>, key: K, delta: 1 | -1): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next > 0) map.set(key, next);
  else map.delete(key);
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
