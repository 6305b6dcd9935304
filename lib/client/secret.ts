/**
 * A secret string that does not print itself. Every token value the client hands back is a `Secret`
 * so that a stray `console.log`, template string, `JSON.stringify` or `util.inspect` shows
 * `[secret]` instead of the value; `reveal()` is the one deliberate way out.
 */
import { inspect } from 'node:util';
import { REDACTED, registerSecret } from '../contract/redact';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('a Secret wraps a string');
    this.#value = value;
    registerSecret(value);
  }

  /** Wraps a string, or returns the `Secret` it was given. */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** The value itself. Call it only where the value must leave the process (a header, Terraform state). */
  reveal(): string {
    return this.#value;
  }

  /** Compares in constant time with respect to content (lengths may differ early). */
  equals(other: string | Secret): boolean {
    const b = other instanceof Secret ? other.reveal() : other;
    const a = this.#value;
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** `true` for a `Secret`. */
export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
