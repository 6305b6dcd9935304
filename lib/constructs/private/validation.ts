/**
 * What the construct files share and users never see: the synth-time checks (each one skips values
 * that are unresolved tokens, which Terraform only knows at plan time), the sensitive value output,
 * and the small pieces of cdktf plumbing the resources have in common.
 *
 * Only pure modules are imported here (constants, zod rules, cdktf): nothing that talks to the API.
 */
import {
  Fn,
  type IResolvable,
  TerraformIterator,
  TerraformOutput,
  type TerraformResource,
  type TerraformResourceLifecycle,
  TerraformStack,
  Token,
  hashMapper,
  hashMapperHcl,
  booleanToHclTerraform,
  listMapperHcl,
  numberToHclTerraform,
  stringToHclTerraform,
  stringToTerraform,
  type TerraformElement,
  type TerraformProviderGeneratorMetadata,
} from 'cdktf';
import type { IConstruct } from 'constructs';
import type { z } from 'zod';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../../constants';
import { parseDuration } from '../../contract/duration';
import { durationSchema, namePrefixSchema, roleSchema, tokenNameSchema } from '../../contract/rule-schemas';
import * as errors from '../errors';
import type { MlpElementOptions, MlpValueOutputOptions } from '../options';
import { secretSourceProblem } from '../secret-source';

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

/** Checks a literal duration (`schema`: `timeoutSchema` for a timeout); returns its length in seconds, or `undefined` when absent or a reference. */
export function checkDuration(
  path: string,
  property: string,
  value: string | undefined,
  schema: z.ZodType = durationSchema,
): number | undefined {
  const duration = literal(value);
  if (duration === undefined) return undefined;
  const problem = problemOf(schema, duration);
  if (problem) throw errors.invalidDuration(path, property, duration, problem);
  return parseDuration(duration);
}

/**
 * Secrets must reach Terraform as references: a literal would sit in clear text in cdk.tf.json.
 * `onLiteral` gets only the literal's length, so no message can carry the secret itself.
 */
export function checkSecretIsReference(value: string | undefined, onLiteral: (length: number) => errors.MlpConstructError): void {
  if (value === undefined || isReference(value)) return;
  throw onLiteral(typeof value === 'string' ? value.length : String(value).length);
}

/**
 * The synth-time half of the secret guard: the value resolved in its stack must not hold a literal
 * or come from a variable that shows it (see `secret-source.ts`). Runs when the element is
 * synthesized, so variables and locals declared after the construct are known.
 */
export function checkSecretSource(
  element: TerraformElement,
  property: 'token' | 'registerToken' | 'registerTokenWo',
  value: string | undefined,
): void {
  const problem = secretSourceProblem(element, property, value);
  if (problem) throw errors.unsafeSecretSource(element.node.path, property, problem.kind, problem.reason);
}

/**
 * A construct must live in a stack of the cdktf that mlp-tokens imports, or of a copy of the same
 * release (cdktn installed both as `cdktn` and as `cdktf`: two folders, one version). A stack of
 * another release (a CDK Terrain project where npm brought cdktf 0.21 in as our peer) synthesizes
 * into a crash deep in cdktf, about a method one side lacks: refuse it here, with the fix.
 */
export function checkSameCdktf(element: IConstruct): void {
  const stack = element.node.scopes.find((scope) => TerraformStack.isStack(scope));
  if (stack === undefined || stack instanceof TerraformStack) return;
  if (methodNames(Object.getPrototypeOf(stack)) !== methodNames(TerraformStack.prototype)) throw errors.foreignCdktf(element.node.path);
}

function methodNames(prototype: object | null): string {
  const names = new Set<string>();
  for (let p = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return [...names].sort().join(',');
}

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

/**
 * `attribute` of every instance of `owner`: one reference without `count`/`forEach`, a map by key
 * with `forEach` and a list by index with `count` (cdktf's own attribute reference there is a
 * splat, `type.name.*.value`, which Terraform refuses on a `for_each` resource at plan:
 * "Unsupported attribute"). Read at synth time, so meta-arguments set after construction count.
 */
export function instancesReference(owner: TerraformResource, attribute: string): IResolvable | string {
  if (owner.forEach) return TerraformIterator.fromResources(owner).forExpressionForMap('key', `val.${attribute}`);
  // A list iterated as `for key, val in list` gives index and element, as the map form does.
  if (owner.count !== undefined) return TerraformIterator.fromMap(Token.asAnyMap(owner.fqn)).forExpressionForList(`val.${attribute}`);
  return owner.getStringAttribute(attribute);
}

/** {@link instancesReference}, marked sensitive: what a value output carries. */
export function instancesValue(owner: TerraformResource, attribute: string): string {
  return Token.asString(Fn.sensitive(instancesReference(owner, attribute)));
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
        synthTimeString(() => `Value of ${owner.node.path} (sensitive; read it with: terraform output -raw ${this.friendlyUniqueId})`),
    });
    checkOutputNamesOnce(TerraformStack.of(this));
  }

  public override get friendlyUniqueId(): string {
    return this.explicitName ?? `${this.owner.friendlyUniqueId}_value`;
  }

  /** What to say about each other output of the same name (cdktf would silently merge them into one). */
  clashMessages(others: readonly TerraformOutput[]): string[] {
    const name = this.friendlyUniqueId;
    return others
      .filter((c) => c !== this)
      .map(
        (c) =>
          `output "${name}" of ${this.owner.node.path} has the same name as ${c.node.path}; ` +
          'give one of them another name with `output: { name: "..." }`.',
      );
  }
}

const checkedStacks = new WeakSet<TerraformStack>();

/**
 * One validation per stack finds outputs of one name with a single walk of the stack (a check per
 * output walked the whole stack once per output: quadratic, about a second for 1,000 tokens).
 */
function checkOutputNamesOnce(stack: TerraformStack): void {
  if (checkedStacks.has(stack)) return;
  checkedStacks.add(stack);
  stack.node.addValidation({
    validate: () => {
      const byName = new Map<string, TerraformOutput[]>();
      for (const c of stack.node.findAll()) {
        if (!TerraformOutput.isTerraformOutput(c)) continue;
        const name = c.friendlyUniqueId;
        const same = byName.get(name);
        if (same) same.push(c);
        else byName.set(name, [c]);
      }
      const messages: string[] = [];
      for (const same of byName.values()) {
        if (same.length < 2) continue;
        for (const c of same) if (c instanceof SensitiveValueOutput) messages.push(...c.clashMessages(same));
      }
      return messages;
    },
  });
}

/**
 * A string worked out at synth time: `Lazy.stringValue` without the stack trace every Lazy captures
 * at creation (most of the cost of an output when there are a thousand).
 */
function synthTimeString(produce: () => string): string {
  const resolvable: IResolvable = {
    creationStack: [],
    resolve: () => produce(),
    toString: () => Token.asString(resolvable),
  };
  return Token.asString(resolvable);
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
  return new SensitiveValueOutput(owner, synthTimeString(value), settings?.name, settings?.description);
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
