/**
 * Create and update of `mlp_register_token`: both mint (an update only when the plan re-issues;
 * a respelled duration changes nothing in the API). A re-issue mints first, so a refused mint keeps
 * the old one in the state, and then says what is known of the old one, as destroy does.
 */
import { randomUUID } from 'node:crypto';
import { REGISTER_TOKEN_ATTRS as A } from '../../../constants';
import { MlpConflictError } from '../../../client/errors';
import type { MintedRegisterToken } from '../../../client/types';
import { type ObjectValue, UNKNOWN } from '../../codec';
import { DiagnosticError, fromClientError } from '../../diagnostics';
import type { ApplyRequest, HandlerContext } from '../../handler';
import { formatTime, getString, isKnown } from '../../values';
import { createName } from '../rules';
import { destroyNotice } from './destroy-notice';
import { registerTokenDiag } from './messages';

export async function mintRegisterToken({ planned }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
  const name = createName(getString(planned, A.name), getString(planned, A.namePrefix));
  const operation = `mint a registration token for ${JSON.stringify(name)}`;
  const accessTokenTtl = getString(planned, A.accessTokenTtl);
  let minted: MintedRegisterToken;
  try {
    minted = await ctx.api.admin(operation).mintRegisterToken({
      clientName: name,
      accessTtl: String(getString(planned, A.ttl)),
      refreshTtl: isKnown(accessTokenTtl) ? accessTokenTtl : undefined,
      role: getString(planned, A.role) === 'admin' ? 'admin' : 'user',
    });
  } catch (err) {
    if (err instanceof MlpConflictError) throw new DiagnosticError(registerTokenDiag.registerTokenNameTaken(name, undefined));
    throw new DiagnosticError(fromClientError(operation, err));
  }
  return {
    ...planned,
    [A.id]: randomUUID(),
    [A.name]: name,
    [A.role]: minted.role,
    [A.value]: minted.value.reveal(),
    [A.expiresAt]: formatTime(minted.expiresAt),
  };
}

export async function updateRegisterToken({ prior, planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
  // A respelled duration of the same length: nothing changes in the API.
  if (planned[A.id] !== UNKNOWN) return planned;
  const minted = await mintRegisterToken({ prior: null, planned, config }, ctx);
  ctx.diagnostics.add(await destroyNotice(prior!, ctx));
  return minted;
}
