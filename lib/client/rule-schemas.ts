/**
 * The zod schemas of the input rules ({@link durationProblem}, {@link nameProblem}, ...), for callers
 * that validate with zod: the constructs and the HTTP client. Apart from the rules themselves so
 * that the provider, which needs only the rules, starts without loading zod (a start is paid 4-5
 * times per `terraform apply`). `duration.ts` and `validation.ts` still export these names, loading
 * this module on first use.
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

// Typed by the declarations in duration.ts and validation.ts, so the compiler keeps both in step.
/** zod schema for a duration string; its issue message is {@link durationProblem}'s. */
export const durationSchema: typeof import('./duration').durationSchema = refineWith(durationProblem);
/** zod schema for a timeout string; its issue message is {@link timeoutProblem}'s. */
export const timeoutSchema: typeof import('./duration').timeoutSchema = refineWith(timeoutProblem);
export const tokenNameSchema: typeof import('./validation').tokenNameSchema = refineWith(nameProblem);
export const namePrefixSchema: typeof import('./validation').namePrefixSchema = refineWith(namePrefixProblem);

/** Roles as users write them. */
export const roleSchema: typeof import('./validation').roleSchema = z.enum(['user', 'admin'], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a role: use "user" or "admin"`,
});
