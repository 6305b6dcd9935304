/**
 * Plan decisions of `mlp_register_token`. The schema's plan modifiers say which input changes need
 * a new registration token; expiry or a redeem never does (nothing can be known about either, and a
 * new one would only matter to whoever redeems it, who asks for it through `rotation_triggers`). A
 * new one is minted in place, a re-issue: the plan warns that the old one cannot be revoked, and a
 * mint the API would refuse (an access token holds the name) fails here, at plan.
 */
import { REGISTER_TOKEN_ATTRS as A } from '../../../constants';
import type { ObjectValue } from '../../codec';
import { DiagnosticError } from '../../diagnostics';
import type { HandlerContext, PlanRequest, PlanResult } from '../../handler';
import { planNew, planUpdate } from '../../schema';
import { formatTime, getString, isKnown, parseTime } from '../../values';
import { liveTokenNamed, requireAdministrator } from '../preflight';
import { FIRST_GENERATION, generationOf } from '../generation';
import { registerTokenSchema } from './schema';
import { registerTokenDiag } from './messages';

export async function planRegisterToken({ prior, proposed, config }: PlanRequest, ctx: HandlerContext): Promise<PlanResult> {
  const fresh = (): ObjectValue => ({ ...planNew(registerTokenSchema, proposed, config), [A.generation]: FIRST_GENERATION });
  if (prior === null) {
    await preflightMint(config, ctx);
    return { planned: fresh(), requiresReplace: [] };
  }
  const { planned, requiresReplace: reissue } = planUpdate(registerTokenSchema, { prior, proposed, config });
  if (reissue.length === 0) return { planned, requiresReplace: [] };
  // A re-issue is an in-place update (a replacement's new object would know nothing of this one,
  // so generation could not carry over): the apply mints anew, and the plan says what becomes of
  // the old one, which cannot be revoked. A refused mint fails here, leaving the old one in the state.
  await preflightMint(config, ctx);
  const generation = generationOf(prior) + 1;
  ctx.diagnostics.add(
    registerTokenDiag.registerTokenReissued(
      String(getString(prior, A.name)),
      formatTime(parseTime(getString(prior, A.expiresAt))) ?? 'its expiry',
      generation,
    ),
  );
  return { planned: { ...fresh(), [A.generation]: generation }, requiresReplace: [], reissues: true };
}

/**
 * A plan that mints: the provider token must be an Administrator's, and no access token may hold a
 * fixed name (the API would refuse the mint).
 */
async function preflightMint(config: ObjectValue, ctx: HandlerContext): Promise<void> {
  const name = getString(config, A.name);
  const operation = isKnown(name) ? `mint a registration token for ${JSON.stringify(name)}` : 'mint a registration token';
  const me = await requireAdministrator(ctx, operation);
  if (me === undefined || !isKnown(name)) return;
  const existing = await liveTokenNamed(ctx, name, operation);
  if (existing) throw new DiagnosticError(registerTokenDiag.registerTokenNameTaken(name, existing));
}
