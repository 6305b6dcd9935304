/**
 * `mlp_register_token`: a one-time registration token, minted by an Administrator, that whoever
 * holds it redeems (with no credentials) for the access token it describes, e.g. with an
 * `mlp_access_token` that sets `register_token` in another working directory.
 *
 * Registration tokens are never listed and cannot be revoked, so the state is the only record of
 * one: it is never recreated because it expired or was redeemed (read keeps it as it is), only
 * re-issued because its inputs or `rotation_triggers` changed; destroy forgets it, with a warning that
 * says what is known: redeemed (its access token exists), expired, or possibly still redeemable.
 *
 * A re-issue is an in-place update (so `generation` counts the issues; a replacement's new object
 * would start over): the plan warns that the old one cannot be revoked, the apply mints the new one
 * and then warns as destroy does. A new one cannot be minted while an access token of its name exists
 * (the API refuses it): so a plan that would mint for a taken name fails at plan, with the way out
 * (`name_prefix`, or a new name).
 *
 * Order: schema, validation, plan, create, read, update, delete, import, then helpers.
 */
import { randomUUID } from 'node:crypto';
import { REGISTER_TOKEN_ATTRS as A, REGISTER_TOKEN_RESOURCE, ROLES } from '../../constants';
import { durationProblem, parseDuration } from '../../contract/duration';
import { MlpConflictError } from '../../client/errors';
import type { MintedRegisterToken } from '../../client/types';
import { NAME_PREFIX_SUFFIX_LENGTH, nameProblem, namePrefixProblem } from '../../contract/validation';
import { type ObjectValue, UNKNOWN, valuesEqual } from '../codec';
import { type Diagnostic, DiagnosticError, diag, fromClientError } from '../diagnostics';
import type { ApplyRequest, HandlerContext, PlanRequest, PlanResult, ResourceHandler, ValidateContext } from '../handler';
import { type BlockSchema, INITIAL_SCHEMA_VERSION } from '../schema';
import { sealAttributes } from '../sealing';
import { formatTime, getString, normalizeStored, getStringMap, isKnown, parseTime, sameDuration, triggersChanged } from '../values';
import { randomSuffix } from './access-token';
import { liveTokenNamed, requireAdministrator } from './preflight';

// ---- schema -------------------------------------------------------------------------------------

export const registerTokenSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'A one-time registration token for an access token of the given name, role and lifetime. Whoever holds it can redeem it once, without credentials, until it expires ' +
    '(`mlp_access_token` with `register_token`). It is not recreated when it expires or is redeemed; change `rotation_triggers` to mint a new one (in place: `generation` counts the issues). It cannot be revoked: destroying or re-issuing it only forgets it.',
  attributes: {
    [A.id]: { type: 'string', computed: true, description: 'A local identifier (registration tokens have no id in the API).' },
    [A.name]: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        'The name of the access token it creates. Changing it mints a new registration token. A new one cannot be minted while an access token of this name exists: to re-issue, use `name_prefix` or a new name. Computed when `name_prefix` is used.',
    },
    [A.namePrefix]: {
      type: 'string',
      optional: true,
      description: `Names the access token it creates with this prefix and ${NAME_PREFIX_SUFFIX_LENGTH} random lowercase letters and digits, new for every registration token minted, so re-issuing (\`rotation_triggers\`) works while the token redeemed from the previous one exists. Conflicts with \`name\`.`,
    },
    [A.role]: {
      type: 'string',
      optional: true,
      computed: true,
      description: 'The role of the access token it creates: `user` (default) or `admin`.',
    },
    [A.accessTokenTtl]: {
      type: 'string',
      optional: true,
      description: 'The lifetime of the access token it creates (Go-style duration). Unset: that token never expires.',
    },
    [A.ttl]: {
      type: 'string',
      required: true,
      description: "The registration token's own lifetime (Go-style duration): it cannot be redeemed after that.",
    },
    [A.rotationTriggers]: {
      type: ['map', 'string'],
      optional: true,
      description: 'Arbitrary values that mint a new registration token when they change.',
    },
    [A.value]: { type: 'string', computed: true, sensitive: true, description: 'The registration token. Null when `seal_to` is set.' },
    ...sealAttributes('registration token'),
    [A.expiresAt]: { type: 'string', computed: true, description: 'When the registration token stops being redeemable (RFC 3339).' },
    [A.generation]: {
      type: 'number',
      computed: true,
      description:
        "Counts the issues: 1 at the first mint, one more at every re-issue (`rotation_triggers` or another input changed). A re-issue is an in-place update, so the number carries over; for pairing with another provider's `*_wo_version`.",
    },
  },
} as const satisfies BlockSchema;

