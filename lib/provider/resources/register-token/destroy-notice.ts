/**
 * What destroying (or re-issuing) a registration token means, from what can be known: the API never
 * lists registration tokens, but the access token one creates is listed once it was redeemed. The
 * notice never fails the destroy.
 */
import { REGISTER_TOKEN_ATTRS as A } from '../../../constants';
import { durationProblem, parseDuration } from '../../../contract/duration';
import type { ObjectValue } from '../../codec';
import { type Diagnostic, fromClientError } from '../../diagnostics';
import type { HandlerContext } from '../../handler';
import { formatTime, getString, isKnown, parseTime } from '../../values';
import { registerTokenDiag } from './messages';

/** Slack for comparing the API's creation time of a token with a mint time derived from expiry and ttl. */
const MINT_TIME_SLACK_MS = 5_000;

export async function destroyNotice(prior: ObjectValue, ctx: HandlerContext): Promise<Diagnostic> {
  const name = String(getString(prior, A.name));
  const expiresAt = parseTime(getString(prior, A.expiresAt));
  const expiry = formatTime(expiresAt) ?? 'its expiry';
  const ttl = getString(prior, A.ttl);
  const mintedAt = expiresAt && isKnown(ttl) && !durationProblem(ttl) ? expiresAt.getTime() - parseDuration(ttl) * 1000 : null;
  let checked = false;
  if (ctx.api.hasToken && ctx.api.settingsKnown) {
    try {
      const tokens = await ctx.api.listTokensShared(`check whether the registration token for ${JSON.stringify(name)} was redeemed`);
      checked = true;
      const made = tokens.find((t) => t.name === name);
      if (made && mintedAt !== null && made.createdAt.getTime() >= mintedAt - MINT_TIME_SLACK_MS)
        return registerTokenDiag.registerTokenRedeemed(name, formatTime(made.createdAt)!);
      if (made) checked = false; // a token older than the mint: nothing can be said about this one
    } catch (err) {
      ctx.log(`could not check whether the registration token for ${name} was redeemed: ${fromClientError('list tokens', err).summary}`);
    }
  }
  await ctx.api.syncClock();
  if (expiresAt && ctx.clock.now() >= expiresAt) return registerTokenDiag.registerTokenExpired(name, expiry);
  return registerTokenDiag.registerTokenNotRevocable(name, expiry, checked ? 'no-token-of-that-name' : 'not-checked');
}
