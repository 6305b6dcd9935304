/**
 * Terraform values on the wire: `DynamicValue` as msgpack (the usual encoding) or JSON (stored state
 * handed to `UpgradeResourceState`), read and written against a cty type.
 *
 * In memory a value is plain JavaScript: `null`, {@link UNKNOWN}, strings, numbers, booleans, arrays
 * (lists and sets) and records (maps and objects). Writing is strict: an object must carry exactly the
 * attributes of its type, because Terraform rejects a response with a missing or extra attribute, and
 * an error here names the attribute path, which a silent `null` would not.
 */
import { Decoder, Encoder, ExtData, ExtensionCodec } from '@msgpack/msgpack';
import { timing } from './timing';

/** A cty type in its JSON encoding, which is also what `Schema.Attribute.type` carries as bytes. */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | readonly ['map', CtyType]
  | readonly ['list', CtyType]
  | readonly ['set', CtyType]
  | readonly ['object', { readonly [attribute: string]: CtyType }];

/** The one unknown value ("known after apply"). Compare with `===` or {@link isUnknown}. */
export const UNKNOWN: unique symbol = Symbol.for('mlp-tokens.terraform.unknown');
export type Unknown = typeof UNKNOWN;

/** A Terraform value in memory. */
export type Value = null | Unknown | string | number | boolean | readonly Value[] | ObjectValue;
/** An object or map value. */
export interface ObjectValue {
  readonly [key: string]: Value;
}

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** `true` when the value contains no unknown anywhere inside. */
export function isWhollyKnown(value: Value): boolean {
  if (value === UNKNOWN) return false;
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  return Object.values(value as ObjectValue).every(isWhollyKnown);
}

/** Thrown when a value does not fit its type; `path` names where. */
export class ValueCodecError extends Error {
  readonly code = 'VALUE_CODEC';
  constructor(
    message: string,
    readonly path: readonly (string | number)[],
  ) {
    super(path.length > 0 ? `${message} (at ${formatPath(path)})` : message);
    this.name = 'ValueCodecError';
  }
}

/**
 * Extension type 0 is cty's unknown value; Terraform 1.x may also send type 12, an unknown with
 * refinements (e.g. "not null", a string prefix). We do not use refinements, so both read as unknown.
 */
const UNKNOWN_EXT_TYPES = [0, 12] as const;
/** cty writes an unknown as fixext1 of type 0 holding one zero byte; we write the same bytes. */
const UNKNOWN_EXT = new ExtData(0, new Uint8Array([0]));

let codecs: { encoder: Encoder<undefined>; decoder: Decoder<undefined> } | undefined;
function msgpack(): { encoder: Encoder<undefined>; decoder: Decoder<undefined> } {
  if (!codecs) {
    const extensionCodec = new ExtensionCodec();
    for (const type of UNKNOWN_EXT_TYPES) {
      extensionCodec.register({ type, encode: () => null, decode: () => UNKNOWN });
    }
    codecs = { encoder: new Encoder({ extensionCodec }), decoder: new Decoder({ extensionCodec }) };
  }
  return codecs;
}

/** Decodes msgpack bytes against `type`. Empty bytes read as null (an unset DynamicValue). */
export function decodeMsgpack(bytes: Uint8Array | undefined | null, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  if (!timing) return conform(msgpack().decoder.decode(bytes), type, [], 'msgpack');
  const started = performance.now();
  const value = conform(msgpack().decoder.decode(bytes), type, [], 'msgpack');
  timing.msgpack(performance.now() - started);
  return value;
}

/** Encodes a value of `type` as msgpack bytes, checking it against the type on the way. */
export function encodeMsgpack(value: Value, type: CtyType): Buffer {
  const started = timing ? performance.now() : 0;
  const wire = toWire(value, type, []);
  const bytes = msgpack().encoder.encode(wire);
  timing?.msgpack(performance.now() - started);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes JSON bytes (or text) against `type`; JSON cannot hold unknowns. */
export function decodeJson(bytes: Uint8Array | string | undefined | null, type: CtyType): Value {
  if (bytes === undefined || bytes === null || bytes.length === 0) return null;
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  return conformJson(JSON.parse(text) as unknown, type);
}

/** Reads already-parsed JSON against `type` (for a caller that needed the parsed form too). */
export function conformJson(parsed: unknown, type: CtyType): Value {
  return conform(parsed, type, [], 'json');
}

/** A `DynamicValue` as it arrives: msgpack when present, else JSON. */
export interface DynamicValueBytes {
  msgpack?: Uint8Array | null;
  json?: Uint8Array | null;
}

/** Reads a `DynamicValue` against `type`, whichever encoding it uses. */
export function decodeDynamic(dv: DynamicValueBytes | undefined | null, type: CtyType): Value {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack, type);
  if (dv.json && dv.json.length > 0) return decodeJson(dv.json, type);
  return null;
}