const REPLACING_INPUTS = [A.name, A.namePrefix, A.role, A.accessTokenTtl, A.ttl, A.rotationTriggers] as const;

export const registerToken = {
  typeName: REGISTER_TOKEN_RESOURCE,
  schema: registerTokenSchema,

  // ---- validation -------------------------------------------------------------------------------

  validate(config: ObjectValue, ctx: ValidateContext): void {
    const name = getString(config, A.name);
    const prefix = getString(config, A.namePrefix);
    if (name !== null && prefix !== null)
      ctx.diagnostics.add(diag.conflictingAttributes(A.name, A.namePrefix, 'name_prefix makes a unique name of its own'));
    if (name === null && prefix === null)
      ctx.diagnostics.add(diag.missingOneOf([A.name, A.namePrefix], 'the registration token creates an access token of that name'));
    if (isKnown(name)) {
      const problem = nameProblem(name);
      if (problem) ctx.diagnostics.add(diag.invalidAttribute([A.name], problem));
    }
    if (isKnown(prefix)) {
      const problem = namePrefixProblem(prefix);
      if (problem) ctx.diagnostics.add(diag.invalidAttribute([A.namePrefix], problem));
    }
    const role = getString(config, A.role);
    if (isKnown(role) && !(ROLES as readonly string[]).includes(role)) {
      ctx.diagnostics.add(diag.invalidAttribute([A.role], `${JSON.stringify(role)} is not a role`, 'Use "user" or "admin"'));
    }
    for (const attr of [A.ttl, A.accessTokenTtl]) {
      const v = getString(config, attr);
      if (!isKnown(v)) continue;
      const problem = durationProblem(v);
      if (problem) ctx.diagnostics.add(diag.invalidAttribute([attr], problem));
    }
  },

  // ---- plan -------------------------------------------------------------------------------------

  async plan({ prior, proposed, config }: PlanRequest, ctx: HandlerContext): Promise<PlanResult> {
    const fresh = (): ObjectValue => ({
      ...proposed,
      [A.id]: UNKNOWN,
      [A.name]: getString(config, A.name) ?? UNKNOWN,
      [A.value]: UNKNOWN,
      [A.expiresAt]: UNKNOWN,
      [A.role]: getString(config, A.role) ?? 'user',
      [A.generation]: FIRST_GENERATION,
    });
    if (prior === null) {
      await preflightMint(config, ctx);
      return { planned: fresh(), requiresReplace: [] };
    }
    const reissue = REPLACING_INPUTS.filter((attr) => changed(attr, prior, proposed, config));
    // Expired or redeemed is no reason: nothing can be known about either, and a new one would
    // only matter to whoever redeems it, who asks for it through rotation_triggers.
    if (reissue.length === 0) return { planned: { ...proposed, [A.role]: prior[A.role] ?? 'user' }, requiresReplace: [] };
    // A re-issue is an in-place update (a replacement's new object would know nothing of this one,
    // so generation could not carry over): the apply mints anew, and the plan says what becomes of
    // the old one, which cannot be revoked. A refused mint fails here, leaving the old one in the state.
    await preflightMint(config, ctx);
    const generation = generationOf(prior) + 1;
    ctx.diagnostics.add(
      diag.registerTokenReissued(
        String(getString(prior, A.name)),
        formatTime(parseTime(getString(prior, A.expiresAt))) ?? 'its expiry',
        generation,
      ),
    );
    return { planned: { ...fresh(), [A.generation]: generation }, requiresReplace: [], reissues: true };
  },

  async planDestroy(): Promise<void> {
    // Destroying only forgets it: no API call needs credentials.
  },

  // ---- create -----------------------------------------------------------------------------------

  async create({ planned }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
    const fixed = getString(planned, A.name);
    const prefix = getString(planned, A.namePrefix);
    const name = isKnown(fixed) ? fixed : `${isKnown(prefix) ? prefix : ''}${randomSuffix()}`;
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
      if (err instanceof MlpConflictError) throw new DiagnosticError(diag.registerTokenNameTaken(name, undefined));
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
  },

  // ---- read -------------------------------------------------------------------------------------

  async read(state: ObjectValue): Promise<ObjectValue> {
    // Registration tokens are not listed: there is nothing to compare with, and expiry or use is no
    // reason to drop it (see the module comment). A state from before generation existed gets 1.
    return (state[A.generation] ?? null) === null ? { ...state, [A.generation]: FIRST_GENERATION } : state;
  },

  // ---- update -----------------------------------------------------------------------------------

  async update({ prior, planned, config }: ApplyRequest, ctx: HandlerContext): Promise<ObjectValue> {
    // A respelled duration of the same length: nothing changes in the API.
    if (planned[A.id] !== UNKNOWN) return planned;
    // A re-issue: mint first (a refused mint keeps the old one in the state), then say what is
    // known of the old one, as destroy does.
    const minted = await registerToken.create({ prior: null, planned, config }, ctx);
    ctx.diagnostics.add(await destroyNotice(prior!, ctx));
    return minted;
  },

  // ---- delete -----------------------------------------------------------------------------------

  async delete(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
    ctx.diagnostics.add(await destroyNotice(prior, ctx));
  },

  // ---- import -----------------------------------------------------------------------------------

  async import(): Promise<ObjectValue> {
    throw new DiagnosticError(
      diag.notImportable(
        REGISTER_TOKEN_RESOURCE,
        'Registration tokens are not listed by the API and their value is shown only when minted, so there is nothing to import. Let Terraform mint a new one.',
      ),
    );
  },

  upgrade(_version: number, stored: Record<string, unknown>): ObjectValue {
    return normalizeStored(registerTokenSchema, stored);
  },
} satisfies ResourceHandler & { readonly schema: typeof registerTokenSchema };

