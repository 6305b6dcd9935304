/**
 * A handler as the provider holds it, and how its values cross the wire. What a request's value
 * means depends on the schema (its cty type, which attributes are sensitive or write-only), so that
 * is worked out once, at registration; every value decoded against it puts its secrets in the
 * redactor before anything could print them, and every state encoded for Terraform holds null for
 * a write-only attribute, whatever the handler returned.
 */
import { registerSecret } from '../contract/redact';
import { type CtyType, type ObjectValue, type Value, decodeDynamic, encodeDynamic, UNKNOWN } from './codec';
import type { DataSourceHandler, EphemeralResourceHandler, ResourceHandler } from './handler';
import type * as proto from './protocol';
import { type BlockSchema, objectTypeOf, sensitiveAttributes, writeOnlyAttributes } from './schema';

export interface Registered<H> {
  readonly handler: H;
  readonly type: CtyType;
  readonly sensitive: readonly string[];
  readonly writeOnly: readonly string[];
}

/** Any registered handler: decoding and encoding need only its schema-derived parts. */
export type AnyRegistered = Registered<ResourceHandler | DataSourceHandler | EphemeralResourceHandler>;

export function register<H extends { schema: BlockSchema }>(handler: H): Registered<H> {
  return {
    handler,
    type: objectTypeOf(handler.schema),
    sensitive: sensitiveAttributes(handler.schema),
    writeOnly: writeOnlyAttributes(handler.schema),
  };
}

/** The request's value as an object, or null where Terraform sent null (no prior state, a destroy). */
export function decodeNullable(r: AnyRegistered, dv: proto.DynamicValue | undefined): ObjectValue | null {
  const value = decodeDynamic(dv, r.type);
  if (value === null) return null;
  const obj = asObject(value, r.handler.schema);
  registerSecrets(r, obj);
  return obj;
}

/** The request's value as an object; a null one reads as an object of nulls. */
export function decodeObject(r: AnyRegistered, dv: proto.DynamicValue | undefined): ObjectValue {
  return decodeNullable(r, dv) ?? nullObject(r.handler.schema);
}

/** Every sensitive value this process sees joins the redactor before anything could print it. */
export function registerSecrets(r: AnyRegistered, obj: ObjectValue | null): void {
  if (!obj) return;
  for (const name of r.sensitive) {
    const v = obj[name];
    if (typeof v === 'string') registerSecret(v);
  }
}

/** A planned or new state in the protocol form, without the write-only attributes' values. */
export function encodeState(r: AnyRegistered, obj: ObjectValue | null): proto.DynamicValue {
  return encodeDynamic(withoutWriteOnly(r, obj), r.type);
}

/** Terraform never plans or stores a write-only attribute: every planned and new state holds null for it. */
function withoutWriteOnly<T extends ObjectValue | null>(r: { readonly writeOnly: readonly string[] }, obj: T): T {
  if (obj === null || r.writeOnly.length === 0) return obj;
  const out: Record<string, Value> = { ...obj };
  for (const name of r.writeOnly) out[name] = null;
  return out as T;
}

/** A wholly unknown object (config during validation) reads as an object of unknowns. */
export function asObject(value: Value, schema: BlockSchema): ObjectValue {
  if (value === UNKNOWN) return Object.fromEntries(Object.keys(schema.attributes).map((k) => [k, UNKNOWN]));
  if (value === null) return nullObject(schema);
  return value as ObjectValue;
}

function nullObject(schema: BlockSchema): ObjectValue {
  return Object.fromEntries(Object.keys(schema.attributes).map((k) => [k, null]));
}
