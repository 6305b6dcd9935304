/**
 * How a Terraform (cty) type is written in a binding: the config prop's TypeScript type, the
 * getter's accessor and type, and the mappers the two synthesize methods use, as cdktf's generator
 * chooses them (`stringToTerraform`, `hashMapper(...)`, `getStringMapAttribute`, ...). A type the
 * bindings cannot express yet fails the generator, naming the attribute, rather than being skipped.
 */

/** A cty type as the schemas write it: `'string'`, `['map', 'string']`, `['list', ['object', {...}]]`. */
export type CtyTypeLike = string | readonly unknown[];

export const PRIMITIVES = ['string', 'number', 'bool'] as const;
type Primitive = (typeof PRIMITIVES)[number];

function isPrimitive(type: unknown): type is Primitive {
  return typeof type === 'string' && (PRIMITIVES as readonly string[]).includes(type);
}

/** The fields of a list of objects, or undefined for any other type. */
export function objectListFields(type: CtyTypeLike): Record<string, CtyTypeLike> | undefined {
  if (typeof type === 'string' || type[0] !== 'list') return undefined;
  const inner = type[1] as CtyTypeLike;
  if (typeof inner === 'string' || inner[0] !== 'object') return undefined;
  return inner[1] as Record<string, CtyTypeLike>;
}

const TS: Record<Primitive, string> = { string: 'string', number: 'number', bool: 'boolean' };

function unsupported(where: string, type: CtyTypeLike, use: string): Error {
  return new Error(
    `tools/generate-bindings.ts: ${where} has the type ${JSON.stringify(type)}, which a binding cannot ${use} yet; teach tools/bindings/types.ts the type`,
  );
}

/** A configurable attribute: its prop type, and its JSON and HCL mapping of `value` (an expression). */
export interface InputMapping {
  readonly propType: string;
  readonly toJson: (value: string) => string;
  readonly toHcl: (value: string) => string;
  /** The `lib/constructs/private/synth` functions the two mappings call (the module imports them). */
  readonly helpers: readonly string[];
}

export function inputMapping(where: string, type: CtyTypeLike): InputMapping {
  if (isPrimitive(type)) {
    const cdktfName = type === 'bool' ? 'boolean' : type;
    const hcl = { string: 'hclString', number: 'hclNumber', bool: 'hclBoolean' }[type];
    return { propType: TS[type], toJson: (v) => `cdktf.${cdktfName}ToTerraform(${v})`, toHcl: (v) => `${hcl}(${v})`, helpers: [hcl] };
  }
  const [kind, inner] = type as readonly [string, unknown];
  if (kind === 'map' && inner === 'string')
    return {
      propType: '{ readonly [key: string]: string }',
      toJson: (v) => `stringMapToTerraform(${v})`,
      toHcl: (v) => `hclStringMap(${v})`,
      helpers: ['stringMapToTerraform', 'hclStringMap'],
    };
  if (kind === 'list' && inner === 'string')
    return {
      propType: 'readonly string[]',
      toJson: (v) => `cdktf.listMapper(cdktf.stringToTerraform, false)(${v})`,
      toHcl: (v) => `hclStringList(${v})`,
      helpers: ['hclStringList'],
    };
  throw unsupported(where, type, 'take as input');
}

/** A getter: its return type and body (an expression on `this`), given the attribute's name expression. */
export interface OutputMapping {
  readonly returnType: string;
  readonly read: (attribute: string) => string;
  /** The `lib/constructs/private/value-output` functions `read` calls (the module imports them). */
  readonly helpers: readonly string[];
}

const ACCESSORS: Record<Primitive, OutputMapping> = {
  string: { returnType: 'string', read: (a) => `this.getStringAttribute(${a})`, helpers: [] },
  number: { returnType: 'number', read: (a) => `this.getNumberAttribute(${a})`, helpers: [] },
  bool: { returnType: 'cdktf.IResolvable', read: (a) => `this.getBooleanAttribute(${a})`, helpers: [] },
};

/** The getter of a primitive, map or list attribute (lists of objects have their own classes). */
export function outputMapping(where: string, type: CtyTypeLike, sensitive: boolean): OutputMapping {
  if (isPrimitive(type)) {
    const plain = ACCESSORS[type];
    if (!sensitive) return plain;
    // A sensitive value is handed on marked sensitive, so Terraform redacts it wherever it flows.
    if (type !== 'string') throw unsupported(`${where} (sensitive)`, type, 'read');
    return { returnType: 'string', read: (a) => `sensitiveString(${plain.read(a)})`, helpers: ['sensitiveString'] };
  }
  if (sensitive) throw unsupported(`${where} (sensitive)`, type, 'read');
  const [kind, inner] = type as readonly [string, unknown];
  if (kind === 'map' && isPrimitive(inner)) {
    const name = { string: 'String', number: 'Number', bool: 'Boolean' }[inner];
    const returnType = `{ [key: string]: ${TS[inner]} }`;
    return { returnType, read: (a) => `this.get${name}MapAttribute(${a})`, helpers: [] };
  }
  if (kind === 'list' && inner === 'string') return { returnType: 'string[]', read: (a) => `this.getListAttribute(${a})`, helpers: [] };
  if (kind === 'list' && inner === 'number')
    return { returnType: 'number[]', read: (a) => `this.getNumberListAttribute(${a})`, helpers: [] };
  throw unsupported(where, type, 'read');
}

/** A field of an object in a list (a ComplexObject's getter). */
export function fieldMapping(where: string, type: CtyTypeLike): OutputMapping {
  if (!isPrimitive(type)) throw unsupported(where, type, 'read as a field of an object');
  return ACCESSORS[type];
}
