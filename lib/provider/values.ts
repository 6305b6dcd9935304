/**
 * Typed reads of attribute values, for handlers: each returns the JavaScript value, `null` for null,
 * or {@link UNKNOWN} for a value not known until apply.
 */
import { durationProblem, parseDuration } from '../contract/duration';
import { type CtyType, type ObjectValue, type Unknown, UNKNOWN, type Value, valuesEqual } from './codec';
import type { BlockSchema } from './schema/model';

export type Maybe<T> = T | null | Unknown;

export function getString(obj: ObjectValue, name: string): Maybe<string> {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v !== 'string') throw new TypeError(`attribute ${name} is not a string`);
  return v;
}

export function getNumber(obj: ObjectValue, name: string): Maybe<number> {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v !== 'number') throw new TypeError(`attribute ${name} is not a number`);
  return v;
}

/** A map of strings; an unknown element makes the whole map unknown for our purposes. */
export function getStringMap(obj: ObjectValue, name: string): Maybe<Readonly<Record<string, string>>> {
  const v = obj[name];
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`attribute ${name} is not a map`);
  const out: Record<string, string> = {};
  for (const [k, item] of Object.entries(v as ObjectValue)) {
    if (item === UNKNOWN) return UNKNOWN;
    if (typeof item === 'string') out[k] = item;
  }
  return out;
}

/** `true` when `v` is a known, non-null value. */
export function isKnown<T>(v: Maybe<T>): v is T {
  return v !== null && v !== UNKNOWN;
}

/** RFC 3339 text of a time, as the state stores it (UTC, no fractional seconds when there are none). */
export function formatTime(date: Date): string;
export function formatTime(date: Date | null): string | null;
export function formatTime(date: Date | null): string | null {
  if (date === null) return null;
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Parses a time stored by {@link formatTime}; null for null/unknown/garbage. */
export function parseTime(v: Maybe<string>): Date | null {
  if (!isKnown(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * Today's shape from stored JSON state (UpgradeResourceState from an older schema version): every
 * attribute of the schema, each value kept where it has the right kind, anything else null.
 */
export function normalizeStored(schema: BlockSchema, stored: Record<string, unknown>): ObjectValue {
  const out: Record<string, Value> = {};
  for (const [name, attr] of Object.entries(schema.attributes)) out[name] = storedAs(stored[name], attr.type);
  return out;
}

/**
 * A stored JSON value read as `type`, keeping what fits: a value of the wrong kind becomes null, a
 * collection keeps the elements that fit, an object keeps its attributes (each read the same way).
 * Driven by the type alone, so a new attribute kind (a bool, a list of objects such as
 * `retired_tokens`) survives an upgrade without a case written for it.
 */
function storedAs(v: unknown, type: CtyType): Value {
  if (v === null || v === undefined) return null;
  if (typeof type === 'string') {
    if (type === 'string') return typeof v === 'string' ? v : null;
    if (type === 'number') return typeof v === 'number' && Number.isFinite(v) ? v : null;
    return typeof v === 'boolean' ? v : null;
  }
  const [kind, inner] = type;
  if (kind === 'object') {
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    const attributes = inner as Readonly<Record<string, CtyType>>;
    const out: Record<string, Value> = {};
    for (const [name, t] of Object.entries(attributes)) out[name] = storedAs((v as Record<string, unknown>)[name], t);
    return out;
  }
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(v)) return null;
    return v.map((e) => storedAs(e, inner as CtyType)).filter((e) => e !== null);
  }
  if (kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    const entries = Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, storedAs(e, inner as CtyType)] as const);
    return Object.fromEntries(entries.filter(([, e]) => e !== null)) as ObjectValue;
  }
  return null;
}

/** Two durations of the same length are the same lifetime, however they are spelled (`60m`, `1h`). */
export function sameDuration(a: Maybe<string>, b: Maybe<string>): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  if (a === null || b === null) return a === b;
  if (durationProblem(a) || durationProblem(b)) return a === b;
  return parseDuration(a) === parseDuration(b);
}

/** Whether a `rotation_triggers` map changed; an empty map counts as none. */
export function triggersChanged(before: Value | undefined, after: Maybe<Readonly<Record<string, string>>>): boolean {
  if (after === UNKNOWN) return true;
  const b = before === null || before === undefined || before === UNKNOWN ? null : (before as ObjectValue);
  const norm = (m: Readonly<Record<string, Value>> | null) => (m && Object.keys(m).length > 0 ? m : null);
  return !valuesEqual(norm(after), norm(b));
}
