/**
 * `mlp_access_token`: an MLP access token, created by an Administrator (mint a short-lived
 * registration token, redeem it at once) or redeemed from a registration token someone else minted.
 *
 * Order: schema, validation, plan, create, read, update, delete, import, then the model and pure
 * helpers (terraform-provider-time's `resource_time_rotating.go`). Rotation is decided at plan time
 * against the API's clock (grafana's rotating token); a token gone from the API leaves the state with
 * a warning, and a 404 on delete is success.
 *
 * A plan that creates with a fixed name fails when a token the state does not hold has that name,
 * unless `replace_existing` says to replace it (see `preflight.ts`); with `previous_token_grace` a
 * rotation is an in-place update that keeps the old token working for a while (see `overlap.ts`).
 */
import { randomInt } from 'node:crypto';
import { ACCESS_TOKEN_ATTRS as A, ACCESS_TOKEN_RESOURCE, ROLES } from '../../../constants';
import { durationProblem, formatDuration, parseDuration } from '../../../contract/duration';
import { MlpConflictError, MlpError, MlpForbiddenError } from '../../../client/errors';
import type { IssuedAccessToken, TokenInfo } from '../../../client/types';
import { NAME_PREFIX_SUFFIX_LENGTH, nameProblem, namePrefixProblem } from '../../../contract/validation';
import { type ObjectValue, UNKNOWN, type Value, valuesEqual } from '../../codec';
import { tokenInfoValue } from '../../data-sources/token';
import { type Diagnostic, DiagnosticError, diag, fromClientError } from '../../diagnostics';
import type { ApplyRequest, HandlerContext, PlanRequest, PlanResult, ResourceHandler, TokenApi, ValidateContext } from '../../handler';
import { type BlockSchema, INITIAL_SCHEMA_VERSION } from '../../schema';
import { sealAttributes } from '../../sealing';
import { redeemedToken, validateWriteOnlyRedeem, writeOnlyRedeemAttributes } from '../write-only';
import { type RetiredToken, RETIRED_TOKEN_TYPE, isDue, retiredOf, retiredValue, graceProblem, revokeAfter } from '../overlap';
import { nameLedger, noteHeld, requireAdministrator, unmanagedTokenNamed } from '../preflight';
import {
  type Maybe,
  formatTime,
  normalizeStored,
  getString,
  getStringMap,
  isKnown,
  parseTime,
  sameDuration,
  triggersChanged,
} from '../../values';

/** Lifetime of the registration token minted for an immediate redeem: short, so a lost one expires soon. */
export const CREATE_REGISTER_TOKEN_TTL = '5m';
/** How often a create whose redeem answer was lost is started over before giving up. */
export const CREATE_ATTEMPTS = 3;
// ---- schema -------------------------------------------------------------------------------------

