/**
 * The constructs' synth-time checks of their props. Each skips values that are unresolved tokens,
 * which Terraform only knows at plan time; each failure is a named error from `../errors`.
 *
 * Only pure modules are imported here (zod rules, cdktf): nothing that talks to the API.
 */
import { Token, type TerraformElement } from 'cdktf';
import type { z } from 'zod';
import { parseDuration } from '../../contract/duration';
import { durationSchema, namePrefixSchema, roleSchema, tokenNameSchema } from '../../contract/rule-schemas';
import * as errors from '../errors';
import { secretSourceProblem } from '../secret-source';

/** `true` for a token (a reference Terraform resolves later), `false` for a literal value. */
export function isReference(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** The value when it is a literal to check now; `undefined` when absent or a reference. */
export function literal<T>(value: T | undefined): T | undefined {
  return value === undefined || isReference(value) ? undefined : value;
}

function problemOf(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not valid');
}

export function checkName(path: string, property: string, value: string | undefined): void {
  const name = literal(value);
  if (name === undefined) return;
  const problem = problemOf(tokenNameSchema, name);
  if (problem) throw errors.invalidName(path, property, problem);
}

/** Exactly one of `name` and `namePrefix` is given (`of` says what they name, for the message). */
export function checkNameChoice(
  path: string,
  name: string | undefined,
  namePrefix: string | undefined,
  of: 'access token' | 'registration token' = 'access token',
): void {
  if (name !== undefined && namePrefix !== undefined) throw errors.nameAndNamePrefix(path, name, namePrefix);
  if (name === undefined && namePrefix === undefined) throw errors.nameMissing(path, of);
}

/** A replacement created before its predecessor is destroyed cannot take a fixed name (names are unique). */
export function checkCreateBeforeDestroyName(path: string, createBeforeDestroy: boolean, name: string | undefined): void {
  const fixedName = literal(name);
  if (createBeforeDestroy && fixedName !== undefined) throw errors.createBeforeDestroyWithFixedName(path, fixedName);
}
export function checkNamePrefix(path: string, value: string | undefined): void {
  const prefix = literal(value);
  if (prefix === undefined) return;
  const problem = problemOf(namePrefixSchema, prefix);
  if (problem) throw errors.invalidNamePrefix(path, problem);
}

export function checkRole(path: string, value: string | undefined): void {
  const role = literal(value);
  if (role === undefined) return;
  const problem = problemOf(roleSchema, role);
  if (problem) throw errors.invalidRole(path, problem);
}

/** Checks a literal duration (`schema`: `timeoutSchema` for a timeout); returns its length in seconds, or `undefined` when absent or a reference. */
export function checkDuration(
  path: string,
  property: string,
  value: string | undefined,
  schema: z.ZodType = durationSchema,
): number | undefined {
  const duration = literal(value);
  if (duration === undefined) return undefined;
  const problem = problemOf(schema, duration);
  if (problem) throw errors.invalidDuration(path, property, duration, problem);
  return parseDuration(duration);
}

/**
 * Secrets must reach Terraform as references: a literal would sit in clear text in cdk.tf.json.
 * `onLiteral` gets only the literal's length, so no message can carry the secret itself.
 */
export function checkSecretIsReference(value: string | undefined, onLiteral: (length: number) => errors.MlpConstructError): void {
  if (value === undefined || isReference(value)) return;
  throw onLiteral(typeof value === 'string' ? value.length : String(value).length);
}

/**
 * The synth-time half of the secret guard: the value resolved in its stack must not hold a literal
 * or come from a variable that shows it (see `secret-source.ts`). Runs when the element is
 * synthesized, so variables and locals declared after the construct are known.
 */
export function checkSecretSource(
  element: TerraformElement,
  property: 'token' | 'registerToken' | 'registerTokenWo',
  value: string | undefined,
): void {
  const problem = secretSourceProblem(element, property, value);
  if (problem) throw errors.unsafeSecretSource(element.node.path, property, problem.kind, problem.reason);
}

const TERRAFORM_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function checkIdentifier(path: string, property: string, value: string | undefined, example: string): void {
  const id = literal(value);
  if (id !== undefined && !TERRAFORM_IDENTIFIER.test(id)) throw errors.invalidIdentifier(path, property, id, example);
}

/** Rotation triggers are a map of strings; JavaScript callers can slip numbers or objects in. */
export function checkRotationTriggers(path: string, triggers: Readonly<Record<string, string>> | undefined): void {
  if (triggers === undefined || isReference(triggers)) return;
  for (const [key, value] of Object.entries(triggers)) {
    if (typeof value !== 'string' && !isReference(value)) throw errors.invalidRotationTrigger(path, key, value);
  }
}
