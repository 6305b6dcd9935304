/**
 * Schemas as the provider declares them: one block of attributes per resource, data source and the
 * provider itself (`model.ts`), turned into the protocol's `Schema` message and into the cty object
 * type the codec reads and writes values with.
 */
import type { CtyType } from '../codec';
import type * as proto from '../protocol';
import { describeWithRules } from './describe';
import type { AttributeSchema, BlockSchema } from './model';

/** Every schema starts at version 1, so a stored state always has a version to upgrade from. */
export const INITIAL_SCHEMA_VERSION = 1;

/** The object type of a block's values. */
export function objectTypeOf(block: BlockSchema): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const [name, attr] of Object.entries<AttributeSchema>(block.attributes)) attributes[name] = attr.type;
  return ['object', attributes];
}

/**
 * `name_prefix` -> `namePrefix`: the construct prop (or attribute getter) of a Terraform attribute.
 * The constructs name every prop so (the keys of the `*_ATTRS` maps in lib/constants.ts).
 */
export function constructPropOf(attribute: string): string {
  return attribute.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * An attribute's description as Terraform shows it: with the construct prop it comes from when the
 * two names differ, so a CDKTF user reading a Terraform message about `rotation_triggers` knows to
 * look at `rotationTriggers`. Added here, once, rather than written into every description.
 */
export function describedAttribute(attribute: string, description: string): string {
  const prop = constructPropOf(attribute);
  return prop === attribute ? description : `${description} (CDKTF: \`${prop}\`)`;
}

/** The protocol message for a block: each description with its rules (see `describe.ts`) and its construct prop. */
export function toProtoSchema(block: BlockSchema): proto.Schema {
  return {
    version: block.version,
    block: {
      version: block.version,
      description: block.description,
      description_kind: 1, // MARKDOWN
      attributes: Object.entries<AttributeSchema>(block.attributes).map(([name, attr]) => ({
        name,
        type: Buffer.from(JSON.stringify(attr.type)),
        description: describedAttribute(name, describeWithRules(block, name)),
        description_kind: 1,
        required: attr.required === true,
        optional: attr.optional === true,
        computed: attr.computed === true,
        sensitive: attr.sensitive === true,
        write_only: attr.writeOnly === true,
      })),
    },
  };
}

/** Names of the block's write-only attributes. */
export function writeOnlyAttributes(block: BlockSchema): string[] {
  return Object.entries<AttributeSchema>(block.attributes)
    .filter(([, attr]) => attr.writeOnly === true)
    .map(([name]) => name);
}

/** Names of the block's sensitive attributes (their values never reach a log or a diagnostic). */
export function sensitiveAttributes(block: BlockSchema): string[] {
  return Object.entries<AttributeSchema>(block.attributes)
    .filter(([, attr]) => attr.sensitive === true)
    .map(([name]) => name);
}
