/**
 * Refresh and import of `mlp_access_token`: the API's view of a token, from the project's list with
 * a provider token or, without one, from the token reading itself. A token gone from the API leaves
 * the state with a warning; an imported one has no value (the API shows it only at creation).
 */
import { ACCESS_TOKEN_ATTRS as A, ACCESS_TOKEN_RESOURCE } from '../../../constants';
import { formatDuration } from '../../../contract/duration';
import { MlpForbiddenError } from '../../../client/errors';
import type { TokenInfo } from '../../../client/types';
import type { ObjectValue } from '../../codec';
import { DiagnosticError, fromClientError } from '../../diagnostics';
import type { HandlerContext } from '../../handler';
import { getString, isKnown, parseTime } from '../../values';
import { retiredOf, retiredValue } from '../overlap';
import { noteHeld } from '../preflight';
import { FIRST_GENERATION, withGeneration } from '../generation';
import { nullState, refreshed } from './state';
import { accessTokenDiag } from './messages';

export async function readAccessToken(state: ObjectValue, ctx: HandlerContext): Promise<ObjectValue | null> {
  const id = getString(state, A.id);
  const name = String(getString(state, A.name));
  noteHeld(ctx, name, isKnown(id) ? id : null);
  const value = getString(state, A.value);
  let info: TokenInfo | undefined;
  let tokens: TokenInfo[] | undefined;
  if (ctx.api.hasToken) {
    try {
      tokens = await ctx.api.listTokensShared(`refresh the access token ${JSON.stringify(name)}`);
    } catch (err) {
      // A User provider token cannot list; a redeemed token (which holds its value) reads itself instead.
      if (!(isKnown(value) && lacksManageScope(err)))
        throw new DiagnosticError(fromClientError(`refresh the access token ${JSON.stringify(name)}`, err));
    }
  }
  if (tokens) {
    info = tokens.find((t) => (isKnown(id) ? t.id === id : t.name === name));
    // A retired token deleted outside Terraform (or by an apply that could not record it) leaves the list.
    const retired = retiredOf(state);
    const present = retired.filter((r) => tokens!.some((t) => t.name === r.name && (r.id === null || t.id === r.id)));
    if (present.length !== retired.length) state = { ...state, [A.retiredTokens]: retiredValue(present) };
  } else if (isKnown(value)) {
    // No provider token (a redeemed token's working directory): the token reads itself.
    try {
      info = await ctx.api.as(value).whoAmI();
    } catch (err) {
      if (!(err instanceof MlpForbiddenError))
        throw new DiagnosticError(fromClientError(`refresh the access token ${JSON.stringify(name)}`, err));
      const expiresAt = parseTime(getString(state, A.expiresAt));
      // Refused: deleted, or expired. An expired one stays so the plan can say so and replace it.
      if (expiresAt !== null && ctx.clock.now() >= expiresAt) return state;
      info = undefined;
    }
  } else {
    ctx.diagnostics.add(
      accessTokenDiag.cannotRefresh(name, 'no provider token is configured and the state holds no value to authenticate with'),
    );
    return state;
  }
  if (!info) {
    ctx.diagnostics.add(accessTokenDiag.tokenGone(ACCESS_TOKEN_RESOURCE, name));
    return null;
  }
  return refreshed(withGeneration(state), info);
}

export async function importAccessToken(id: string, ctx: HandlerContext): Promise<ObjectValue> {
  const name = id.trim();
  const operation = `import the access token ${JSON.stringify(name)}`;
  let info: TokenInfo | undefined;
  try {
    info = await ctx.api.admin(operation).findToken(name);
  } catch (err) {
    throw new DiagnosticError(fromClientError(operation, err));
  }
  if (!info) throw new DiagnosticError(accessTokenDiag.importNotFound(name));
  ctx.diagnostics.add(accessTokenDiag.importedWithoutValue(name));
  const lifetime = info.expiresAt ? (info.expiresAt.getTime() - info.createdAt.getTime()) / 1000 : 0;
  const state: ObjectValue = {
    ...nullState(),
    [A.generation]: FIRST_GENERATION,
    // A lifetime in whole seconds is what `ttl` was, so a configuration with the same ttl plans no change.
    [A.ttl]: Number.isSafeInteger(lifetime) && lifetime > 0 ? formatDuration(lifetime) : null,
  };
  return refreshed(state, info);
}

/** Whether an API error says the provider token lacks the Administrator scope (a User token). */
function lacksManageScope(err: unknown): boolean {
  return err instanceof MlpForbiddenError && err.reason === 'missing-scope';
}
