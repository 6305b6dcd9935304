/**
 * Creating an `mlp_access_token` as an Administrator: mint a short-lived registration token and
 * redeem it at once. A create either leaves no token behind or returns it in the state. A lost redeem
 * answer is reconciled by name (delete what it may have made, start over); a name taken by a token
 * the state does not hold is replaced only with `replace_existing`, and never the provider's own.
 */
import { ACCESS_TOKEN_ATTRS as A, ACCESS_TOKEN_RESOURCE } from '../../../constants';
import { MlpConflictError, MlpError } from '../../../client/errors';
import type { IssuedAccessToken, TokenInfo } from '../../../client/types';
import type { ObjectValue } from '../../codec';
import { type Diagnostic, DiagnosticError, fromClientError } from '../../diagnostics';
import type { ApplyRequest, HandlerContext, TokenApi } from '../../handler';
import { getString, isKnown } from '../../values';
import { nameLedger } from '../preflight';
import { createName } from '../rules';
import { redeemGiven, removeOrphan } from './redeem';
import { knownOr, stateOf, unsettledState } from './state';
import { accessTokenDiag } from './messages';

/** Lifetime of the registration token minted for an immediate redeem: short, so a lost one expires soon. */
export const CREATE_REGISTER_TOKEN_TTL = '5m';
/** How often a create whose redeem answer was lost is started over before giving up. */
export const CREATE_ATTEMPTS = 3;

export async function createAccessToken({ planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue | null> {
  // The write-only one is in the configuration only (null in every plan).
  const registerToken = getString(planned, A.registerToken) ?? getString(config, A.registerTokenWo);
  if (isKnown(registerToken)) return redeemGiven(planned, registerToken, ctx);

  const name = createName(getString(planned, A.name), getString(planned, A.namePrefix));
  const role = knownOr(getString(planned, A.role), 'user') === 'admin' ? 'admin' : 'user';
  const ttl = getString(planned, A.ttl);
  const operation = `create the access token ${JSON.stringify(name)}`;
  const api = ctx.api.admin(operation);
  const created = nameLedger(ctx).created;
  // Every path below either leaves no token behind or returns it in the state: a token that may
  // exist is never dropped silently (see RELIABILITY.md).
  let reconciled = false;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    let step: 'mint' | 'redeem' = 'mint';
    let issued: IssuedAccessToken;
    try {
      const minted = await api.mintRegisterToken({
        clientName: name,
        accessTtl: CREATE_REGISTER_TOKEN_TTL,
        refreshTtl: isKnown(ttl) ? ttl : undefined,
        role,
      });
      step = 'redeem';
      issued = await api.redeemRegisterToken(minted.value);
    } catch (err) {
      if (err instanceof MlpConflictError) {
        // The name is taken by a token this state does not hold. The configuration names it, so it
        // is ours: left by a run that created it and could not record it (killed, crashed, lost
        // answer). Nobody holds its value; delete it and start over, once.
        if (created.has(name)) throw new DiagnosticError(accessTokenDiag.nameUsedTwice(name));
        if (reconciled) throw new DiagnosticError(accessTokenDiag.nameTaken(name, ACCESS_TOKEN_RESOURCE));
        if (planned[A.replaceExisting] !== true) {
          // Not opted in: the token is someone's until shown otherwise. Leave it; say what it is.
          throw new DiagnosticError(await describeTaken(api, name));
        }
        reconciled = true;
        await refuseToReplaceOwnCredential(api, name, operation);
        ctx.log(`${name} exists but is not in the state (409 at ${step}); deleting it and creating it again`);
        try {
          await api.deleteToken(name);
        } catch (deleteErr) {
          throw new DiagnosticError(fromClientError(`${operation} (deleting the token of that name the state does not hold)`, deleteErr));
        }
        ctx.api.invalidateList();
        nameLedger(ctx).deleted.add(name);
        ctx.diagnostics.add(accessTokenDiag.unknownTokenReplaced(name, step));
        attempt--;
        continue;
      }
      if (!(err instanceof MlpError && err.outcomeUnknown && err.route === 'redeem'))
        throw new DiagnosticError(fromClientError(operation, err));
      // The redeem may have created the token, with a value nobody received: remove it, start over.
      ctx.log(`redeem answer lost for ${name} (attempt ${attempt}); reconciling by name`);
      let removed: boolean;
      try {
        removed = await removeOrphan(api, name);
      } catch (checkErr) {
        // Whether the token exists is unknown: keep it in the state, tainted, so the next apply
        // deletes it by name (also a name_prefix one, whose name only this state knows).
        ctx.diagnostics.add(
          accessTokenDiag.createOutcomeUnknown(
            name,
            fromClientError(`${operation} (checking whether a lost attempt created it)`, checkErr).detail,
          ),
        );
        return unsettledState(planned, name);
      }
      if (removed) ctx.diagnostics.add(accessTokenDiag.lostRedeemRecovered(name));
      continue;
    }
    ctx.api.invalidateList();
    created.add(name);
    return stateOf(planned, issued);
  }
  throw new DiagnosticError(accessTokenDiag.createRetriesExhausted(name, CREATE_ATTEMPTS));
}

/**
 * A 409 at create means the name is taken. Replacing that token is right for an orphan of an earlier
 * run, and never right for the credential the provider itself runs with.
 */
async function refuseToReplaceOwnCredential(api: TokenApi, name: string, operation: string): Promise<void> {
  let me: TokenInfo;
  try {
    me = await api.whoAmI();
  } catch (err) {
    throw new DiagnosticError(fromClientError(`${operation} (checking that the token of that name is not the provider's own)`, err));
  }
  if (me.name === name) throw new DiagnosticError(accessTokenDiag.nameIsProviderCredential(name));
}

/** The diagnostic for a 409 at create without the opt-in: the token of that name, described if it can be found. */
async function describeTaken(api: TokenApi, name: string): Promise<Diagnostic> {
  let existing: TokenInfo | undefined;
  try {
    existing = await api.findToken(name);
  } catch {
    existing = undefined;
  }
  return existing
    ? accessTokenDiag.existingTokenNotManaged(existing, ACCESS_TOKEN_RESOURCE)
    : accessTokenDiag.nameTaken(name, ACCESS_TOKEN_RESOURCE);
}
