/**
 * Plan decisions of `mlp_access_token`, from what the schema's plan modifiers say (which input
 * changes replace the token, what a new token's plan leaves to the API): when time replaces it
 * (`rotate_at`, expiry; decided against the API's clock, as grafana's rotating token does), when a
 * rotation happens in place with `previous_token_grace`, and the plan-time checks that a plan could be
 * applied with the provider's credentials (see `preflight.ts`).
 */
import { ACCESS_TOKEN_ATTRS as A, ACCESS_TOKEN_RESOURCE } from '../../../constants';
import { durationProblem, parseDuration } from '../../../contract/duration';
import { type ObjectValue, UNKNOWN, type Value } from '../../codec';
import { DiagnosticError, diag } from '../../diagnostics';
import type { HandlerContext, PlanRequest, PlanResult } from '../../handler';
import { planNew, planUpdate } from '../../schema';
import { formatTime, getString, isKnown, parseTime } from '../../values';
import { FIRST_GENERATION, generationOf } from '../generation';
import { redeemedToken } from '../write-only';
import { type RetiredToken, isDue, retiredOf, retiredValue } from '../overlap';
import { noteHeld, requireAdministrator, unmanagedTokenNamed } from '../preflight';
import { deleterOf } from './delete';
import { accessTokenSchema } from './schema';
import { accessTokenDiag } from './messages';

export async function planAccessToken({ prior, proposed: offered, config }: PlanRequest, ctx: HandlerContext): Promise<PlanResult> {
  if (prior === null) {
    await preflightCreate(config, ctx);
    return { planned: plannedCreate(offered, config), requiresReplace: [] };
  }
  // The token this state holds: the create half of its replacement (planned next, with no prior) may reuse its name.
  const priorId = getString(prior, A.id);
  noteHeld(ctx, String(getString(prior, A.name)), isKnown(priorId) ? priorId : null);

  // The schema's modifiers: defaults applied to Terraform's proposal, and the inputs whose change replaces the token.
  const { planned: proposed, requiresReplace: replace } = planUpdate(accessTokenSchema, { prior, proposed: offered, config });
  const grace = getString(config, A.previousTokenGrace);
  const overlap = isKnown(grace) && !durationProblem(grace) && redeemedToken(config) === null;
  const retired = retiredOf(prior);
  if (replace.length > 0 && !overlap) {
    await preflightDelete(prior, ctx);
    return { planned: plannedReplacement(proposed, config), requiresReplace: replace };
  }

  // Inputs unchanged (or rotating in place): time decides (rotate_at, expiry, retired tokens' grace).
  const rotateAt = rotateAtOf(prior, proposed);
  // A state from before retired_tokens existed (or imported) holds null: keep it while nothing is retired.
  const retiredAttr = (list: readonly RetiredToken[]): Value =>
    list.length === 0 && (prior[A.retiredTokens] ?? null) === null ? null : retiredValue(list);
  const planned: Record<string, Value> = {
    ...proposed,
    [A.rotateAt]: rotateAt === UNKNOWN ? UNKNOWN : formatTime(rotateAt),
    [A.retiredTokens]: retiredAttr(retired),
  };
  const expiresAt = parseTime(getString(prior, A.expiresAt));
  if (replace.length === 0 && expiresAt === null && !(rotateAt instanceof Date) && retired.length === 0)
    return { planned, requiresReplace: [] };
  await ctx.api.syncClock();
  const now = ctx.clock.now();
  const name = String(getString(prior, A.name));
  // Retired tokens whose grace has passed: the plan shows them leaving the list; the apply deletes them.
  const due = retired.filter((t) => isDue(t, now));
  const kept = retired.filter((t) => !isDue(t, now));
  for (const t of due) ctx.diagnostics.add(accessTokenDiag.retiredTokenRevoked(t.name, String(t.revokeAfter), name));
  if (due.length > 0) await preflightDelete(prior, ctx);
  planned[A.retiredTokens] = retiredAttr(kept);

  const reason =
    replace.length > 0
      ? 'inputs'
      : expiresAt !== null && now >= expiresAt
        ? 'expired'
        : rotateAt instanceof Date && now >= rotateAt
          ? 'rotation'
          : undefined;
  if (reason === undefined) return { planned, requiresReplace: [] };

  if (reason !== 'inputs') {
    const when = formatTime(reason === 'expired' ? expiresAt : (rotateAt as Date))!;
    if (redeemedToken(config) !== null) {
      // A registration token works once: replacing would redeem a used one and fail. Say what to do.
      ctx.diagnostics.add(accessTokenDiag.cannotRotateRegistered(name, when, reason));
      return { planned, requiresReplace: [] };
    }
    ctx.diagnostics.add(accessTokenDiag.rotationDue(name, when, reason));
  }
  await preflightDelete(prior, ctx);
  if (!overlap)
    return { planned: plannedReplacement(proposed, config), requiresReplace: [reason === 'expired' ? A.expiresAt : A.rotateAt] };

  // In place: a new token takes this one's place; this one joins retired_tokens until the grace ends.
  await preflightCreate(config, ctx);
  const rotating = plannedCreate(proposed, config);
  const retiring: RetiredToken = { name, id: isKnown(priorId) ? priorId : null, revokeAfter: UNKNOWN };
  ctx.diagnostics.add(accessTokenDiag.rotatingWithGrace(name, grace));
  return {
    planned: { ...rotating, [A.retiredTokens]: retiredValue([...kept, retiring]), [A.generation]: generationOf(prior) + 1 },
    requiresReplace: [],
  };
}