/** Writes a `DynamicValue` (always msgpack). */
export function encodeDynamic(value: Value, type: CtyType): { msgpack: Buffer } {
  return { msgpack: encodeMsgpack(value, type) };
}

/** Reads an object value against an object type; null and unknown pass through. */
export function attributesOf(type: CtyType): Readonly<Record<string, CtyType>> {
  if (typeof type === 'string' || type[0] !== 'object') throw new ValueCodecError(`${JSON.stringify(type)} is not an object type`, []);
  return type[1];
}

/** `a.b[0]["k"]` */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((step, i) =>
      typeof step === 'number'
        ? `[${step}]`
        : i === 0
          ? step
          : /^[A-Za-z_][A-Za-z0-9_]*$/.test(step)
            ? `.${step}`
            : `[${JSON.stringify(step)}]`,
    )
    .join('');
}

/** Terraform's structural equality of two known-or-unknown values (unknown equals only unknown). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === UNKNOWN || b === UNKNOWN) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as readonly Value[];
    return a.length === bb.length && a.every((v, i) => valuesEqual(v, bb[i]!));
  }
  const ao = a as ObjectValue;
  const bo = b as ObjectValue;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => k in bo && valuesEqual(ao[k]!, bo[k]!));
}

function conform(raw: unknown, type: CtyType, path: (string | number)[], encoding: 'msgpack' | 'json'): Value {
  if (raw === null || raw === undefined) return null;
  if (raw === UNKNOWN) return UNKNOWN;
  if (type === 'string') {
    if (typeof raw === 'string') return raw;
    // cty converts primitives to strings where a string is expected; stored JSON may hold either.
    if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    throw new ValueCodecError(`expected a string, got ${describe(raw)}`, path);
  }
  if (type === 'number') {
    if (typeof raw === 'number') return raw;
    // cty writes numbers it cannot hold exactly in an int64 or float64 as decimal strings.
    if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    if (typeof raw === 'bigint') return Number(raw);
    throw new ValueCodecError(`expected a number, got ${describe(raw)}`, path);
  }
  if (type === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new ValueCodecError(`expected a bool, got ${describe(raw)}`, path);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) throw new ValueCodecError(`expected a ${kind}, got ${describe(raw)}`, path);
    return raw.map((item, i) => conform(item, inner, [...path, i], encoding));
  }
  if (!isPlainRecord(raw)) throw new ValueCodecError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(raw)}`, path);
  if (kind === 'map') {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = conform(v, inner, [...path, k], encoding);
    return out;
  }
  // Objects: every attribute of the type, absent ones as null (older stored state may lack newer
  // attributes); attributes the type does not know are dropped.
  const out: Record<string, Value> = {};
  for (const [name, attrType] of Object.entries(inner)) out[name] = conform(raw[name], attrType, [...path, name], encoding);
  return out;
}

function toWire(value: Value, type: CtyType, path: (string | number)[]): unknown {
  if (value === undefined) throw new ValueCodecError('value is missing (undefined); use null for "no value"', path);
  if (value === null) return null;
  if (value === UNKNOWN) return UNKNOWN_EXT;
  if (type === 'string') {
    if (typeof value !== 'string') throw new ValueCodecError(`expected a string, got ${describe(value)}`, path);
    return value;
  }
  if (type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ValueCodecError(`expected a finite number, got ${describe(value)}`, path);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new ValueCodecError(`expected a bool, got ${describe(value)}`, path);
    return value;
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw new ValueCodecError(`expected a ${kind}, got ${describe(value)}`, path);
    return (value as readonly Value[]).map((item, i) => toWire(item, inner, [...path, i]));
  }
  if (!isPlainRecord(value)) throw new ValueCodecError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(value)}`, path);
  const record = value as ObjectValue;
  if (kind === 'map') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = toWire(v, inner, [...path, k]);
    return out;
  }
  const extra = Object.keys(record).filter((k) => !(k in inner));
  if (extra.length > 0) throw new ValueCodecError(`attribute(s) ${extra.join(', ')} are not in the schema`, path);
  const out: Record<string, unknown> = {};
  for (const [name, attrType] of Object.entries(inner)) {
    if (!(name in record) || record[name] === undefined)
      throw new ValueCodecError(`attribute "${name}" is missing; every schema attribute must be set (null for none)`, [...path, name]);
    out[name] = toWire(record[name]!, attrType, [...path, name]);
  }
  return out;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof ExtData)
  );
}

/** Names a value's kind without showing its content (it may be a secret). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof ExtData) return `msgpack extension type ${value.type}`;
  return `a ${typeof value === 'object' ? 'map' : typeof value}`;
}
