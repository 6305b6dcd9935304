/**
 * Redeeming a registration token someone else minted (no provider token needed). A registration
 * token works once, so a lost answer is retried once: the retry either succeeds or is refused because
 * the first attempt worked, and then the token that attempt made is removed if it can be found.
 */
import { MlpError, MlpForbiddenError } from '../../../client/errors';
import type { IssuedAccessToken } from '../../../client/types';
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import type { ObjectValue } from '../../codec';
import { DiagnosticError, fromClientError } from '../../diagnostics';
import type { HandlerContext, TokenApi } from '../../handler';
import { getString, isKnown } from '../../values';
import { stateOf } from './state';
import { accessTokenDiag } from './messages';

/** After a lost redeem answer: delete the token if the lost request created it; `true` if it did. Throws the client's error. */
export async function removeOrphan(api: TokenApi, name: string): Promise<boolean> {
  const existing = await api.findToken(name);
  if (!existing) return false;
  await api.deleteToken(name);
  return true;
}

/** Create from a registration token someone else minted (no provider token needed). */
export async function redeemGiven(planned: ObjectValue, registerToken: string, ctx: HandlerContext): Promise<ObjectValue> {
  const configuredName = getString(planned, A.name);
  const operation = 'redeem the registration token';
  const api = ctx.api.anonymous();
  let issued: IssuedAccessToken;
  try {
    issued = await api.redeemRegisterToken(registerToken);
  } catch (err) {
    if (!(err instanceof MlpError && err.outcomeUnknown)) throw redeemFailure(err, operation);
    // The first attempt may or may not have happened: a retry either succeeds, or is refused because it did.
    ctx.log('redeem answer lost; retrying once');
    try {
      issued = await api.redeemRegisterToken(registerToken);
    } catch (retryErr) {
      if (!(retryErr instanceof MlpForbiddenError)) throw redeemFailure(retryErr, operation);
      let cleanedUp = false;
      if (ctx.api.hasToken && isKnown(configuredName)) {
        try {
          cleanedUp = await removeOrphan(ctx.api.admin(operation), configuredName);
        } catch (checkErr) {
          throw new DiagnosticError(fromClientError(`${operation} (checking whether a lost attempt created it)`, checkErr));
        }
      }
      throw new DiagnosticError(accessTokenDiag.lostRedeemUnrecoverable(isKnown(configuredName) ? configuredName : undefined, cleanedUp));
    }
  }
  ctx.api.invalidateList();
  const state = stateOf(planned, issued);
  // The registration token fixes name and role; if the configuration said otherwise, keep the token
  // (it exists) and report the mismatch, which taints it.
  for (const attr of [A.name, A.role] as const) {
    const configured = getString(planned, attr);
    const actual = String(getString(state, attr));
    if (isKnown(configured) && configured !== actual) ctx.diagnostics.add(accessTokenDiag.registerTokenMismatch(attr, configured, actual));
  }
  return state;
}

function redeemFailure(err: unknown, operation: string): DiagnosticError {
  if (err instanceof MlpForbiddenError) return new DiagnosticError(accessTokenDiag.registerTokenUnusable());
  return new DiagnosticError(fromClientError(operation, err));
}
