/**
 * Renders one element's binding module (before prettier) from its schema: the imports it needs,
 * the attribute-name map, the `<Name>Config` interface, the classes of its lists of objects and the
 * abstract base class. Reads of an attribute only `type`, `description`, `required`, `optional`,
 * `computed`, `sensitive` and `writeOnly`: plan modifiers and validators are the provider's.
 */
import { defaultOf, docComment, pascalCase, withPropNames } from './docs';
import { type AttributeSchema, constructPropOf } from '../../lib/provider/schema';
import { type InputMapping, fieldMapping, inputMapping, objectListFields, outputMapping } from './types';

/** What the generator reads of an attribute: its shape and words, nothing of its rules. */
export type AttributeLike = Pick<
  AttributeSchema,
  'type' | 'description' | 'required' | 'optional' | 'computed' | 'sensitive' | 'writeOnly'
>;

/** What the generator reads of a schema. */
export interface SchemaLike {
  readonly description: string;
  readonly attributes: { readonly [name: string]: AttributeLike };
}

export type BindingKind = 'provider' | 'resource' | 'data-source' | 'ephemeral-resource';

export interface BindingSpec {
  readonly kind: BindingKind;
  /** The Terraform type name: `mlp_access_token` (or `mlp` for the provider). */
  readonly typeName: string;
  /** The construct file it serves, and the generated module's name: `access-token`. */
  readonly file: string;
  readonly schema: SchemaLike;
  /** The block's attribute-name map in `lib/attributes.generated.ts` (`ACCESS_TOKEN_ATTRS`), re-exported as `ATTRIBUTES`. */
  readonly attributesConstant: string;
}

const KIND_WORDS: Record<BindingKind, string> = {
  provider: 'provider',
  resource: 'resource',
  'data-source': 'data source',
  'ephemeral-resource': 'ephemeral resource',
};

/** Members of cdktf's element classes a getter must not shadow. */
const RESERVED = new Set([
  'node',
  'stack',
  'fqn',
  'friendlyUniqueId',
  'count',
  'provider',
  'lifecycle',
  'forEach',
  'dependsOn',
  'connection',
  'provisioners',
  'alias',
  'config',
  'terraformResourceType',
  'terraformGeneratorMetadata',
  'terraformMetaArguments',
  'rawOverrides',
]);

const isConfigurable = (a: AttributeLike) => a.required === true || a.optional === true;