export const accessTokenSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'An ML Platform access token. Created by an Administrator from `name` (or `name_prefix`), `role` and `ttl`, or redeemed from a `register_token` without any credentials. ' +
    'Replaced when its inputs or `rotation_triggers` change, when `rotate_at` passes, or when it expired.',
  attributes: {
    [A.id]: { type: 'string', computed: true, description: "The token's id in the API." },
    [A.name]: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        "The token's name, unique in the project. Changing it replaces the token. Computed when `name_prefix` or `register_token` is used.",
    },
    [A.namePrefix]: {
      type: 'string',
      optional: true,
      description: `Creates a unique name beginning with this prefix (${NAME_PREFIX_SUFFIX_LENGTH} random lowercase letters and digits are appended). Use it with \`create_before_destroy\` so the new token can exist beside the old one during rotation. Conflicts with \`name\`.`,
    },
    [A.role]: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        '`user` or `admin`. Default `user`; with `register_token`, the role the registration token carries. Changing it replaces the token.',
    },
    [A.ttl]: {
      type: 'string',
      optional: true,
      description:
        "The token's lifetime as a Go-style duration (`720h`, `90m`). Unset: the token never expires. Changing it replaces the token.",
    },
    [A.registerToken]: {
      type: 'string',
      optional: true,
      sensitive: true,
      description:
        'A registration token to redeem instead of creating the token as an Administrator; needs no provider token. Name, role and lifetime come from it. A registration token works once: to rotate, mint a new one.',
    },
    ...writeOnlyRedeemAttributes,
    ...sealAttributes("access token's value"),
    [A.rotationTriggers]: {
      type: ['map', 'string'],
      optional: true,
      description: "Arbitrary values that replace the token when they change (like the random provider's `keepers`).",
    },
    [A.rotateAfter]: {
      type: 'string',
      optional: true,
      description:
        'Replace the token once this long has passed since it was created (Go-style duration). Changing it does not call the API.',
    },
    [A.earlyRotationWindow]: {
      type: 'string',
      optional: true,
      description:
        'Replace the token once it is this close to expiring (Go-style duration, shorter than `ttl`). Changing it does not call the API.',
    },
    [A.value]: {
      type: 'string',
      computed: true,
      sensitive: true,
      description:
        "The token's value. Null for an imported token (the API shows a value only at creation), and with `seal_to` (see `sealed_value`).",
    },
    [A.issuerName]: { type: 'string', computed: true, description: 'Who issued the token.' },
    [A.createdAt]: { type: 'string', computed: true, description: "When the token was created (RFC 3339, the API's clock)." },
    [A.expiresAt]: { type: 'string', computed: true, description: 'When the token expires (RFC 3339); null if it never does.' },
    [A.rotateAt]: {
      type: 'string',
      computed: true,
      description:
        'When a plan will replace the token: the earlier of `created_at + rotate_after` and `expires_at - early_rotation_window`; null if neither is set.',
    },
    [A.previousTokenGrace]: {
      type: 'string',
      optional: true,
      description:
        'Rotate in place with an overlap: when the token is due for rotation (or its inputs change), a new token (a new name from `name_prefix`) takes its place and the old one keeps working for this long (Go-style duration), listed in `retired_tokens`. ' +
        'A plan after that shows its revocation, and the apply deletes it. Needs `name_prefix`. Changing it does not call the API.',
    },
    [A.retiredTokens]: {
      type: ['list', RETIRED_TOKEN_TYPE],
      computed: true,
      description:
        'Tokens this resource rotated away from that still work until `revoke_after` (with `previous_token_grace`): each `name`, `id` and `revoke_after` (RFC 3339). Never their values.',
    },
    [A.replaceExisting]: {
      type: 'bool',
      optional: true,
      description:
        'Let the provider delete a token of this `name` that the state does not hold and create this one in its place. Default `false`: such a plan fails, naming the token, and nothing is deleted. ' +
        'Meant for unattended recovery after a run of this same configuration was interrupted before it could record the token; never set it for a name someone else may use. Changing it does not call the API.',
    },
    [A.generation]: {
      type: 'number',
      computed: true,
      description:
        'Counts the rotations: 1 at creation (and import), one more at every rotation done in place, that is with `previous_token_grace` (when `rotate_at` passes, the token expires, `rotation_triggers` or another input changes). An update that is not a rotation leaves it. ' +
        "Without `previous_token_grace` a rotation is a replacement, a new resource object Terraform tells nothing of the old one, so it starts again at 1: pair `generation` with another provider's `*_wo_version` only together with `previous_token_grace`.",
    },
  },
} as const satisfies BlockSchema;

/** Inputs whose change replaces the token. */
const REPLACING_INPUTS = [A.name, A.namePrefix, A.role, A.ttl, A.registerToken, A.registerTokenWoVersion, A.rotationTriggers] as const;
/** Values the API decides: unknown in a plan that creates or replaces the token. */
const COMPUTED_BY_API = [A.id, A.value, A.issuerName, A.createdAt, A.expiresAt] as const;

