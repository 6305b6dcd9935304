/**
 * The values a construct hands on: references to every instance of a resource (plain, or marked
 * sensitive) and the value output named after its owner (sensitive, or the sealed value's plain
 * one), with the one check per stack that no two outputs share a name.
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

/** How one kind of token output is marked, named and described. */
interface TokenOutputKind {
  /** The output's construct id under its owner. */
  readonly id: string;
  /** Marked sensitive (`terraform output` hides it); a sealed value is ciphertext and is not. */
  readonly sensitive: boolean;
  /** Appended to the owner's logical id to give the default name. */
  readonly suffix: string;
  /** The default description, given the owner's path and the output's name. */
  readonly describe: (path: string, name: string) => string;
}

const SENSITIVE_VALUE: TokenOutputKind = {
  id: 'value_output',
  sensitive: true,
  suffix: '_value',
  describe: (path, name) => `Value of ${path} (sensitive; read it with: terraform output -raw ${name})`,
};

const SEALED_VALUE: TokenOutputKind = {
  id: 'sealed_value_output',
  sensitive: false,
  suffix: '_sealed_value',
  describe: (path, name) =>
    `${path}'s value, age-encrypted to its sealTo recipients (decrypt: terraform output -raw ${name} | age -d -i key.txt)`,
};

/**
 * An output named after its owner's Terraform logical id (`<logical id><suffix>`) unless a name is
 * given. The name is worked out at synth time, so an `overrideLogicalId` on the owner after
 * construction still renames the output with it.
 */
class TokenValueOutput extends TerraformOutput {
  constructor(
    private readonly owner: TerraformElement,
    private readonly kind: TokenOutputKind,
    value: string,
    private readonly explicitName: string | undefined,
    description: string | undefined,
  ) {
    super(owner, kind.id, {
      value,
      // Left out rather than `false` for a sealed value: the synthesized output has no `sensitive` key.
      sensitive: kind.sensitive ? true : undefined,
      description: description ?? synthTimeString(() => kind.describe(owner.node.path, this.friendlyUniqueId)),
    });
    checkOutputNamesOnce(TerraformStack.of(this));
  }

  public override get friendlyUniqueId(): string {
    return this.explicitName ?? `${this.owner.friendlyUniqueId}${this.kind.suffix}`;
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
        for (const c of same) if (c instanceof TokenValueOutput) messages.push(...c.clashMessages(same));
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

/** The attributes a token construct publishes: its value, and its value sealed to `sealTo`. */
export interface TokenOutputAttributes {
  readonly value: string;
  readonly sealedValue: string;
}

/** The outputs {@link addTokenOutputs} made; at most one of them is set. */
export interface TokenOutputs {
  readonly valueOutput?: TerraformOutput;
  readonly sealedValueOutput?: TerraformOutput;
}

/**
 * Adds the owner's value output unless turned off with `output: false`: the sensitive
 * `<logical id>_value`, or with `sealTo` the plain `<logical id>_sealed_value` that replaces it
 * (the sealed one keeps its own description). The value is read at synth time: reading an
 * attribute reference now would fix the owner's logical id (cdktf caches it on first use), and a
 * later `overrideLogicalId` on the owner would silently do nothing.
 */
export function addTokenOutputs(
  owner: TerraformResource,
  attributes: TokenOutputAttributes,
  props: { readonly sealTo?: readonly string[]; readonly output?: MlpValueOutputOptions | false },
): TokenOutputs {
  const settings = props.output;
  if (settings === false) return {};
  checkIdentifier(owner.node.path, 'output.name', settings?.name, 'ci_token');
  if (props.sealTo !== undefined) {
    const sealed = synthTimeString(() => Token.asString(instancesReference(owner, attributes.sealedValue)));
    return { sealedValueOutput: new TokenValueOutput(owner, SEALED_VALUE, sealed, settings?.name, undefined) };
  }
  const value = synthTimeString(() => instancesValue(owner, attributes.value));
  return { valueOutput: new TokenValueOutput(owner, SENSITIVE_VALUE, value, settings?.name, settings?.description) };
}