/** The module text (unformatted) of one binding. */
export function renderBinding(spec: BindingSpec): string {
  const { kind, typeName, schema } = spec;
  const what = `the \`${typeName}\` ${KIND_WORDS[kind]}`;
  const name = pascalCase(spec.file);
  const entries = Object.entries(schema.attributes);
  const names = new Set(entries.flatMap(([n, a]) => [n, ...Object.keys(objectListFields(a.type) ?? {})]));
  const doc = (text: string) => withPropNames(text, names);
  const synth = new Set<string>();
  const value = new Set<string>();

  for (const [attribute] of entries) {
    if (RESERVED.has(constructPropOf(attribute)))
      throw new Error(
        `tools/generate-bindings.ts: ${typeName}.${attribute} would shadow cdktf's \`${constructPropOf(attribute)}\`; rename it`,
      );
  }
  const configurable = orderedConfigurable(spec);
  const inputs = new Map(configurable.map(([attribute, attr]) => [attribute, inputMapping(`${typeName}.${attribute}`, attr.type)]));
  for (const mapping of inputs.values()) for (const helper of mapping.helpers) synth.add(helper);

  // The attribute-name map.
  const out: string[] = [
    docComment('', [`The Terraform names of ${what}'s attributes, by construct prop (from \`lib/attributes.generated.ts\`).`]),
    `export { ATTRIBUTES };`,
    '',
  ];

  // The config interface.
  const meta = {
    provider: undefined,
    resource: 'MlpElementOptions',
    'data-source': 'MlpElementOptions',
    'ephemeral-resource': 'EphemeralMetaArguments',
  }[kind];
  const configDoc = docComment('', [`The configurable attributes of ${what}: ${doc(schema.description)}`]);
  if (configurable.length === 0 && meta !== undefined) {
    out.push(configDoc, `export type ${name}Config = ${meta};`, '');
  } else {
    out.push(configDoc, `export interface ${name}Config${meta ? ` extends ${meta}` : ''} {`);
    for (const [attribute, attr] of configurable) {
      const mapping = inputs.get(attribute)!;
      const fallback = attr.required === true ? undefined : defaultOf(attr.description, attr.type);
      out.push(docComment('  ', [doc(attr.description)], fallback === undefined ? [] : [`@default ${fallback}`]));
      out.push(`  readonly ${constructPropOf(attribute)}${attr.required === true ? '' : '?'}: ${mapping.propType};`, '');
    }
    out.push('}', '');
  }

  // Lists of objects: a ComplexObject per item and a ComplexList, as cdktf's generator writes them.
  const lists = new Map<string, string>();
  if (kind !== 'provider') {
    for (const [attribute, attr] of entries) {
      const fields = objectListFields(attr.type);
      if (fields === undefined) continue;
      const prefix = `${name}${pascalCase(attribute)}`;
      lists.set(attribute, `${prefix}List`);
      out.push(
        docComment('', [
          `One item of \`${constructPropOf(attribute)}\`: \`${constructPropOf(attribute)}.get(0).${constructPropOf(Object.keys(fields)[0]!)}\`.`,
        ]),
        `export class ${prefix}Reference extends cdktf.ComplexObject {`,
        `  constructor(parent: cdktf.IInterpolatingParent, attribute: string, index: number, fromSet: boolean) {`,
        `    super(parent, attribute, fromSet, index);`,
        `  }`,
      );
      for (const [field, type] of Object.entries(fields)) {
        const mapping = fieldMapping(`${typeName}.${attribute}[*].${field}`, type);
        out.push(
          '',
          docComment('  ', [`The item's \`${constructPropOf(field)}\` (see \`${constructPropOf(attribute)}\`).`]),
          `  public get ${constructPropOf(field)}(): ${mapping.returnType} {`,
          `    return ${mapping.read(`'${field}'`)};`,
          `  }`,
        );
      }
      out.push(
        '}',
        '',
        docComment('', [`The list \`${constructPropOf(attribute)}\` (its length is known only at plan): \`get(index)\` is one item.`]),
        `export class ${prefix}List extends cdktf.ComplexList {`,
        `  public get(index: number): ${prefix}Reference {`,
        `    return new ${prefix}Reference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);`,
        `  }`,
        '}',
        '',
      );
    }
  }

  // The base class.
  const parent = {
    provider: 'cdktf.TerraformProvider',
    resource: 'cdktf.TerraformResource',
    'data-source': 'cdktf.TerraformDataSource',
    'ephemeral-resource': 'EphemeralResourceBase',
  }[kind];
  const elementConfig = {
    provider: ['terraformProviderSource: PROVIDER_SOURCE'],
    resource: ['...metaArguments(config)'],
    'data-source': ['...metaArguments(config)'],
    'ephemeral-resource': ['provider: config.provider', 'dependsOn: config.dependsOn'],
  }[kind];
  out.push(
    docComment('', [
      kind === 'provider'
        ? `The generated binding of ${what}: its type and the two synthesize methods (no getters: Terraform has no references to a provider's attributes). The construct extends it with its checks and docs.`
        : `The generated binding of ${what}: its type, a getter per attribute (but write-only ones) and the two synthesize methods. The construct extends it with its checks, outputs and docs.`,
    ]),
    `export abstract class ${name}Base extends ${parent} {`,
    docComment('  ', [`The Terraform ${KIND_WORDS[kind]} type, \`${typeName}\` (also what the cdktf jest matchers look up).`]),
    `  public static readonly tfResourceType = '${typeName}';`,
    '',
  );
  // Made on first read: most constructs never read their lists, and making one costs every synth.
  for (const [attribute, list] of lists) out.push(`  private _${constructPropOf(attribute)}?: ${list};`);
  out.push(
    '',
    docComment('  ', ['The configuration, as given: what the synthesize methods write.']),
    `  protected readonly config: ${name}Config;`,
    '',
    `  protected constructor(scope: Construct, id: string, config: ${name}Config) {`,
    `    super(scope, id, { terraformResourceType: '${typeName}', terraformGeneratorMetadata: GENERATOR_METADATA, ${elementConfig.join(', ')} });`,
    `    this.config = config;`,
    `  }`,
  );
  synth.add('GENERATOR_METADATA');
  if (kind === 'resource' || kind === 'data-source') synth.add('metaArguments');

  // Getters: none for the provider (Terraform has no references to a provider's attributes) and none
  // for write-only attributes (Terraform never keeps their value: a reference would always be null).
  if (kind !== 'provider') {
    for (const [attribute, attr] of entries) {
      if (attr.writeOnly === true) continue;
      const prop = constructPropOf(attribute);
      const list = lists.get(attribute);
      const mapping = list
        ? { returnType: list, read: () => `(this._${prop} ??= new ${list}(this, ATTRIBUTES.${prop}, false))`, helpers: [] }
        : outputMapping(`${typeName}.${attribute}`, attr.type, attr.sensitive === true);
      for (const helper of mapping.helpers) value.add(helper);
      out.push(
        '',
        docComment('  ', [doc(attr.description)]),
        `  public get ${prop}(): ${mapping.returnType} {`,
        `    return ${mapping.read(`ATTRIBUTES.${prop}`)};`,
        `  }`,
      );
    }
  }

  // The synthesize methods.
  const synthLines = (map: (mapping: InputMapping, value: string) => string) =>
    configurable.map(([attribute]) => {
      const prop = constructPropOf(attribute);
      return `      [ATTRIBUTES.${prop}]: ${map(inputs.get(attribute)!, `c.${prop}`)},`;
    });
  const json = synthLines((m, v) => m.toJson(v));
  const hcl = synthLines((m, v) => m.toHcl(v));
  const method = (methodName: string, wrap: string, lines: readonly string[]) =>
    lines.length === 0
      ? [`  protected override ${methodName}(): Record<string, unknown> {`, `    return {};`, `  }`]
      : [
          `  protected override ${methodName}(): Record<string, unknown> {`,
          `    const c = this.config;`,
          `    return ${wrap}({`,
          ...lines,
          `    });`,
          `  }`,
        ];
  if (configurable.length > 0) synth.add('definedAttributes').add('definedHcl');
  out.push(
    '',
    ...method('synthesizeAttributes', 'definedAttributes', json),
    '',
    ...method('synthesizeHclAttributes', 'definedHcl', hcl),
    '}',
    '',
  );

  const attributeNames = `import { ${spec.attributesConstant} as ATTRIBUTES } from '../../attributes.generated';`;
  return [header(spec, what), ...imports(kind, synth, value), attributeNames, '', ...out].join('\n');
}

