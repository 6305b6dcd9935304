/**
 * The plan modifiers an attribute declares, shaped as terraform-plugin-framework's
 * (`stringplanmodifier.RequiresReplace`, `RequiresReplaceIf`, `UseStateForUnknown`) and a default
 * that may depend on the rest of the configuration. Each has the sentence the docs show; the engine
 * that runs them is `plan.ts`.
 */
import { UNKNOWN, type Value } from '../codec';
import type { ObjectValue } from '../codec';
import type { PlanModifier, PlanModifierRequest } from './model';

export const REPLACES_RESOURCE = 'Changing it replaces the resource.';

/**
 * A change replaces the object: on an update whose planned value differs (by the attribute's
 * equality) from the prior one. `description` says it in the resource's own words when they differ.
 */
export function requiresReplace(description: string = REPLACES_RESOURCE): PlanModifier {
  return requiresReplaceIf(() => true, description);
}

/** As {@link requiresReplace}, when `condition` also holds (the framework's `RequiresReplaceIf`). */
export function requiresReplaceIf(condition: (req: PlanModifierRequest) => boolean, description: string): PlanModifier {
  return {
    description,
    modify(req) {
      if (req.state === undefined || req.equal(req.plan, req.state)) return {};
      return condition(req) ? { requiresReplace: true } : {};
    },
  };
}

/**
 * A computed attribute that a new object's plan does not mark unknown: it keeps what Terraform
 * proposed (the prior value; null on a create), for something else to decide (the framework's
 * `UseStateForUnknown`, which also keeps the state's value rather than an unknown one).
 */
export function useStateForUnknown(description = ''): PlanModifier {
  return {
    description,
    modify(req) {
      return req.plan === UNKNOWN && req.config !== UNKNOWN ? { plan: req.proposed } : {};
    },
  };
}

/**
 * The value planned when the configuration leaves the attribute unset, unless `decidedElsewhere`
 * says the configuration leaves it to something else (a registration token's role), when a new
 * object's plan keeps it unknown and an update keeps the prior value.
 */
export function defaultValue(value: Value, description: string, decidedElsewhere?: (config: ObjectValue) => boolean): PlanModifier {
  return {
    description,
    modify(req) {
      if (req.config !== null) return {};
      return decidedElsewhere?.(req.configObject) === true ? {} : { plan: value };
    },
  };
}
