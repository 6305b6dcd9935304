/**
 * The provider's schemas: what a block declares (`model.ts`), its protocol form (`block.ts`), the
 * rules an attribute or a block can declare (`plan-modifiers.ts`, `equality.ts`,
 * `attribute-validators.ts`, `block-validators.ts`), the engine that applies them (`validate.ts`,
 * `plan.ts`) and their words (`describe.ts`). Importers use this folder as one module.
 */
export type * from './model';
export * from './block';
export { attributeRules, describeWithRules } from './describe';
export { durationEquality, keepersEquality } from './equality';
export { REPLACES_RESOURCE, defaultValue, requiresReplace, requiresReplaceIf, useStateForUnknown } from './plan-modifiers';
export { custom, duration, durationAtMost, notBlank, oneOf, satisfies, wholeNumberBetween } from './attribute-validators';
export {
  alsoRequires,
  anyUnknown,
  atLeastOneOf,
  conflicting,
  exactlyOneOf,
  noEffectWithout,
  relation,
  shorterThan,
} from './block-validators';
export { validateConfig } from './validate';
export { type PlannedUpdate, planNew, planUpdate } from './plan';
