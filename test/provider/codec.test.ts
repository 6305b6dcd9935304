import { ExtData, encode } from '@msgpack/msgpack';
import {
  type CtyType,
  UNKNOWN,
  ValueCodecError,
  decodeDynamic,
  decodeJson,
  decodeMsgpack,
  encodeMsgpack,
  isWhollyKnown,
  valuesEqual,
} from '../../lib/provider/codec';

const TOKEN: CtyType = [
  'object',
  {
    name: 'string',
    ttl: 'string',
    count: 'number',
    on: 'bool',
    triggers: ['map', 'string'],
    items: ['list', ['object', { id: 'string' }]],
  },
];

/** cty's unknown: fixext1, extension type `type`, one data byte. */
function unknownBytes(type: number): Uint8Array {
  return new Uint8Array([0xd4, type, 0]);
}

describe('msgpack codec', () => {
  test('GIVEN a full object WHEN encoded and decoded THEN it round-trips', () => {
    const value = { name: 'ci', ttl: null, count: 3, on: true, triggers: { a: 'b' }, items: [{ id: 'x' }, { id: 'y' }] };
    expect(decodeMsgpack(encodeMsgpack(value, TOKEN), TOKEN)).toEqual(value);
  });

  test('unknown values are written as cty writes them (fixext1 type 0)', () => {
    const bytes = encodeMsgpack(UNKNOWN, 'string');
    expect([...bytes]).toEqual([0xd4, 0, 0]);
  });

  test.each([0, 12])('GIVEN extension type %i WHEN decoded THEN it is unknown', (type) => {
    expect(decodeMsgpack(unknownBytes(type), 'string')).toBe(UNKNOWN);
  });

  test('unknowns nested in objects, maps and lists are read (refined unknowns too)', () => {
    // Build bytes by hand: { name: <unknown 12>, triggers: { k: <unknown 0> }, items: [ { id: <unknown 12> } ] }
    const placeholder = '\u0000PLACEHOLDER';
    const raw = Buffer.from(
      encode({ name: placeholder, count: null, ttl: null, on: null, triggers: { k: placeholder }, items: [{ id: placeholder }] }),
    );
    const marker = Buffer.from(encode(placeholder));
    const pieces: Buffer[] = [];
    let rest = raw;
    const types = [12, 0, 12];
    for (const t of types) {
      const at = rest.indexOf(marker);
      pieces.push(rest.subarray(0, at), Buffer.from(unknownBytes(t)));
      rest = rest.subarray(at + marker.length);
    }
    pieces.push(rest);
    const value = decodeMsgpack(Buffer.concat(pieces), TOKEN);
    expect(value).toEqual({ name: UNKNOWN, count: null, ttl: null, on: null, triggers: { k: UNKNOWN }, items: [{ id: UNKNOWN }] });
    expect(isWhollyKnown(value)).toBe(false);
  });

  test('a refined unknown with a refinement payload (ext 12, several bytes) is unknown', () => {
    // Terraform writes refinements (e.g. "not null", a string prefix) as a msgpack map inside ext 12.
    const refinements = encode({ 1: false, 2: 'ci-' });
    expect(decodeMsgpack(encode(new ExtData(12, refinements)), 'string')).toBe(UNKNOWN);
  });

  test('a wholly unknown object decodes as UNKNOWN', () => {
    expect(decodeMsgpack(unknownBytes(0), TOKEN)).toBe(UNKNOWN);
  });

  test('null and empty DynamicValues read as null', () => {
    expect(decodeMsgpack(encodeMsgpack(null, TOKEN), TOKEN)).toBeNull();
    expect(decodeDynamic({}, TOKEN)).toBeNull();
    expect(decodeDynamic(undefined, TOKEN)).toBeNull();
  });

  test('attributes missing from a decoded object read as null; unknown attributes are dropped', () => {
    const bytes = encode({ name: 'ci', surprise: 1 });
    expect(decodeMsgpack(bytes, TOKEN)).toEqual({ name: 'ci', ttl: null, count: null, on: null, triggers: null, items: null });
  });

  test('numbers cty wrote as decimal strings are read as numbers', () => {
    expect(decodeMsgpack(encode('12.5'), 'number')).toBe(12.5);
  });

  test('throws when an object to encode lacks a schema attribute (Terraform would reject it)', () => {
    expect(() => encodeMsgpack({ name: 'ci' }, TOKEN)).toThrow(ValueCodecError);
    expect(() => encodeMsgpack({ name: 'ci' }, TOKEN)).toThrow(/attribute "ttl" is missing/);
  });

  test('throws when an object to encode has an attribute the schema does not know', () => {
    const value = { name: 'ci', ttl: null, count: null, on: null, triggers: null, items: null, extra: 'x' };
    expect(() => encodeMsgpack(value, TOKEN)).toThrow(/extra are not in the schema/);
  });

  test('throws when a value has the wrong type, naming the path but not the value', () => {
    const value = { name: 'ci', ttl: null, count: null, on: null, triggers: null, items: [{ id: 42 }] };
    let message = '';
    try {
      encodeMsgpack(value as never, TOKEN);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/items\[0\]\.id/);
    expect(message).not.toMatch(/42/);
  });
});

describe('JSON codec (stored state for UpgradeResourceState)', () => {
  test('reads stored JSON against the type, filling absent attributes with null', () => {
    const json = Buffer.from(JSON.stringify({ name: 'ci', count: 2, triggers: { a: 'b' } }));
    expect(decodeJson(json, TOKEN)).toEqual({ name: 'ci', ttl: null, count: 2, on: null, triggers: { a: 'b' }, items: null });
    expect(decodeDynamic({ json }, TOKEN)).toEqual(decodeJson(json, TOKEN));
  });
});

describe('valuesEqual', () => {
  test('compares structurally; unknown equals only unknown', () => {
    expect(valuesEqual({ a: ['x'] }, { a: ['x'] })).toBe(true);
    expect(valuesEqual({ a: 'x' }, { a: 'y' })).toBe(false);
    expect(valuesEqual(UNKNOWN, UNKNOWN)).toBe(true);
    expect(valuesEqual(UNKNOWN, 'x')).toBe(false);
    expect(valuesEqual(null, {})).toBe(false);
  });
});
