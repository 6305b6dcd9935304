/**
 * The zod schemas of the input rules ({@link durationProblem}, {@link nameProblem}, ...), for callers
 * that validate with zod: the constructs and the HTTP client. Apart from the rules themselves so
 * that the provider, which needs only the rules, starts without loading zod (a start is paid 4-5
 * times per `terraform apply`), and so that the public `.d.ts` files, which reach the rules, never
 * reach zod's typings (they do not type-check with `skipLibCheck: false`).
 */
import { z } from 'zod';
import { durationProblem, timeoutProblem } from './duration';
import { namePrefixProblem, nameProblem } from './validation';

function refineWith(problem: (v: string) => string | undefined): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

/** zod schema for a duration string; its issue message is {@link durationProblem}'s. */
export const durationSchema: z.ZodString = refineWith(durationProblem);
/** zod schema for a timeout string; its issue message is {@link timeoutProblem}'s. */
export const timeoutSchema: z.ZodString = refineWith(timeoutProblem);
export const tokenNameSchema: z.ZodString = refineWith(nameProblem);
export const namePrefixSchema: z.ZodString = refineWith(namePrefixProblem);

/** Roles as users write them. */
export const roleSchema: z.ZodEnum<{ user: 'user'; admin: 'admin' }> = z.enum(['user', 'admin'], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a role: use "user" or "admin"`,
});