export const accessToken = {
  typeName: ACCESS_TOKEN_RESOURCE,
  schema: accessTokenSchema,

  // ---- validation -------------------------------------------------------------------------------

  validate(config: ObjectValue, ctx: ValidateContext): void {
    const d = ctx.diagnostics;
    const name = getString(config, A.name);
    const prefix = getString(config, A.namePrefix);
    const registerToken = getString(config, A.registerToken);
    const redeems = redeemedToken(config);
    const role = getString(config, A.role);
    const ttl = getString(config, A.ttl);
    const window = getString(config, A.earlyRotationWindow);
    const rotateAfter = getString(config, A.rotateAfter);

    if (name !== null && prefix !== null)
      d.add(diag.conflictingAttributes(A.name, A.namePrefix, 'name_prefix makes a unique name of its own'));
    if (registerToken !== null && prefix !== null)
      d.add(diag.conflictingAttributes(A.namePrefix, A.registerToken, 'the registration token fixes the name'));
    if (registerToken !== null && ttl !== null)
      d.add(diag.conflictingAttributes(A.ttl, A.registerToken, 'the registration token fixes the lifetime'));
    validateWriteOnlyRedeem(config, ctx);
    if (name === null && prefix === null && redeems === null) {
      d.add(
        diag.missingOneOf(
          [A.name, A.namePrefix, A.registerToken],
          'an Administrator creates a token by name (or name prefix), anyone can redeem a registration token',
        ),
      );
    }
    if (isKnown(name)) {
      const problem = nameProblem(name);
      if (problem) d.add(diag.invalidAttribute([A.name], problem));
    }
    if (isKnown(prefix)) {
      const problem = namePrefixProblem(prefix);
      if (problem) d.add(diag.invalidAttribute([A.namePrefix], problem));
    }
    if (isKnown(role) && !(ROLES as readonly string[]).includes(role)) {
      d.add(diag.invalidAttribute([A.role], `${JSON.stringify(role)} is not a role`, 'Use "user" or "admin"'));
    }
    if (isKnown(registerToken) && registerToken.trim() === '') {
      d.add(
        diag.invalidAttribute(
          [A.registerToken],
          'register_token is empty',
          'Set it to a registration token value, or remove it to create the token as an Administrator',
        ),
      );
    }
    const durations: [string, Maybe<string>][] = [
      [A.ttl, ttl],
      [A.rotateAfter, rotateAfter],
      [A.earlyRotationWindow, window],
    ];
    let durationsValid = true;
    for (const [attr, v] of durations) {
      if (!isKnown(v)) continue;
      const problem = durationProblem(v);
      if (problem) {
        durationsValid = false;
        d.add(diag.invalidAttribute([attr], problem));
      }
    }
    if (durationsValid && isKnown(window) && isKnown(ttl) && parseDuration(window) >= parseDuration(ttl)) {
      d.add(
        diag.invalidAttribute(
          [A.earlyRotationWindow],
          `early_rotation_window (${window}) is not shorter than ttl (${ttl}), so the token would be due for rotation as soon as it is created`,
          'Make the window shorter than the lifetime, e.g. a tenth of it',
        ),
      );
    }
    if (durationsValid && isKnown(rotateAfter) && isKnown(ttl) && parseDuration(rotateAfter) >= parseDuration(ttl)) {
      d.add(
        diag.invalidAttribute(
          [A.rotateAfter],
          `rotate_after (${rotateAfter}) is not shorter than ttl (${ttl}), so the token expires before it is due for rotation and rotate_after never takes effect`,
          'Make rotate_after shorter than the lifetime, or remove it and rely on early_rotation_window',
        ),
      );
    }
    const grace = getString(config, A.previousTokenGrace);
    if (grace !== null && name !== null)
      d.add(
        diag.conflictingAttributes(
          A.previousTokenGrace,
          A.name,
          'the new token must exist beside the old one during the grace, and names are unique: use name_prefix',
        ),
      );
    if (grace !== null && redeems !== null)
      d.add(
        diag.conflictingAttributes(
          A.previousTokenGrace,
          registerToken !== null ? A.registerToken : A.registerTokenWo,
          'a registration token works once, so the provider cannot make the next token by itself',
        ),
      );
    if (isKnown(grace)) {
      const problem = durationProblem(grace);
      if (problem) d.add(diag.invalidAttribute([A.previousTokenGrace], problem));
      else if (durationsValid && isKnown(ttl) && rotateAfter !== UNKNOWN && window !== UNKNOWN) {
        const tooLong = graceProblem(grace, ttl, rotateAfter, window);
        if (tooLong)
          d.add(
            diag.invalidAttribute(
              [A.previousTokenGrace],
              tooLong,
              'Make previous_token_grace shorter, rotate earlier (a shorter rotate_after, a longer early_rotation_window), or give the token a longer ttl; leave a scheduled run of slack too',
            ),
          );
      }
    }
    if (grace !== null && (config[A.sealTo] ?? null) !== null)
      d.add(
        diag.conflictingAttributes(
          A.previousTokenGrace,
          A.sealTo,
          'an in-place rotation would store the new value unsealed; seal_to works with replacement rotation',
        ),
      );
    if (window !== null && ttl === null && redeems === null) {
      d.add(
        diag.uselessAttribute(
          A.earlyRotationWindow,
          'Without ttl the token never expires, so there is no expiry to rotate ahead of. Set ttl, or use rotate_after.',
        ),
      );
    }
  },

  // ---- plan -------------------------------------------------------------------------------------

  async plan({ prior, proposed, config }: PlanRequest, ctx: HandlerContext): Promise<PlanResult> {
    if (prior === null) {
      await preflightCreate(config, ctx);
      return { planned: plannedCreate(proposed, config), requiresReplace: [] };
    }
    // The token this state holds: the create half of its replacement (planned next, with no prior) may reuse its name.
    const priorId = getString(prior, A.id);
    noteHeld(ctx, String(getString(prior, A.name)), isKnown(priorId) ? priorId : null);

    const replace = REPLACING_INPUTS.filter((attr) => inputChanged(attr, prior, proposed, config));
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
    for (const t of due) ctx.diagnostics.add(diag.retiredTokenRevoked(t.name, String(t.revokeAfter), name));
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
        ctx.diagnostics.add(diag.cannotRotateRegistered(name, when, reason));
        return { planned, requiresReplace: [] };
      }
      ctx.diagnostics.add(diag.rotationDue(name, when, reason));
    }
    await preflightDelete(prior, ctx);
    if (!overlap)
      return { planned: plannedReplacement(proposed, config), requiresReplace: [reason === 'expired' ? A.expiresAt : A.rotateAt] };

    // In place: a new token takes this one's place; this one joins retired_tokens until the grace ends.
    await preflightCreate(config, ctx);
    const rotating = plannedCreate(proposed, config);
    const retiring: RetiredToken = { name, id: isKnown(priorId) ? priorId : null, revokeAfter: UNKNOWN };
    ctx.diagnostics.add(diag.rotatingWithGrace(name, grace));
    return {
      planned: { ...rotating, [A.retiredTokens]: retiredValue([...kept, retiring]), [A.generation]: generationOf(prior) + 1 },
      requiresReplace: [],
    };
  },

  async planDestroy(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
    await preflightDelete(prior, ctx);
  },

  // ---- create -----------------------------------------------------------------------------------

  async create({ planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue | null> {
    // The write-only one is in the configuration only (null in every plan).
    const registerToken = getString(planned, A.registerToken) ?? getString(config, A.registerTokenWo);
    if (isKnown(registerToken)) return redeemGiven(planned, registerToken, ctx);

    const name = createName(planned);
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
          if (created.has(name)) throw new DiagnosticError(diag.nameUsedTwice(name));
          if (reconciled) throw new DiagnosticError(diag.nameTaken(name, ACCESS_TOKEN_RESOURCE));
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
          ctx.diagnostics.add(diag.unknownTokenReplaced(name, step));
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
            diag.createOutcomeUnknown(name, fromClientError(`${operation} (checking whether a lost attempt created it)`, checkErr).detail),
          );
          return unsettledState(planned, name);
        }
        if (removed) ctx.diagnostics.add(diag.lostRedeemRecovered(name));
        continue;
      }
      ctx.api.invalidateList();
      created.add(name);
      return stateOf(planned, issued);
    }
    throw new DiagnosticError(diag.createRetriesExhausted(name, CREATE_ATTEMPTS));
  },

  // ---- read -------------------------------------------------------------------------------------

  async read(state: ObjectValue, ctx: HandlerContext): Promise<ObjectValue | null> {
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
      ctx.diagnostics.add(diag.cannotRefresh(name, 'no provider token is configured and the state holds no value to authenticate with'));
      return state;
    }
    if (!info) {
      ctx.diagnostics.add(diag.tokenGone(ACCESS_TOKEN_RESOURCE, name));
      return null;
    }
    return refreshed(withGeneration(state), info);
  },

  // ---- update -----------------------------------------------------------------------------------

  async update({ prior, planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
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
    const created = await accessToken.create({ prior: null, planned, config }, ctx);
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
  },

  // ---- delete -----------------------------------------------------------------------------------

  async delete(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
    const name = String(getString(prior, A.name));
    const operation = `delete the access token ${JSON.stringify(name)}`;
    const value = getString(prior, A.value);
    let api: TokenApi;
    if (ctx.api.hasToken) {
      api = ctx.api.admin(operation);
    } else if (isKnown(value) && getString(prior, A.role) === 'admin') {
      // An Administrator token can delete itself.
      api = ctx.api.as(value);
    } else {
      throw new DiagnosticError(diag.missingAdminToken(operation));
    }
    // Retired tokens (previous_token_grace) go too: destroy leaves nothing behind.
    for (const t of retiredOf(prior)) await deleteByName(t.name, t.id, ctx, `delete the retired access token ${JSON.stringify(t.name)}`);
    const id = getString(prior, A.id);
    await deleteChecked(api, name, isKnown(id) ? id : null, ctx, operation);
  },

  // ---- import -----------------------------------------------------------------------------------

  async import(id: string, ctx: HandlerContext): Promise<ObjectValue> {
    const name = id.trim();
    const operation = `import the access token ${JSON.stringify(name)}`;
    let info: TokenInfo | undefined;
    try {
      info = await ctx.api.admin(operation).findToken(name);
    } catch (err) {
      throw new DiagnosticError(fromClientError(operation, err));
    }
    if (!info) throw new DiagnosticError(diag.importNotFound(name));
    ctx.diagnostics.add(diag.importedWithoutValue(name));
    const lifetime = info.expiresAt ? (info.expiresAt.getTime() - info.createdAt.getTime()) / 1000 : 0;
    const state: ObjectValue = {
      ...nullState(),
      [A.generation]: FIRST_GENERATION,
      // A lifetime in whole seconds is what `ttl` was, so a configuration with the same ttl plans no change.
      [A.ttl]: Number.isSafeInteger(lifetime) && lifetime > 0 ? formatDuration(lifetime) : null,
    };
    return refreshed(state, info);
  },

  upgrade(_version: number, stored: Record<string, unknown>): ObjectValue {
    // Version 1 is the first; an older state never existed. Keep what fits today's shape.
    return normalizeStored(accessTokenSchema, stored);
  },
} satisfies ResourceHandler & { readonly schema: typeof accessTokenSchema };