// ---- helpers ------------------------------------------------------------------------------------

/** The `generation` of the first registration token a resource mints. */
const FIRST_GENERATION = 1;

/** A state's generation: a state written before the attribute existed holds null, which counts as the first. */
function generationOf(state: ObjectValue): number {
  const g = state[A.generation];
  return typeof g === 'number' && Number.isSafeInteger(g) && g >= FIRST_GENERATION ? g : FIRST_GENERATION;
}

function changed(attr: (typeof REPLACING_INPUTS)[number], prior: ObjectValue, proposed: ObjectValue, config: ObjectValue): boolean {
  const before = prior[attr] ?? null;
  switch (attr) {
    case A.role: {
      const configured = getString(config, A.role);
      if (configured === UNKNOWN) return true;
      return (configured ?? 'user') !== before;
    }
    case A.ttl:
    case A.accessTokenTtl:
      return !sameDuration(getString(proposed, attr), before as string | null);
    case A.rotationTriggers:
      return triggersChanged(before, getStringMap(proposed, attr));
    default:
      return !valuesEqual(proposed[attr] ?? null, before);
  }
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
  if (existing) throw new DiagnosticError(diag.registerTokenNameTaken(name, existing));
}

/** Slack for comparing the API's creation time of a token with a mint time derived from expiry and ttl. */
const MINT_TIME_SLACK_MS = 5_000;

/**
 * What destroying a registration token means, from what can be known: the API never lists them, but
 * the access token one creates is listed once it was redeemed. Never fails the destroy.
 */
async function destroyNotice(prior: ObjectValue, ctx: HandlerContext): Promise<Diagnostic> {
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
        return diag.registerTokenRedeemed(name, formatTime(made.createdAt)!);
      if (made) checked = false; // a token older than the mint: nothing can be said about this one
    } catch (err) {
      ctx.log(`could not check whether the registration token for ${name} was redeemed: ${fromClientError('list tokens', err).summary}`);
    }
  }
  await ctx.api.syncClock();
  if (expiresAt && ctx.clock.now() >= expiresAt) return diag.registerTokenExpired(name, expiry);
  return diag.registerTokenNotRevocable(name, expiry, checked ? 'no-token-of-that-name' : 'not-checked');
}
