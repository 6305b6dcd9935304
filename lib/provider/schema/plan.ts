/**
 * The generic half of PlanResourceChange: what a block's declared plan modifiers make of
 * Terraform's proposal. A resource's own plan (time-driven rotation, preflight checks, what to do
 * about a replacement) starts from these answers.
 *
 * Unlike the framework, an update keeps the prior values of computed attributes the configuration
 * leaves unset (Terraform's proposal already holds them), so only a new object's plan marks them
 * unknown: a create, a replacement, or an object a resource makes anew in place (a rotation, a
 * re-issue).
 */
import { type ObjectValue, UNKNOWN, type Value, valuesEqual } from '../codec';
import type { AttributeSchema, BlockSchema, PlanModifierRequest } from './model';

export interface PlannedUpdate {
  /** Terraform's proposal with the modifiers' values (defaults) applied. */
  readonly planned: ObjectValue;
  /** The attributes whose change needs a new object, in the schema's order. */
  readonly requiresReplace: readonly string[];
}

/** An update's plan: each attribute's modifiers run on the proposal against the prior state. */
export function planUpdate(
  block: BlockSchema,
  { prior, proposed, config }: { prior: ObjectValue; proposed: ObjectValue; config: ObjectValue },
): PlannedUpdate {
  const planned: Record<string, Value> = { ...proposed };
  const requiresReplace: string[] = [];
  for (const [name, attr] of Object.entries<AttributeSchema>(block.attributes)) {
    const { plan, replace } = modify(name, attr, proposed[name] ?? null, { state: prior[name] ?? null, prior, proposed, config });
    planned[name] = plan;
    if (replace) requiresReplace.push(name);
  }
  return { planned, requiresReplace };
}

/**
 * A new object's plan: every computed attribute the configuration leaves unset is unknown (the API
 * decides it), unless a modifier keeps what Terraform proposed or plans a value of its own (a
 * default).
 */
export function planNew(block: BlockSchema, proposed: ObjectValue, config: ObjectValue): ObjectValue {
  const planned: Record<string, Value> = { ...proposed };
  for (const [name, attr] of Object.entries<AttributeSchema>(block.attributes)) {
    const unset = (config[name] ?? null) === null;
    const start = attr.computed === true && unset ? UNKNOWN : (proposed[name] ?? null);
    planned[name] = modify(name, attr, start, { state: undefined, prior: null, proposed, config }).plan;
  }
  return planned;
}

function modify(
  name: string,
  attr: AttributeSchema,
  start: Value,
  ctx: { state: Value | undefined; prior: ObjectValue | null; proposed: ObjectValue; config: ObjectValue },
): { plan: Value; replace: boolean } {
  const equal = attr.equality?.equal ?? valuesEqual;
  let plan = start;
  let replace = false;
  for (const modifier of attr.planModifiers ?? []) {
    const req: PlanModifierRequest = {
      attribute: name,
      config: ctx.config[name] ?? null,
      plan,
      proposed: ctx.proposed[name] ?? null,
      state: ctx.state,
      configObject: ctx.config,
      priorObject: ctx.prior,
      equal,
    };
    const answer = modifier.modify(req);
    if ('plan' in answer) plan = answer.plan!;
    if (answer.requiresReplace === true) replace = true;
  }
  return { plan, replace };
}
