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

  test('GIVEN an unknown value WHEN encoded THEN it is written as cty writes it (fixext1 type 0)', () => {
    const bytes = encodeMsgpack(UNKNOWN, 'string');
    expect([...bytes]).toEqual([0xd4, 0, 0]);
  });

  test.each([0, 12])('GIVEN extension type %i WHEN decoded THEN it is unknown', (type) => {
    expect(decodeMsgpack(unknownBytes(type), 'string')).toBe(UNKNOWN);
  });

  test('GIVEN unknowns nested in objects, maps and lists (refined ones too) WHEN decoded THEN each reads as UNKNOWN', () => {
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

  test('GIVEN a refined unknown with a refinement payload (ext 12, several bytes) WHEN decoded THEN it is UNKNOWN', () => {
    // Terraform writes refinements (e.g. "not null", a string prefix) as a msgpack map inside ext 12.
    const refinements = encode({ 1: false, 2: 'ci-' });
    expect(decodeMsgpack(encode(new ExtData(12, refinements)), 'string')).toBe(UNKNOWN);
  });

  test('GIVEN a wholly unknown object WHEN decoded THEN it is UNKNOWN', () => {
    expect(decodeMsgpack(unknownBytes(0), TOKEN)).toBe(UNKNOWN);
  });

  test('GIVEN null and empty DynamicValues WHEN decoded THEN they read as null', () => {
    expect(decodeMsgpack(encodeMsgpack(null, TOKEN), TOKEN)).toBeNull();
    expect(decodeDynamic({}, TOKEN)).toBeNull();
    expect(decodeDynamic(undefined, TOKEN)).toBeNull();
  });

  test('GIVEN an object missing schema attributes and with unknown ones WHEN decoded THEN the missing read as null and the unknown are dropped', () => {
    const bytes = encode({ name: 'ci', surprise: 1 });
    expect(decodeMsgpack(bytes, TOKEN)).toEqual({ name: 'ci', ttl: null, count: null, on: null, triggers: null, items: null });
  });

  test('GIVEN a number cty wrote as a decimal string WHEN decoded THEN it reads as a number', () => {
    expect(decodeMsgpack(encode('12.5'), 'number')).toBe(12.5);
  });

  test('GIVEN an object that lacks a schema attribute WHEN encoded THEN it throws ValueCodecError (Terraform would reject it)', () => {
    expect(() => encodeMsgpack({ name: 'ci' }, TOKEN)).toThrow(ValueCodecError);
    expect(() => encodeMsgpack({ name: 'ci' }, TOKEN)).toThrow(/attribute "ttl" is missing/);
  });

  test('GIVEN an object with an attribute the schema does not know WHEN encoded THEN it throws naming the attribute', () => {
    const value = { name: 'ci', ttl: null, count: null, on: null, triggers: null, items: null, extra: 'x' };
    expect(() => encodeMsgpack(value, TOKEN)).toThrow(/extra are not in the schema/);
  });

  test('GIVEN a value of the wrong type WHEN encoded THEN it throws naming the path but not the value', () => {
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
  test('GIVEN stored JSON WHEN decoded against the type THEN absent attributes are filled with null', () => {
    const json = Buffer.from(JSON.stringify({ name: 'ci', count: 2, triggers: { a: 'b' } }));
    expect(decodeJson(json, TOKEN)).toEqual({ name: 'ci', ttl: null, count: 2, on: null, triggers: { a: 'b' }, items: null });
    expect(decodeDynamic({ json }, TOKEN)).toEqual(decodeJson(json, TOKEN));
  });
});

describe('valuesEqual', () => {
  test('GIVEN two values WHEN compared THEN they are compared structurally and unknown equals only unknown', () => {
    expect(valuesEqual({ a: ['x'] }, { a: ['x'] })).toBe(true);
    expect(valuesEqual({ a: 'x' }, { a: 'y' })).toBe(false);
    expect(valuesEqual(UNKNOWN, UNKNOWN)).toBe(true);
    expect(valuesEqual(UNKNOWN, 'x')).toBe(false);
    expect(valuesEqual(null, {})).toBe(false);
  });
});