// ---- model and pure helpers -----------------------------------------------------------------------

type Attr = keyof typeof accessTokenSchema.attributes;

function nullState(): Record<Attr, Value> {
  return Object.fromEntries(Object.keys(accessTokenSchema.attributes).map((k) => [k, null])) as Record<Attr, Value>;
}

function knownOr<T>(v: Maybe<T>, fallback: T): T {
  return isKnown(v) ? v : fallback;
}

/** The plan of a new token: the API decides the computed values. */
export function plannedCreate(proposed: ObjectValue, config: ObjectValue): ObjectValue {
  const registerToken = redeemedToken(config);
  const out: Record<string, Value> = { ...proposed };
  for (const attr of COMPUTED_BY_API) out[attr] = UNKNOWN;
  const name = getString(config, A.name);
  out[A.name] = name !== null ? name : UNKNOWN;
  const role = getString(config, A.role);
  out[A.role] = role !== null ? role : registerToken !== null ? UNKNOWN : 'user';
  const rotates =
    getString(config, A.rotateAfter) !== null ||
    (getString(config, A.earlyRotationWindow) !== null && (getString(config, A.ttl) !== null || registerToken !== null));
  out[A.rotateAt] = rotates ? UNKNOWN : null;
  out[A.retiredTokens] = [];
  // A replacement's new object is planned (again at apply) with no prior state: it starts over too.
  out[A.generation] = FIRST_GENERATION;
  return out;
}

