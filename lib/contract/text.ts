/**
 * Text from outside (the API's error fields and names, a user's input echoed back) made safe to put
 * in a message a terminal shows: control characters escaped so none can clear the screen, retitle
 * the window (ESC, OSC), move the cursor back over a line (CR) or start a fake `Error:` line (LF),
 * and bidirectional controls escaped so none can reorder what a reader sees. Long values are cut.
 * No I/O and no dependencies: the provider, the constructs and the emulator all load it.
 */

/**
 * C0 controls (U+0000-U+001F), DEL and the C1 controls (U+007F-U+009F), the bidi embeddings,
 * overrides, isolates and marks (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), and the
 * Unicode line and paragraph separators (U+2028, U+2029).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** How many characters of an echoed value a message shows before cutting it. */
export const SHOWN_VALUE_MAX = 64;

function escapeOne(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * `text` with every control character written as an escape (`\u001b`, `\r`, `\n`). With
 * `keepNewlines`, LF and TAB stay (for our own multi-line details; never for text from outside).
 */
export function escapeControls(text: string, options: { readonly keepNewlines?: boolean } = {}): string {
  return String(text).replace(options.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE, escapeOne);
}

/**
 * A value as a message quotes it: in double quotes, control characters escaped, and cut after
 * `max` characters with the full length named (`"aaaa…"…(10000 chars)`), so a 10,000-character
 * input does not fill the screen.
 */
export function quoteValue(value: string, max: number = SHOWN_VALUE_MAX): string {
  const text = String(value);
  const shown = escapeControls((text.length <= max ? text : text.slice(0, max)).replace(/["\\]/g, '\\$&'));
  return text.length <= max ? `"${shown}"` : `"${shown}"…(${text.length} chars)`;
}
