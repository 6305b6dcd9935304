/**
 * The in-place update of `mlp_access_token`. Without `previous_token_grace` only attributes that
 * matter to Terraform alone change; with it, an update revokes retired tokens whose grace passed and
 * rotates in place, and a rotation that fails leaves nothing behind (see RELIABILITY.md).
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import { type ObjectValue, UNKNOWN } from '../../codec';
import type { ApplyRequest, HandlerContext } from '../../handler';
import { formatTime, getString, isKnown, parseTime } from '../../values';
import { retiredOf, retiredValue, revokeAfter } from '../overlap';
import { createAccessToken } from './create';
import { deleteByName } from './delete';
import { rotateAtOf } from './plan';

export async function updateAccessToken({ prior, planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
  // Without previous_token_grace only rotate_after, early_rotation_window (and a ttl respelled to
  // the same length) get here: they matter to Terraform alone, so nothing is sent to the API.
  // With it, an update may also revoke retired tokens whose grace passed, and rotate in place.
  const before = retiredOf(prior!);
  const after = retiredOf(planned);
  const revoke = before.filter((t) => !after.some((a) => a.name === t.name && a.id === t.id));
  // Revoke first: if a delete fails, nothing else has changed, and the state stays as it was.
  for (const t of revoke) await deleteByName(t.name, t.id, ctx, `revoke the retired access token ${JSON.stringify(t.name)}`);
  if (planned[A.id] !== UNKNOWN) {
    const rotateAt = rotateAtOf(prior!, planned);
    return { ...planned, [A.rotateAt]: rotateAt === UNKNOWN ? null : formatTime(rotateAt) };
  }
  const created = await createAccessToken({ prior: null, planned, config }, ctx);
  const grace = String(getString(planned, A.previousTokenGrace));
  const now = ctx.clock.now();
  const retiredExpiry = parseTime(getString(prior!, A.expiresAt));
  const retired = after.map((t) => (t.revokeAfter === UNKNOWN ? { ...t, revokeAfter: revokeAfter(now, grace, retiredExpiry) } : t));
  if (created === null || ctx.diagnostics.hasErrors) {
    // The new token may exist (its name is in `created`): keep the old one current, and list the
    // new one as retired at once, so the next apply deletes it by name. Nothing is left behind.
    const maybe =
      created && isKnown(getString(created, A.name))
        ? [{ name: String(getString(created, A.name)), id: null, revokeAfter: formatTime(now)! }]
        : [];
    return { ...prior!, [A.retiredTokens]: retiredValue([...before.filter((t) => !revoke.includes(t)), ...maybe]) };
  }
  return { ...created, [A.retiredTokens]: retiredValue(retired) };
}
