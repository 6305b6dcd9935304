/**
 * The e2e step harness (after terraform-plugin-testing): {@link runSteps} with its plan checks and
 * state checks, one import for a test file.
 */
export * from './run';
export * from './plan-checks';
export * from './state-checks';
