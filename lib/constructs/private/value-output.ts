/**
 * The values a construct hands on: references to every instance of a resource (plain, or marked
 * sensitive) and the sensitive value output named after its owner, with the one check per stack
 * that no two outputs share a name.
 */
import {
  Fn,
  type IResolvable,
  TerraformIterator,
  TerraformOutput,
  type TerraformResource,
  TerraformStack,
  Token,
  type TerraformElement,
} from 'cdktf';
import type { MlpValueOutputOptions } from '../options';
import { checkIdentifier } from './validation';

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