/** The configurable attributes, in schema order (the order the synthesized HCL lists them in). */
function orderedConfigurable(spec: BindingSpec): Array<[string, AttributeLike]> {
  return Object.entries(spec.schema.attributes).filter(([, a]) => isConfigurable(a));
}

function header(spec: BindingSpec, what: string): string {
  return [
    `// Generated by tools/generate-bindings.ts from the provider schema of ${what} (lib/provider/${spec.kind === 'provider' ? 'config' : 'registry'}.ts): do not edit; change the schema and run \`npm run generate\`.`,
    docComment('', [
      `The cdktf binding of ${what}, generated from the schema the provider serves as cdktf's provider generator writes one: the attribute names, the config interface and an abstract base class. \`lib/constructs/${spec.file}.ts\` extends it.`,
    ]),
  ].join('\n');
}

function imports(kind: BindingKind, synth: ReadonlySet<string>, value: ReadonlySet<string>): string[] {
  const lines = [`import type { Construct } from 'constructs';`, `import * as cdktf from 'cdktf';`];
  if (kind === 'provider') lines.push(`import { PROVIDER_SOURCE } from '../../constants';`);
  if (kind === 'resource' || kind === 'data-source') lines.push(`import type { MlpElementOptions } from '../options';`);
  if (kind === 'ephemeral-resource')
    lines.push(`import { EphemeralResourceBase, type EphemeralMetaArguments } from '../private/ephemeral-base';`);
  lines.push(`import { ${[...synth].sort().join(', ')} } from '../private/synth';`);
  if (value.size > 0) lines.push(`import { ${[...value].sort().join(', ')} } from '../private/value-output';`);
  return lines;
}
