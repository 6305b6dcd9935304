/**
 * Plan checks for {@link runSteps}, after terraform-plugin-testing's `plancheck` package: each reads
 * one plan, as `terraform show -json <saved plan>` gives it (the resource changes and their actions),
 * together with the plan's human text (Terraform's diagnostics, `# forces replacement`), and throws
 * an `Error` saying what it expected and what the plan holds. A check never prints an attribute
 * Terraform marks sensitive: the JSON plan holds token values, the human text does not.
 */
import { isDeepStrictEqual, inspect } from 'node:util';
import { oneLine } from '../harness';

/** The parts of `terraform show -json <plan>` the checks read. */
export interface PlanJson {
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: unknown;
      readonly after?: unknown;
      readonly after_unknown?: unknown;
      readonly after_sensitive?: unknown;
    };
  }>;
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

/** What a plan check is given. */
export interface PlanCheckInput {
  /** `terraform show -json` of the saved plan (it holds values: never print it). */
  readonly plan: PlanJson;
  /** What `terraform plan` printed (Terraform redacts sensitive values there). */
  readonly text: string;
}

/** One assertion about a plan; throws when it does not hold. */
export interface PlanCheck {
  /** What it expects, for a failure message and a reader (`mlp_access_token.ci is created`). */
  readonly description: string;
  check(input: PlanCheckInput): void;
}

/**
 * A resource's planned action. `replace` matches either order; `create-before-destroy` and
 * `destroy-before-create` name one (Terraform's `["create","delete"]` and `["delete","create"]`).
 */
export type ResourceAction =
  'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget' | 'replace' | 'create-before-destroy' | 'destroy-before-create';

/** Terraform's action list as one of {@link ResourceAction} (never `replace`, which is a pattern). */
export function actionOf(actions: readonly string[]): string {
  const key = actions.join(',');
  if (key === 'create,delete') return 'create-before-destroy';
  if (key === 'delete,create') return 'destroy-before-create';
  return key;
}

function changeOf(plan: PlanJson, address: string) {
  const change = plan.resource_changes?.find((c) => c.address === address);
  if (!change) {
    const known = (plan.resource_changes ?? []).map((c) => c.address).join(', ') || 'none';
    throw new Error(`${address} is not among the plan's resource changes (it has: ${known})`);
  }
  return change;
}

/** `address` is planned with `action` (`plancheck.ExpectResourceAction`). */
export function expectResourceAction(address: string, action: ResourceAction): PlanCheck {
  return {
    description: `${address} is planned to ${action}`,
    check({ plan }) {
      const actual = actionOf(changeOf(plan, address).change.actions);
      const ok = action === 'replace' ? actual === 'create-before-destroy' || actual === 'destroy-before-create' : actual === action;
      if (!ok) throw new Error(`${address}: expected action ${action}, got ${actual}`);
    },
  };
}

/** What the plan would change: resources other than no-op or read, and outputs other than no-op. */
function changesIn(plan: PlanJson): string[] {
  const resources = (plan.resource_changes ?? [])
    .map((c) => ({ address: c.address, action: actionOf(c.change.actions) }))
    .filter((c) => c.action !== 'no-op' && c.action !== 'read')
    .map((c) => `${c.address} (${c.action})`);
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => actionOf(c.actions) !== 'no-op')
    .map(([name, c]) => `output.${name} (${actionOf(c.actions)})`);
  return [...resources, ...outputs];
}

/** Nothing to do (`plancheck.ExpectEmptyPlan`): every resource and output is a no-op (or a read). */
export function expectEmptyPlan(): PlanCheck {
  return {
    description: 'the plan is empty',
    check({ plan }) {
      const changes = changesIn(plan);
      if (changes.length > 0) throw new Error(`expected an empty plan, it changes: ${changes.join(', ')}`);
    },
  };
}

/** Something to do (`plancheck.ExpectNonEmptyPlan`). */
export function expectNonEmptyPlan(): PlanCheck {
  return {
    description: 'the plan is not empty',
    check({ plan }) {
      if (changesIn(plan).length === 0) throw new Error('expected a non-empty plan, it changes nothing');
    },
  };
}

/** Terraform's own count line, `Plan: <add> to add, <change> to change, <destroy> to destroy`. */
export function expectPlanCounts(counts: { readonly add: number; readonly change: number; readonly destroy: number }): PlanCheck {
  const wanted = `Plan: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
  return {
    description: wanted,
    check({ text }) {
      const line = /Plan: \d+ to add, \d+ to change, \d+ to destroy/.exec(text)?.[0];
      if (line !== wanted) throw new Error(`expected "${wanted}", the plan says ${line ? `"${line}"` : 'no "Plan:" line'}`);
    },
  };
}

/**
 * Whether the plan's text matches: as printed, or with Terraform's wrapping folded (its diagnostics
 * break lines at the terminal width, behind "│"), so a sentence matches wherever it was wrapped.
 */
export function textMatches(text: string, pattern: RegExp): boolean {
  return pattern.test(text) || pattern.test(oneLine(text));
}

/** The plan's text says `pattern` (a diagnostic, `# forces replacement`, an attribute's `1 -> 2`). */
export function expectPlanText(pattern: RegExp): PlanCheck {
  return {
    description: `the plan says ${pattern}`,
    check({ text }) {
      if (!textMatches(text, pattern)) throw new Error(`expected the plan's text to match ${pattern}; it says:\n${text}`);
    },
  };
}

/** The plan's text does not say `pattern`. */
export function expectNoPlanText(pattern: RegExp): PlanCheck {
  return {
    description: `the plan does not say ${pattern}`,
    check({ text }) {
      if (textMatches(text, pattern)) throw new Error(`expected the plan's text not to match ${pattern}; it says:\n${text}`);
    },
  };
}

/** Reads `path` (`retired_tokens.0.name`) in a JSON value; `undefined` when absent. */
export function valueAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * Whether one of Terraform's mark trees (`after_unknown`, `after_sensitive`, `sensitive_values`:
 * the value's shape with `true` where the mark is) marks `path` or a parent of it.
 */
export function markedAt(marks: unknown, path: string): boolean {
  if (marks === true) return true;
  let at: unknown = marks;
  for (const key of path === '' ? [] : path.split('.')) {
    if (at === null || typeof at !== 'object') return false;
    at = (at as Record<string, unknown>)[key];
    if (at === true) return true;
  }
  return false;
}

/**
 * The value `address` will have at `path` is known at plan and equals `expected`
 * (`plancheck.ExpectKnownValue`): what another resource reading it sees in the same plan.
 */
export function expectKnownPlannedValue(address: string, path: string, expected: unknown): PlanCheck {
  return {
    description: `${address}.${path} is known at plan as ${inspect(expected)}`,
    check({ plan }) {
      const { change } = changeOf(plan, address);
      if (markedAt(change.after_unknown, path))
        throw new Error(`${address}.${path}: expected ${inspect(expected)} known at plan, it is unknown`);
      const actual = valueAt(change.after, path);
      if (isDeepStrictEqual(actual, expected)) return;
      const shown = markedAt(change.after_sensitive, path) ? '(sensitive, not shown)' : inspect(actual);
      throw new Error(`${address}.${path}: expected ${inspect(expected)} at plan, got ${shown}`);
    },
  };
}
