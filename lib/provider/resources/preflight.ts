/**
 * Plan-time checks the resources share: whether the provider's credentials can do what a plan would
 * apply (the provider token's role, asked once per provider process), and whether a name a create
 * needs is held by a token outside the state (one list per provider process). A plan that could not be
 * applied fails here, with the message the apply would have given, before anything changed.
 *
 * What this process itself learned about names (tokens the state holds, tokens it created or deleted)
 * lives in the ledger that the provider configuration's API access owns (see `name-ledger.ts`): the
 * first list is a snapshot, and the ledger is what keeps it true while the process works.
 */
import type { TokenInfo } from '../../client/types';
import { DiagnosticError, diag, fromClientError } from '../diagnostics';
import type { HandlerContext } from '../handler';
import type { NameLedger } from '../name-ledger';

/** This provider configuration's ledger of names (it belongs to the configuration's API access). */
export function nameLedger(ctx: HandlerContext): NameLedger {
  return ctx.api.names;
}

/** Notes that the state holds a token of `name` (with `id`, or none recorded yet). */
export function noteHeld(ctx: HandlerContext, name: string, id: string | null): void {
  const ledger = nameLedger(ctx);
  let ids = ledger.held.get(name);
  if (!ids) ledger.held.set(name, (ids = new Set()));
  ids.add(id);
}

/**
 * Fails unless the provider token is an Administrator's. Skipped while the provider settings are not
 * known (the apply checks then). No token at all fails with "no token configured".
 */
export async function requireAdministrator(ctx: HandlerContext, operation: string): Promise<TokenInfo | undefined> {
  if (!ctx.api.settingsKnown) return undefined;
  if (!ctx.api.hasToken) throw new DiagnosticError(diag.missingAdminToken(operation));
  let me: TokenInfo;
  try {
    me = await ctx.api.providerToken(operation);
  } catch (err) {
    throw new DiagnosticError(fromClientError(operation, err));
  }
  if (me.role !== 'admin') throw new DiagnosticError(diag.needsAdministrator(operation));
  return me;
}

/**
 * The token named `name` that exists in the project and that the state does not hold, as far as this
 * process knows: `undefined` when the name is free, or taken by a token the state holds (the one a
 * replacement replaces, a tainted one the next apply deletes).
 */
export async function unmanagedTokenNamed(ctx: HandlerContext, name: string, operation: string): Promise<TokenInfo | undefined> {
  const live = await liveTokenNamed(ctx, name, operation);
  if (!live || nameLedger(ctx).created.has(name)) return undefined;
  const held = nameLedger(ctx).held.get(name);
  if (held && (held.has(live.id) || held.has(null))) return undefined;
  return live;
}

/** The access token named `name` in the project (from the process's first list), unless this process deleted it since. */
export async function liveTokenNamed(ctx: HandlerContext, name: string, operation: string): Promise<TokenInfo | undefined> {
  let tokens: readonly TokenInfo[];
  try {
    tokens = await ctx.api.tokensOnce(operation);
  } catch (err) {
    throw new DiagnosticError(fromClientError(operation, err));
  }
  const live = tokens.find((t) => t.name === name);
  return live && !nameLedger(ctx).deleted.has(name) ? live : undefined;
}
