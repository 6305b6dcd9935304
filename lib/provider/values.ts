/**
 * Typed reads of attribute values, for handlers: each returns the JavaScript value, `null` for null,
 * or {@link UNKNOWN} for a value not known until apply.
 */
import { durationProblem, parseDuration } from '../contract/duration';
import { type ObjectValue, type Unknown, UNKNOWN, type Value, valuesEqual } from './codec';
import type { BlockSchema } from './schema';

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
 * Today's shape from stored JSON state (UpgradeResourceState): every attribute of the schema, strings
 * and string maps kept where they have the right kind, anything else null.
 */
export function normalizeStored(schema: BlockSchema, stored: Record<string, unknown>): ObjectValue {
  const out: Record<string, Value> = {};
  for (const [name, attr] of Object.entries(schema.attributes)) {
    const v = stored[name];
    if (attr.type === 'string') out[name] = typeof v === 'string' ? v : null;
    else if (attr.type === 'number') out[name] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    else if (Array.isArray(attr.type) && attr.type[0] === 'list')
      out[name] = Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : null;
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      out[name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, s]) => typeof s === 'string')) as ObjectValue;
    } else out[name] = null;
  }
  return out;
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
