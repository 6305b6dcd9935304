/**
 * Where a secret prop's value comes from, checked at synth time on the expression cdktf writes.
 *
 * A construct sees a token (`${TfToken[...]}`) for anything that is not a plain string, so "is it a
 * token" says nothing about the secret: `Fn.trimspace("<secret>")`, a `TerraformLocal` holding the
 * secret, `` `${secret}${variable}` `` and a non-sensitive `TerraformVariable` with the secret as its
 * default are all tokens, and each would put the secret in clear text into cdk.tf.json (or show it in
 * every plan). So the value is resolved in its stack, as cdktf does when it synthesizes, and the
 * resulting Terraform expression is read: it must be one `${...}` with no literal text around it, no
 * quoted string inside, and every `var.X` it uses must be a sensitive variable without a default;
 * every `local.X` is followed to its expression and read by the same rules.
 *
 * The reader is a small scanner of Terraform's expression syntax (strings, templates, heredocs,
 * identifiers), not a parser: it only has to find literals and `var.`/`local.` references.
 * Problems are described without any of the literal text, which may be the secret itself.
 */
import { DefaultTokenResolver, StringConcat, TerraformLocal, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';

/** Why a secret's source is refused, and what to write instead. */
export interface SecretSourceProblem {
  /** `literal`: some of the value is written in the configuration; `variable`: a variable shows or holds it. */
  readonly kind: 'literal' | 'variable';
  /** What was found, e.g. `a quoted string inside the expression`; never the literal text. */
  readonly reason: string;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());
/** Locals referring to locals: deep enough for any real chain, and an end to a cycle. */
const MAX_DEPTH = 16;

/**
 * `undefined` when `value` is safe to write as a secret: a reference to something that is not a
 * literal. `property` names the value in the reason (`registerToken comes from ...`).
 */
export function secretSourceProblem(scope: IConstruct, property: string, value: unknown): SecretSourceProblem | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Token.isUnresolved(value)) return { kind: 'literal', reason: `${property} is a literal string` };
  const stack = TerraformStack.of(scope);
  const resolved: unknown = Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });
  return new Reader(stack, scope).value(resolved, property, 0);
}

class Reader {
  #variables: Map<string, TerraformVariable> | undefined;
  #locals: Map<string, TerraformLocal> | undefined;

  constructor(
    private readonly stack: TerraformStack,
    /** The element whose prop is read: `each.value` is an item of its `forEach`. */
    private readonly element: IConstruct,
  ) {}

  /** A resolved value: a string is a template; lists and maps are read leaf by leaf. */
  value(resolved: unknown, what: string, depth: number): SecretSourceProblem | undefined {
    if (depth > MAX_DEPTH) return { kind: 'literal', reason: `${what} goes through more than ${MAX_DEPTH} locals (a cycle?)` };
    if (typeof resolved === 'string') return this.template(resolved, what, depth);
    if (Array.isArray(resolved)) {
      for (const item of resolved) {
        const problem = this.value(item, what, depth);
        if (problem) return problem;
      }
      return undefined;
    }
    if (resolved !== null && typeof resolved === 'object') return this.value(Object.values(resolved), what, depth);
    // Numbers, booleans and null are not secrets.
    return undefined;
  }

  /** A whole value: exactly one interpolation, nothing around it. */
  private template(text: string, what: string, depth: number): SecretSourceProblem | undefined {
    const parts = scanTemplate(text, 0, undefined);
    if (parts.literal) {
      return { kind: 'literal', reason: `${what} mixes literal text with a reference (a template such as \`abc\${var.x}\`)` };
    }
    if (parts.expressions.length === 0) return { kind: 'literal', reason: `${what} is a literal string` };
    for (const expression of parts.expressions) {
      const problem = this.expression(expression, what, depth);
      if (problem) return problem;
    }
    return undefined;
  }

