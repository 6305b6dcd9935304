import type {} from 'cdktf/lib/testing/adapters/jest'; // brings the cdktf jest matchers' typings into scope
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { MlpConstructError, MlpProvider, type MlpConstructErrorCode } from '../../lib/constructs';

/** A stack with a default mlp provider, as most tests need. */
export function stackWithProvider(app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, 'stack');
  new MlpProvider(stack, 'mlp');
  return stack;
}

/** A sensitive string variable's reference: what users pass for secrets. */
export function secretVariable(scope: TerraformStack, id: string): string {
  return new TerraformVariable(scope, id, { type: 'string', sensitive: true }).stringValue;
}

/** A plain string variable's reference. */
export function stringVariable(scope: TerraformStack, id: string): string {
  return new TerraformVariable(scope, id, { type: 'string' }).stringValue;
}

/** Runs `build` and returns the MlpConstructError it throws; fails the test if it throws anything else. */
export function constructError(build: () => unknown): MlpConstructError {
  try {
    build();
  } catch (error) {
    if (error instanceof MlpConstructError) return error;
    throw error;
  }
  throw new Error('expected an MlpConstructError, but nothing was thrown');
}

/** Asserts `build` throws the given code with a message containing every fragment. */
export function expectConstructError(build: () => unknown, code: MlpConstructErrorCode, ...fragments: string[]): MlpConstructError {
  const error = constructError(build);
  expect(error.code).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}

/** The synthesized stack as an object. */
export function parsed(synth: string): {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: { required_providers?: Record<string, { source: string; version: string }> };
} {
  return JSON.parse(synth);
}