/** The `generation` of a token's first object (a create, a replacement, an import). */
export const FIRST_GENERATION = 1;

/** A state's generation: a state written before the attribute existed holds null, which counts as the first. */
export function generationOf(state: ObjectValue): number {
  const g = state[A.generation];
  return typeof g === 'number' && Number.isSafeInteger(g) && g >= FIRST_GENERATION ? g : FIRST_GENERATION;
}

/** The state with its generation set (refresh of a state written before the attribute existed). */
function withGeneration(state: ObjectValue): ObjectValue {
  return (state[A.generation] ?? null) === null ? { ...state, [A.generation]: FIRST_GENERATION } : state;
}

/** The plan of an update that replaces the token: as a create, keeping the configured values. */
function plannedReplacement(proposed: ObjectValue, config: ObjectValue): ObjectValue {
  return plannedCreate(proposed, config);
}

/** Whether a replacing input differs between the prior state and the plan. */
export function inputChanged(
  attr: (typeof REPLACING_INPUTS)[number],
  prior: ObjectValue,
  proposed: ObjectValue,
  config: ObjectValue,
): boolean {
  const before = prior[attr] ?? null;
  switch (attr) {
    case A.name:
    case A.role: {
      const configured = getString(config, attr);
      if (configured === UNKNOWN) return true;
      if (configured !== null) return configured !== before;
      // Unset role means "user" unless a registration token decides it; unset name is computed.
      if (attr === A.role && redeemedToken(config) === null) return before !== 'user';
      return false;
    }
    case A.ttl:
      return !sameDuration(getString(proposed, attr), before as string | null);
    case A.rotationTriggers:
      // Import cannot know the triggers (they live only in configuration): an imported token (no value,
      // no triggers in state) adopts the configured ones in place instead of being replaced at once.
      // (A sealed token has no value either, but its sealed_value tells it from an imported one.)
      if (before === null && (prior[A.value] ?? null) === null && (prior[A.sealedValue] ?? null) === null) return false;
      return triggersChanged(before, getStringMap(proposed, attr));
    default:
      return !valuesEqual(proposed[attr] ?? null, before);
  }
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

/** The configured name, or the prefix plus a random suffix. */
function createName(planned: ObjectValue): string {
  const name = getString(planned, A.name);
  if (isKnown(name)) return name;
  const prefix = getString(planned, A.namePrefix);
  return `${isKnown(prefix) ? prefix : ''}${randomSuffix()}`;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function randomSuffix(length: number = NAME_PREFIX_SUFFIX_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** The state of a freshly issued token. */
function stateOf(planned: ObjectValue, issued: IssuedAccessToken): ObjectValue {
  return refreshed({ ...planned, [A.value]: issued.value.reveal() }, issued);
}

/** The state with the API's view of the token (value and inputs kept). */
function refreshed(state: ObjectValue, info: TokenInfo): ObjectValue {
  // The API's metadata is the same set of attributes the mlp_token data source reads.
  const next: Record<string, Value> = { ...state, ...tokenInfoValue(info) };
  const rotateAt = rotateAtOf(next, next);
  next[A.rotateAt] = rotateAt === UNKNOWN ? null : formatTime(rotateAt);
  return next;
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
  if (me.name === name) throw new DiagnosticError(diag.nameIsProviderCredential(name));
}

/** After a lost redeem answer: delete the token if the lost request created it; `true` if it did. Throws the client's error. */
async function removeOrphan(api: TokenApi, name: string): Promise<boolean> {
  const existing = await api.findToken(name);
  if (!existing) return false;
  await api.deleteToken(name);
  return true;
}

/** Whether an API error says the provider token lacks the Administrator scope (a User token). */
function lacksManageScope(err: unknown): boolean {
  return err instanceof MlpForbiddenError && err.reason === 'missing-scope';
}

/** Deletes the token `name` with the provider token, if it still has `id` (see {@link deleteChecked}). */
async function deleteByName(name: string, id: string | null, ctx: HandlerContext, operation: string): Promise<void> {
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
        ctx.diagnostics.add(diag.deleteSkippedSuccessor(name, id, current.id));
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
  if (config[A.replaceExisting] !== true) throw new DiagnosticError(diag.existingTokenNotManaged(existing, ACCESS_TOKEN_RESOURCE));
  if (existing.name === me.name) throw new DiagnosticError(diag.nameIsProviderCredential(name));
  ctx.diagnostics.add(diag.existingTokenWillBeReplaced(existing));
}

/** A plan that deletes `prior` (destroy, or the first half of a replacement): the credentials must be able to. */
async function preflightDelete(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
  if (!ctx.api.settingsKnown) return;
  const operation = `delete the access token ${JSON.stringify(String(getString(prior, A.name)))}`;
  if (ctx.api.hasToken) {
    await requireAdministrator(ctx, operation);
    return;
  }
  // Without a provider token, only an Administrator token can delete, itself (see delete).
  if (isKnown(getString(prior, A.value)) && getString(prior, A.role) === 'admin') return;
  throw new DiagnosticError(diag.missingAdminToken(operation));
}

/** The diagnostic for a 409 at create without the opt-in: the token of that name, described if it can be found. */
async function describeTaken(api: TokenApi, name: string): Promise<Diagnostic> {
  let existing: TokenInfo | undefined;
  try {
    existing = await api.findToken(name);
  } catch {
    existing = undefined;
  }
  return existing ? diag.existingTokenNotManaged(existing, ACCESS_TOKEN_RESOURCE) : diag.nameTaken(name, ACCESS_TOKEN_RESOURCE);
}

/**
 * The state of a token that may or may not exist: its name, no value, nothing the API decides.
 * Returned with an error, Terraform records it tainted, and the next apply deletes and recreates it.
 */
function unsettledState(planned: ObjectValue, name: string): ObjectValue {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(planned)) out[k] = v === UNKNOWN ? null : v;
  for (const attr of COMPUTED_BY_API) out[attr] = null;
  out[A.name] = name;
  out[A.rotateAt] = null;
  if (out[A.role] === null) out[A.role] = 'user';
  return out;
}

/** Create from a registration token someone else minted (no provider token needed). */
async function redeemGiven(planned: ObjectValue, registerToken: string, ctx: HandlerContext): Promise<ObjectValue> {
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
      throw new DiagnosticError(diag.lostRedeemUnrecoverable(isKnown(configuredName) ? configuredName : undefined, cleanedUp));
    }
  }
  ctx.api.invalidateList();
  const state = stateOf(planned, issued);
  // The registration token fixes name and role; if the configuration said otherwise, keep the token
  // (it exists) and report the mismatch, which taints it.
  for (const attr of [A.name, A.role] as const) {
    const configured = getString(planned, attr);
    const actual = String(getString(state, attr));
    if (isKnown(configured) && configured !== actual) ctx.diagnostics.add(diag.registerTokenMismatch(attr, configured, actual));
  }
  return state;
}

function redeemFailure(err: unknown, operation: string): DiagnosticError {
  if (err instanceof MlpForbiddenError) return new DiagnosticError(diag.registerTokenUnusable());
  return new DiagnosticError(fromClientError(operation, err));
}
