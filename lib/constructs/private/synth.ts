/**
 * The cdktf plumbing the construct bindings share, written as generated bindings write it: the
 * generator metadata, the meta-arguments (with the `createBeforeDestroy` shorthand), and props
 * mapped to Terraform attributes for both synthesize methods (JSON and HCL).
 */
import {
  hashMapper,
  hashMapperHcl,
  booleanToHclTerraform,
  listMapperHcl,
  numberToHclTerraform,
  stringToHclTerraform,
  stringToTerraform,
  type TerraformProviderGeneratorMetadata,
  type TerraformResourceLifecycle,
} from 'cdktf';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../../constants';
import * as errors from '../errors';
import type { MlpElementOptions } from '../options';

/** The generator metadata every mlp element carries (cdktf records it in the stack's metadata). */
export const GENERATOR_METADATA: TerraformProviderGeneratorMetadata = {
  providerName: PROVIDER_TYPE,
  providerVersion: PROVIDER_VERSION,
};

/** The meta-arguments a construct hands to cdktf, as generated bindings do. */
export function metaArguments(options: MlpElementOptions): MlpElementOptions {
  return {
    dependsOn: options.dependsOn,
    count: options.count,
    forEach: options.forEach,
    provider: options.provider,
    lifecycle: options.lifecycle,
    provisioners: options.provisioners,
    connection: options.connection,
  };
}

/**
 * `createBeforeDestroy` is a shorthand for `lifecycle.createBeforeDestroy`: merged into an explicit
 * `lifecycle`, and refused when the two disagree (which one should win is not ours to guess).
 */
export function lifecycleWith(
  path: string,
  lifecycle: TerraformResourceLifecycle | undefined,
  createBeforeDestroy: boolean | undefined,
): TerraformResourceLifecycle | undefined {
  if (createBeforeDestroy === undefined) return lifecycle;
  const explicit = lifecycle?.createBeforeDestroy;
  if (explicit !== undefined && explicit !== createBeforeDestroy) throw errors.createBeforeDestroyConflict(path);
  if (!createBeforeDestroy) return lifecycle;
  return { ...lifecycle, createBeforeDestroy: true };
}

/** One HCL attribute in the shape cdktf's `synthesizeHclAttributes` expects. */
type HclAttribute = { value: unknown; isBlock: false; type: string; storageClassType: string };

export function hclString(value: string | undefined): HclAttribute {
  return { value: stringToHclTerraform(value), isBlock: false, type: 'simple', storageClassType: 'string' };
}

export function hclBoolean(value: boolean | undefined): HclAttribute {
  return { value: booleanToHclTerraform(value), isBlock: false, type: 'simple', storageClassType: 'boolean' };
}

export function hclNumber(value: number | undefined): HclAttribute {
  return { value: numberToHclTerraform(value), isBlock: false, type: 'simple', storageClassType: 'number' };
}

export function hclStringList(value: readonly string[] | undefined): HclAttribute {
  return { value: listMapperHcl(stringToHclTerraform, false)(value), isBlock: false, type: 'list', storageClassType: 'stringList' };
}

export function hclStringMap(value: Readonly<Record<string, string>> | undefined): HclAttribute {
  return { value: hashMapperHcl(stringToHclTerraform)(value), isBlock: false, type: 'map', storageClassType: 'stringMap' };
}

/**
 * Drops unset attributes from `synthesizeAttributes`' answer: the JSON is the same (cdktf drops
 * them too), but cdktf resolves every key it is given, which cost ~40 us per resource.
 */
export function definedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in attributes) if (attributes[key] !== undefined) out[key] = attributes[key];
  return out;
}

/** Drops unset attributes, as generated bindings do. */
export function definedHcl(attributes: Record<string, HclAttribute>): Record<string, HclAttribute> {
  return Object.fromEntries(Object.entries(attributes).filter(([, a]) => a.value !== undefined));
}

/** A map of strings as `synthesizeAttributes` writes it. */
export const stringMapToTerraform = hashMapper(stringToTerraform);
