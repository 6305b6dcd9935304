/**
 * What the construct files share and users never see: the synth-time checks (each one skips values
 * that are unresolved tokens, which Terraform only knows at plan time), the sensitive value output,
 * and the small pieces of cdktf plumbing the resources have in common.
 *
 * Only pure modules are imported here (constants, zod rules, cdktf): nothing that talks to the API.
 */
import {
  Fn,
  Lazy,
  TerraformOutput,
  TerraformStack,
  Token,
  hashMapper,
  hashMapperHcl,
  numberToHclTerraform,
  stringToHclTerraform,
  stringToTerraform,
  type TerraformElement,
  type TerraformProviderGeneratorMetadata,
} from 'cdktf';
import type { z } from 'zod';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../constants';
import { durationSchema, parseDuration } from '../client/duration';
import { namePrefixSchema, roleSchema, tokenNameSchema } from '../client/validation';
import * as errors from './errors';
import type { MlpValueOutputOptions } from './options';

/** The generator metadata every mlp element carries (cdktf records it in the stack's metadata). */
export const GENERATOR_METADATA: TerraformProviderGeneratorMetadata = {
  providerName: PROVIDER_TYPE,
  providerVersion: PROVIDER_VERSION,
};

/** `true` for a token (a reference Terraform resolves later), `false` for a literal value. */
export function isReference(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** The value when it is a literal to check now; `undefined` when absent or a reference. */
export function literal<T>(value: T | undefined): T | undefined {
  return value === undefined || isReference(value) ? undefined : value;
}

function problemOf(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not valid');
}

export function checkName(path: string, property: string, value: string | undefined): void {
  const name = literal(value);
  if (name === undefined) return;
  const problem = problemOf(tokenNameSchema, name);
  if (problem) throw errors.invalidName(path, property, problem);
}

export function checkNamePrefix(path: string, value: string | undefined): void {
  const prefix = literal(value);
  if (prefix === undefined) return;
  const problem = problemOf(namePrefixSchema, prefix);
  if (problem) throw errors.invalidNamePrefix(path, problem);
}

export function checkRole(path: string, value: string | undefined): void {
  const role = literal(value);
  if (role === undefined) return;
  const problem = problemOf(roleSchema, role);
  if (problem) throw errors.invalidRole(path, problem);
}

/** Checks a literal duration; returns its length in seconds, or `undefined` when absent or a reference. */
export function checkDuration(path: string, property: string, value: string | undefined): number | undefined {
  const duration = literal(value);
  if (duration === undefined) return undefined;
  const problem = problemOf(durationSchema, duration);
  if (problem) throw errors.invalidDuration(path, property, duration, problem);
  return parseDuration(duration);
}

/**
 * Secrets must reach Terraform as references: a literal would sit in clear text in cdk.tf.json.
 * `onLiteral` gets only the literal's length, so no message can carry the secret itself.
 */
export function checkSecretIsReference(
  value: string | undefined,
  onLiteral: (length: number) => errors.MlpConstructError,
): void {
  if (value === undefined || isReference(value)) return;
  throw onLiteral(typeof value === 'string' ? value.length : String(value).length);
}

const TERRAFORM_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function checkIdentifier(path: string, property: string, value: string | undefined, example: string): void {
  const id = literal(value);
  if (id !== undefined && !TERRAFORM_IDENTIFIER.test(id)) throw errors.invalidIdentifier(path, property, id, example);
}

/** Rotation triggers are a map of strings; JavaScript callers can slip numbers or objects in. */
export function checkRotationTriggers(path: string, triggers: Readonly<Record<string, string>> | undefined): void {
  if (triggers === undefined || isReference(triggers)) return;
  for (const [key, value] of Object.entries(triggers)) {
    if (typeof value !== 'string' && !isReference(value)) throw errors.invalidRotationTrigger(path, key, value);
  }
}

/** Writes a sensitive reference: Terraform redacts it wherever it flows, even into non-sensitive attributes. */
export function sensitiveString(reference: string): string {
  return Token.asString(Fn.sensitive(reference));
}

/**
 * A sensitive output named after its owner's Terraform logical id (`<logical id>_value`) unless a
 * name is given. The name is worked out at synth time, so an `overrideLogicalId` on the owner after
 * construction still renames the output with it.
 */
class SensitiveValueOutput extends TerraformOutput {
  constructor(
    private readonly owner: TerraformElement,
    value: string,
    private readonly explicitName: string | undefined,
    description: string | undefined,
  ) {
    super(owner, 'value_output', {
      value,
      sensitive: true,
      description:
        description ??
        Lazy.stringValue({
          produce: () =>
            `Value of ${owner.node.path} (sensitive; read it with: terraform output -raw ${this.friendlyUniqueId})`,
        }),
    });
    this.node.addValidation({ validate: () => this.duplicateNames() });
  }

  public override get friendlyUniqueId(): string {
    return this.explicitName ?? `${this.owner.friendlyUniqueId}_value`;
  }

  /** Two outputs of one name would be merged silently into one by cdktf; say so instead. */
  private duplicateNames(): string[] {
    const name = this.friendlyUniqueId;
    const clashes = TerraformStack.of(this)
      .node.findAll()
      .filter((c) => c !== this && TerraformOutput.isTerraformOutput(c) && c.friendlyUniqueId === name);
    return clashes.map(
      (c) =>
        `output "${name}" of ${this.owner.node.path} has the same name as ${c.node.path}; ` +
        'give one of them another name with `output: { name: "..." }`.',
    );
  }
}

/**
 * Adds the owner's sensitive value output unless turned off; returns it. `value` is read at synth
 * time: reading an attribute reference now would fix the owner's logical id (cdktf caches it on
 * first use), and a later `overrideLogicalId` on the owner would silently do nothing.
 */
export function addValueOutput(
  owner: TerraformElement,
  value: () => string,
  settings: MlpValueOutputOptions | false | undefined,
): TerraformOutput | undefined {
  if (settings === false) return undefined;
  checkIdentifier(owner.node.path, 'output.name', settings?.name, 'ci_token');
  return new SensitiveValueOutput(owner, Lazy.stringValue({ produce: value }), settings?.name, settings?.description);
}

/** One HCL attribute in the shape cdktf's `synthesizeHclAttributes` expects. */
type HclAttribute = { value: unknown; isBlock: false; type: string; storageClassType: string };

export function hclString(value: string | undefined): HclAttribute {
  return { value: stringToHclTerraform(value), isBlock: false, type: 'simple', storageClassType: 'string' };
}

export function hclNumber(value: number | undefined): HclAttribute {
  return { value: numberToHclTerraform(value), isBlock: false, type: 'simple', storageClassType: 'number' };
}

export function hclStringMap(value: Readonly<Record<string, string>> | undefined): HclAttribute {
  return { value: hashMapperHcl(stringToHclTerraform)(value), isBlock: false, type: 'map', storageClassType: 'stringMap' };
}

/** Drops unset attributes, as generated bindings do. */
export function definedHcl(attributes: Record<string, HclAttribute>): Record<string, HclAttribute> {
  return Object.fromEntries(Object.entries(attributes).filter(([, a]) => a.value !== undefined));
}

/** A map of strings as `synthesizeAttributes` writes it. */
export const stringMapToTerraform = hashMapper(stringToTerraform);
