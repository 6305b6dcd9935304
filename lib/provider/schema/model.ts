/**
 * What a schema declares, modelled on terraform-plugin-framework's schema package: a block of
 * attributes, each with its type and flags, its plan modifiers (`planmodifier`), its validators
 * (`validator`) and how two of its values compare (the framework's semantic equality), and the
 * block's own validators (`resourcevalidator`: conflicting, at-least-one-of, ...). The schema is the
 * single source of truth for these rules: the engine (`validate.ts`, `plan.ts`) applies them, the
 * docs and Terraform's served descriptions say them (`describe.ts`). Types only: the rule factories
 * live in `plan-modifiers.ts`, `equality.ts`, `attribute-validators.ts` and `block-validators.ts`.
 */
import type { CtyType, ObjectValue, Value } from '../codec';
import type { Diagnostic } from '../diagnostics/model';

export interface AttributeSchema {
  readonly type: CtyType;
  /** Markdown; what the attribute means. Its rules are added from the declarations below (see `describe.ts`). */
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /**
   * Terraform 1.11+: the value reaches the provider in configuration only; Terraform never plans
   * or stores it (the provider answers null for it in every planned and new state).
   */
  readonly writeOnly?: boolean;
  /** How a planned value is compared with the prior one (default: the same value). */
  readonly equality?: ValueEquality;
  /** Run in order on every plan of the block (see `plan.ts`). */
  readonly planModifiers?: readonly PlanModifier[];
  /** Run in order on a known, non-null configured value; the first that reports an error ends the attribute's checks. */
  readonly validators?: readonly AttributeValidator[];
}

export interface BlockSchema<Name extends string = string> {
  readonly version: number;
  readonly description: string;
  readonly attributes: { readonly [N in Name]: AttributeSchema };
  /** Checks of attributes together (conflicts, one-of, relations between values). */
  readonly validators?: readonly BlockValidator[];
}

/** When two values of an attribute are the same (`60m` and `1h` as durations). */
export interface ValueEquality {
  /** One sentence for the docs. */
  readonly description: string;
  equal(planned: Value, prior: Value): boolean;
}

/** What a plan modifier sees of one attribute (the framework's `planmodifier.StringRequest`). */
export interface PlanModifierRequest {
  readonly attribute: string;
  /** The configured value (null when unset). */
  readonly config: Value;
  /** The planned value so far (earlier modifiers' answers applied). */
  readonly plan: Value;
  /** What Terraform proposed: the configured value, or the prior one for a computed attribute left unset. */
  readonly proposed: Value;
  /** The prior value; `undefined` when the plan makes a new object (a create or a replacement). */
  readonly state: Value | undefined;
  readonly configObject: ObjectValue;
  /** The prior state; null when the plan creates. */
  readonly priorObject: ObjectValue | null;
  /** The attribute's equality (its {@link ValueEquality}, else the same value). */
  equal(planned: Value, prior: Value): boolean;
}

export interface PlanModifierResponse {
  /** The planned value; absent: unchanged. */
  readonly plan?: Value;
  /** The change of this attribute needs a new object. */
  readonly requiresReplace?: boolean;
}

export interface PlanModifier {
  /** One sentence for the docs ("Changing it replaces the resource."). */
  readonly description: string;
  modify(req: PlanModifierRequest): PlanModifierResponse;
}

export interface AttributeValidatorRequest {
  readonly attribute: string;
  /** The configured value: known and not null. */
  readonly value: Value;
  readonly config: ObjectValue;
}

export interface AttributeValidator {
  /** One sentence for the docs ("One of `user`, `admin`."); empty for a check the description already says. */
  readonly description: string;
  validate(req: AttributeValidatorRequest): readonly Diagnostic[];
}

/**
 * A check of several attributes. One that reads only whether attributes are set (`presence`) runs
 * before the attributes' own validators; one that compares values runs after them, and only when
 * none of its attributes failed its own checks (a relation between invalid values says nothing).
 */
export interface BlockValidator {
  readonly kind: 'presence' | 'values';
  /** The attributes it reads. */
  readonly attributes: readonly string[];
  /** The attributes it forbids beside `attribute` (the docs merge these into one "Conflicts with" sentence). */
  conflictsWith?(attribute: string): readonly string[];
  /** A sentence for the docs of `attribute`, or undefined. */
  describe?(attribute: string): string | undefined;
  validate(config: ObjectValue): readonly Diagnostic[];
}