export async function planAccessTokenDestroy(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
  await preflightDelete(prior, ctx);
}

/**
 * The plan of a new token (a create, a replacement, an in-place rotation): the schema leaves the
 * computed values to the API (the role to its default), and this module decides its schedule.
 */
export function plannedCreate(proposed: ObjectValue, config: ObjectValue): ObjectValue {
  const registerToken = redeemedToken(config);
  const out: Record<string, Value> = { ...planNew(accessTokenSchema, proposed, config) };
  const rotates =
    getString(config, A.rotateAfter) !== null ||
    (getString(config, A.earlyRotationWindow) !== null && (getString(config, A.ttl) !== null || registerToken !== null));
  out[A.rotateAt] = rotates ? UNKNOWN : null;
  out[A.retiredTokens] = [];
  // A replacement's new object is planned (again at apply) with no prior state: it starts over too.
  out[A.generation] = FIRST_GENERATION;
  return out;
}

/** The plan of an update that replaces the token: as a create, keeping the configured values. */
function plannedReplacement(proposed: ObjectValue, config: ObjectValue): ObjectValue {
  return plannedCreate(proposed, config);
}

/**
 * When the token is due for rotation: the earlier of created + rotate_after and
 * expires - early_rotation_window; null when neither applies, UNKNOWN when a duration is not known yet.
 */
export function rotateAtOf(timesFrom: ObjectValue, settingsFrom: ObjectValue): Date | null | typeof UNKNOWN {
  const rotateAfter = getString(settingsFrom, A.rotateAfter);
  const window = getString(settingsFrom, A.earlyRotationWindow);
  if (rotateAfter === UNKNOWN || window === UNKNOWN) return UNKNOWN;
  return computeRotateAt(parseTime(getString(timesFrom, A.createdAt)), parseTime(getString(timesFrom, A.expiresAt)), rotateAfter, window);
}

export function computeRotateAt(
  createdAt: Date | null,
  expiresAt: Date | null,
  rotateAfter: string | null,
  window: string | null,
): Date | null {
  const candidates: number[] = [];
  if (createdAt && rotateAfter && !durationProblem(rotateAfter)) candidates.push(createdAt.getTime() + parseDuration(rotateAfter) * 1000);
  if (expiresAt && window && !durationProblem(window)) candidates.push(expiresAt.getTime() - parseDuration(window) * 1000);
  return candidates.length > 0 ? new Date(Math.min(...candidates)) : null;
}

/**
 * A plan that creates a token as an Administrator (not from a registration token): the provider token
 * must be an Administrator's, and a fixed name must not be held by a token outside the state unless
 * the resource says `replace_existing = true` (then the plan warns what the apply will replace).
 */
async function preflightCreate(config: ObjectValue, ctx: HandlerContext): Promise<void> {
  // A redeem needs no credentials, and the registration token decides the name.
  if (redeemedToken(config) !== null) return;
  const name = getString(config, A.name);
  const operation = isKnown(name) ? `create the access token ${JSON.stringify(name)}` : 'create an access token';
  const me = await requireAdministrator(ctx, operation);
  if (me === undefined || !isKnown(name)) return;
  const existing = await unmanagedTokenNamed(ctx, name, operation);
  if (existing === undefined) return;
  if (config[A.replaceExisting] !== true)
    throw new DiagnosticError(accessTokenDiag.existingTokenNotManaged(existing, ACCESS_TOKEN_RESOURCE));
  if (existing.name === me.name) throw new DiagnosticError(accessTokenDiag.nameIsProviderCredential(name));
  ctx.diagnostics.add(accessTokenDiag.existingTokenWillBeReplaced(existing));
}

/** A plan that deletes `prior` (destroy, or the first half of a replacement): the credentials must be able to. */
async function preflightDelete(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
  if (!ctx.api.settingsKnown) return;
  const operation = `delete the access token ${JSON.stringify(String(getString(prior, A.name)))}`;
  const deleter = deleterOf(ctx, getString(prior, A.value), getString(prior, A.role));
  if (!deleter) throw new DiagnosticError(diag.missingAdminToken(operation));
  if (deleter.by === 'provider') await requireAdministrator(ctx, operation);
}