  private expression(scan: ExpressionScan, what: string, depth: number): SecretSourceProblem | undefined {
    if (scan.literal) {
      return { kind: 'literal', reason: `${what} has a literal string inside the expression (e.g. \`Fn.trimspace("...")\`)` };
    }
    if (scan.heredoc) return { kind: 'literal', reason: `${what} has a heredoc string inside the expression` };
    for (const name of scan.functions) {
      if (name === 'nonsensitive') return { kind: 'variable', reason: `${what} calls nonsensitive(), which shows the value in plans` };
    }
    for (const name of scan.variables) {
      const variable = this.#direct(name, TerraformVariable) ?? this.variables().get(name);
      if (!variable) return { kind: 'variable', reason: `${what} refers to var.${name}, which is not a TerraformVariable of this stack` };
      if (variable.sensitive !== true) {
        return {
          kind: 'variable',
          reason: `${what} comes from TerraformVariable "${name}", which is not sensitive (its value would show in plans)`,
        };
      }
      if (variable.default !== undefined && variable.default !== null) {
        return {
          kind: 'literal',
          reason: `${what} comes from TerraformVariable "${name}", whose default is written in clear text into cdk.tf.json`,
        };
      }
    }
    for (const name of scan.locals) {
      const local = this.#direct(name, TerraformLocal) ?? this.locals().get(name);
      if (!local) return { kind: 'literal', reason: `${what} refers to local.${name}, which is not a TerraformLocal of this stack` };
      // `expression` reads back as `local.<name>` itself; the value is what the local synthesizes.
      const expression: unknown = (local.toTerraform() as { locals: Record<string, unknown> }).locals[name];
      const resolved: unknown = Tokenization.resolve(expression, { scope: this.stack, preparing: false, resolver: RESOLVER });
      const problem = this.value(resolved, `TerraformLocal "${name}" (used by ${what})`, depth + 1);
      if (problem) return problem;
    }
    if (scan.eachValue) {
      // `each.value` is an item of the element's for_each: a literal list of secrets is a literal too
      // (a map's keys are not read, only its values).
      const forEach = (this.element as { terraformMetaArguments?: { forEach?: unknown } }).terraformMetaArguments?.forEach;
      const resolved: unknown = Tokenization.resolve(forEach, { scope: this.stack, preparing: false, resolver: RESOLVER });
      const problem = this.value(resolved, `the forEach behind each.value (used by ${what})`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }

  private variables(): Map<string, TerraformVariable> {
    this.#variables ??= this.#byName((c): c is TerraformVariable => c instanceof TerraformVariable);
    return this.#variables;
  }

  private locals(): Map<string, TerraformLocal> {
    this.#locals ??= this.#byName((c): c is TerraformLocal => c instanceof TerraformLocal);
    return this.#locals;
  }

  /**
   * The usual case in O(1): an element declared directly in the stack has its construct id as its
   * Terraform name. (A walk of the whole stack per secret made 1,000 tokens synthesize in 4 s.)
   */
  #direct<T extends TerraformVariable | TerraformLocal>(name: string, kind: abstract new (...args: never[]) => T): T | undefined {
    const child = this.stack.node.tryFindChild(name);
    return child instanceof kind && child.friendlyUniqueId === name ? child : undefined;
  }

  #byName<T extends TerraformVariable | TerraformLocal>(is: (c: IConstruct) => c is T): Map<string, T> {
    const found = new Map<string, T>();
    for (const c of this.stack.node.findAll()) if (is(c) && TerraformStack.of(c) === this.stack) found.set(c.friendlyUniqueId, c);
    return found;
  }
}

/** What a template holds: whether any literal text, and its interpolations. */
interface TemplateScan {
  literal: boolean;
  expressions: ExpressionScan[];
  /** Where the scan stopped (after the closing quote for a quoted template). */
  end: number;
}

/** What an expression holds. */
interface ExpressionScan {
  literal: boolean;
  heredoc: boolean;
  variables: string[];
  locals: string[];
  functions: string[];
  /** Whether `each.value` is read. */
  eachValue: boolean;
  end: number;
}

/**
 * Scans a template from `start` until `close` (a `"` for a quoted string) or the end. `$${` and
 * `%%{` are escapes (literal text); `%{` directives count as literal text too (they hold strings).
 */
function scanTemplate(text: string, start: number, close: '"' | undefined): TemplateScan {
  const scan: TemplateScan = { literal: false, expressions: [], end: text.length };
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (close !== undefined && c === close) {
      scan.end = i + 1;
      return scan;
    }
    if (close !== undefined && c === '\\') {
      scan.literal = true;
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      scan.literal = true;
      i += 3;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const expression = scanExpression(text, i + 2);
      scan.expressions.push(expression);
      i = expression.end;
      continue;
    }
    scan.literal = true;
    i += 1;
  }
  return scan;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** Scans an expression from `start` to its closing `}` (nested braces, strings and templates included). */
function scanExpression(text: string, start: number): ExpressionScan {
  const scan: ExpressionScan = {
    literal: false,
    heredoc: false,
    variables: [],
    locals: [],
    functions: [],
    eachValue: false,
    end: text.length,
  };
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const inner = scanTemplate(text, i + 1, '"');
      if (inner.literal) scan.literal = true;
      for (const e of inner.expressions) merge(scan, e);
      i = inner.end;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      scan.heredoc = true;
      i += 2;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') depth += 1;
    if (c === ')' || c === ']') depth -= 1;
    if (c === '}') {
      if (depth === 0) {
        scan.end = i + 1;
        return scan;
      }
      depth -= 1;
    }
    if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_.-]/.test(text[i - 1] ?? ' ')) {
      IDENTIFIER.lastIndex = i;
      const name = IDENTIFIER.exec(text)![0];
      const after = i + name.length;
      if (text[after] === '(') scan.functions.push(name);
      if (name === 'each' && text.startsWith('.value', after) && !/[A-Za-z0-9_-]/.test(text[after + 6] ?? ' ')) scan.eachValue = true;
      if ((name === 'var' || name === 'local') && text[after] === '.') {
        IDENTIFIER.lastIndex = after + 1;
        const target = IDENTIFIER.exec(text)?.[0];
        if (target !== undefined) {
          (name === 'var' ? scan.variables : scan.locals).push(target);
          i = after + 1 + target.length;
          continue;
        }
      }
      i = after;
      continue;
    }
    i += 1;
  }
  return scan;
}

function merge(into: ExpressionScan, from: ExpressionScan): void {
  if (from.literal) into.literal = true;
  if (from.heredoc) into.heredoc = true;
  into.variables.push(...from.variables);
  into.locals.push(...from.locals);
  into.functions.push(...from.functions);
  if (from.eachValue) into.eachValue = true;
}
