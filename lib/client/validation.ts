/**
 * Input rules every layer applies the same way: token names, name prefixes and roles. Pure zod and
 * no I/O, so the constructs can import it at synth time without pulling in the HTTP client.
 */
import { z } from 'zod';
import type { ApiTokenType } from './routes';

/** The longest access token name the modeled API accepts. */
export const NAME_MAX_LENGTH = 64;
/** Characters the provider appends to a `name_prefix` to make a unique name. */
export const NAME_PREFIX_SUFFIX_LENGTH = 12;
/** The longest `name_prefix` that still leaves room for the unique suffix. */
export const NAME_PREFIX_MAX_LENGTH = NAME_MAX_LENGTH - NAME_PREFIX_SUFFIX_LENGTH;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_RULE = 'letters, digits, ".", "_" and "-", starting with a letter or digit';

/** Why a token name is not acceptable; `undefined` when it is. */
export function nameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a token name cannot be empty';
  if (name.length > NAME_MAX_LENGTH) return `"${name}" is ${name.length} characters long; a token name has at most ${NAME_MAX_LENGTH}`;
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a valid token name: use ${NAME_RULE}`;
  return undefined;
}

/** Why a name prefix is not acceptable; `undefined` when it is. */
export function namePrefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string' || prefix.length === 0) return 'a name prefix cannot be empty';
  if (prefix.length > NAME_PREFIX_MAX_LENGTH) {
    return `"${prefix}" is ${prefix.length} characters long; a name prefix has at most ${NAME_PREFIX_MAX_LENGTH} (${NAME_PREFIX_SUFFIX_LENGTH} more are appended to make the name unique)`;
  }
  if (!NAME_PATTERN.test(prefix)) return `"${prefix}" is not a valid name prefix: use ${NAME_RULE}`;
  return undefined;
}

function refineWith(problem: (v: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

export const tokenNameSchema = refineWith(nameProblem);
export const namePrefixSchema = refineWith(namePrefixProblem);

/** Roles as users write them. */
export const roleSchema = z.enum(['user', 'admin'], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a role: use "user" or "admin"`,
});
export type TokenRole = z.infer<typeof roleSchema>;

/** User-facing role to the API's `token_type`, and back. */
export function roleToApi(role: TokenRole): ApiTokenType {
  return role === 'admin' ? 'ADMIN' : 'USER';
}
export function roleFromApi(type: ApiTokenType): TokenRole {
  return type === 'ADMIN' ? 'admin' : 'user';
}
