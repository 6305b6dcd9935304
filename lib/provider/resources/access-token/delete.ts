/**
 * Deleting an `mlp_access_token`, its retired tokens with it. The API deletes by name and names
 * outlive tokens, so a delete first checks that the token of that name is still the one the state
 * holds (by id); a token already gone is success.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import { nameProblem } from '../../../contract/validation';
import type { ObjectValue } from '../../codec';
import { DiagnosticError, diag, fromClientError } from '../../diagnostics';
import type { HandlerContext, TokenApi } from '../../handler';
import { type Maybe, getString, isKnown } from '../../values';
import { retiredOf } from '../overlap';
import { nameLedger } from '../preflight';
import { accessTokenDiag } from './messages';

export async function deleteAccessToken(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
  const name = String(getString(prior, A.name));
  const operation = `delete the access token ${JSON.stringify(name)}`;
  const deleter = deleterOf(ctx, getString(prior, A.value), getString(prior, A.role));
  if (!deleter) throw new DiagnosticError(diag.missingAdminToken(operation));
  const api = deleter.client(operation);
  // Retired tokens (previous_token_grace) go too: destroy leaves nothing behind.
  for (const t of retiredOf(prior)) await deleteByName(t.name, t.id, ctx, `delete the retired access token ${JSON.stringify(t.name)}`);
  const id = getString(prior, A.id);
  await deleteChecked(api, name, isKnown(id) ? id : null, ctx, operation);
}

/** The credential that may delete a token, and the client that deletes with it. */
export interface Deleter {
  /** `provider`: the provider's own token; `itself`: the token's value (an Administrator token deletes itself). */
  readonly by: 'provider' | 'itself';
  client(operation: string): TokenApi;
}

/**
 * Which credential may delete the token whose `value` and `role` are given: with a provider token,
 * that one; without one, an Administrator token whose value is known can delete itself; otherwise
 * none (undefined).
 */
export function deleterOf(ctx: HandlerContext, value: Maybe<string>, role: Maybe<string>): Deleter | undefined {
  if (ctx.api.hasToken) return { by: 'provider', client: (operation) => ctx.api.admin(operation) };
  if (isKnown(value) && role === 'admin') return { by: 'itself', client: () => ctx.api.as(value) };
  return undefined;
}

/** Deletes the token `name` with the provider token, if it still has `id` (see {@link deleteChecked}). */
export async function deleteByName(name: string, id: string | null, ctx: HandlerContext, operation: string): Promise<void> {
  await deleteChecked(ctx.api.admin(operation), name, id, ctx, operation);
}

/**
 * Deletes the token `name`, unless it is no longer the one with `id` (null: delete whatever has the
 * name, for a token whose id was never learned). A token already gone is success.
 */
async function deleteChecked(api: TokenApi, name: string, id: string | null, ctx: HandlerContext, operation: string): Promise<void> {
  try {
    // Names outlive tokens: a successor may carry this name already (create_before_destroy with a
    // fixed name, a renamed resource, a create that reconciled an unknown token). The API deletes by
    // name, so make sure the token of that name is still the one this state holds.
    // A name read from state becomes the delete's path segment: one the name rule refuses ("..")
    // must fail here, not read as "already gone" by the list lookup below. The client's
    // deleteToken refuses it before anything is sent, in the rule's words.
    if (nameProblem(name) !== undefined) await api.deleteToken(name);
    if (id !== null) {
      // With the provider's token, from a list that started after this point (a cached or earlier
      // one could predate a successor and delete it), shared with the deletes that run beside
      // this one: a destroy of N tokens at -parallelism=P is then about 2N/P lists, not N.
      const current = ctx.api.hasToken
        ? (await ctx.api.listTokensStartedNow(operation)).find((t) => t.name === name)
        : await api.findToken(name);
      if (current === undefined) {
        ctx.log(`${name} was already gone`);
        return;
      }
      if (current.id !== id) {
        ctx.diagnostics.add(accessTokenDiag.deleteSkippedSuccessor(name, id, current.id));
        return;
      }
    }
    const deleted = await api.deleteToken(name);
    ctx.api.invalidateList(name);
    nameLedger(ctx).deleted.add(name);
    if (!deleted) ctx.log(`${name} was already gone`);
  } catch (err) {
    // Whether the token still exists is not known: the next list must come from the API.
    ctx.api.invalidateList();
    throw new DiagnosticError(fromClientError(operation, err));
  }
}
