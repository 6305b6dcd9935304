/**
 * Reading a successful answer: the body must be JSON matching the route's zod schema, or the call
 * fails with an `MlpProtocolError` that names the field. Secret fields are registered with the
 * redactor before the schema runs, so a value in a malformed answer is already redacted when zod's
 * message (which may quote it) becomes part of the error.
 */
import { MlpProtocolError, type MlpCallContext, describeCall } from './errors';
import type { HttpResponse } from './http';
import { registerSecret } from '../contract/redact';
import { CHANGES_STATE } from './retry';

/**
 * What reading a body needs of a route's zod schema, written out rather than imported from zod: the
 * call loop's types are in the `.d.ts` files the public entries load, and those must never load
 * zod's typings (a user's `skipLibCheck: false` would check them; see `test/e2e/package.test.ts`).
 */
export interface BodySchema<T> {
  safeParse(
    data: unknown,
  ): { readonly success: true; readonly data: T } | { readonly success: false; readonly error: { readonly issues: readonly BodyIssue[] } };
}

/** One of zod's issues, as a message shows it. */
export interface BodyIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What a route expects of its 2xx body. */
export interface ExpectedBody<T> {
  /** The schema of the body; absent: the body is ignored (204). */
  readonly schema?: BodySchema<T> | undefined;
  /** Response fields holding secrets: registered with the redactor before validation. */
  readonly secretFields?: readonly string[] | undefined;
}

/** The checked body of a 2xx answer; `undefined` for a route that expects none. */
export function parseResponseBody<T>(
  expected: ExpectedBody<T>,
  ctx: MlpCallContext,
  response: HttpResponse,
  attempts: number,
): T | undefined {
  if (!expected.schema) return undefined;
  // An answer the client cannot read leaves a state change it may have made unknown to the caller.
  const unknownOutcome = CHANGES_STATE[ctx.route];
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw new MlpProtocolError(
      `${describeCall(ctx)}: the API answered ${response.status} with a body that is not JSON (${response.text.length} bytes)`,
      { context: ctx, attempts, fieldPath: '(body)', status: response.status, outcomeUnknown: unknownOutcome },
    );
  }
  if (json && typeof json === 'object') {
    for (const field of expected.secretFields ?? []) {
      const value = (json as Record<string, unknown>)[field];
      if (typeof value === 'string') registerSecret(value);
    }
  }
  const parsed = expected.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const fieldPath = formatPath(issue.path);
  throw new MlpProtocolError(
    `${describeCall(ctx)}: the API's answer does not match the expected contract at ${fieldPath}: ${issue.message}. ` +
      `The endpoint may not be an MLP API, or the API changed`,
    { context: ctx, attempts, fieldPath, status: response.status, outcomeUnknown: unknownOutcome },
  );
}

/** `tokens[0].exp` from zod's `['tokens', 0, 'exp']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
