/**
 * `ephemeral "mlp_access_token"`: a short-lived access token that exists only while a Terraform run
 * uses it (Terraform 1.10+). Open mints it (as an Administrator, or by redeeming a `register_token`),
 * close deletes it; its value never enters a plan or a state, so it can configure another provider
 * (an aliased `mlp` provider, say), a provisioner, a connection or a write-only argument.
 *
 * Terraform opens an ephemeral resource at plan AND again at apply (each run closes what it opened),
 * so every plan mints a token of its own. Three rules keep that safe: the name is `name_prefix` plus a
 * random suffix (overlapping runs never clash); `ttl` is required and at most
 * {@link EPHEMERAL_MAX_TTL}, so a run killed before close leaves only tokens that expire by themselves
 * soon; and close deletes by name only after checking the id (the API deletes by name, and a name
 * could have been taken over). MLP tokens need no renewal: open never asks for one, and renew, if it
 * is called anyway, hands the private data back unchanged.
 */
import { EPHEMERAL_ACCESS_TOKEN_ATTRS as A, ACCESS_TOKEN_RESOURCE, EPHEMERAL_MAX_TTL, EPHEMERAL_NAME_PREFIX } from '../../constants';
import { formatDuration, parseDuration } from '../../contract/duration';
import { MlpConflictError, MlpError, MlpForbiddenError } from '../../client/errors';
import type { IssuedAccessToken, TokenInfo } from '../../client/types';
import type { ObjectValue } from '../codec';
import { tokenInfoValue } from '../data-sources/token';
import { DiagnosticError, fromClientError } from '../diagnostics';
import type { EphemeralResourceHandler, HandlerContext, OpenResult, TokenApi } from '../handler';
import { deleterOf, removeOrphan } from '../resources/access-token';
import { type BlockSchema, INITIAL_SCHEMA_VERSION, conflicting, duration, durationAtMost, notBlank } from '../schema';
import { createName, tokenNamePrefix, tokenRole } from '../resources/rules';
import { secretsDiag } from '../secrets-diagnostics';
import { formatTime, getString, isKnown } from '../values';

/** Lifetime of the registration token minted for the immediate redeem. */
const OPEN_REGISTER_TOKEN_TTL = '5m';
/** How often open picks a new random name after a (most unlikely) clash. */
const OPEN_ATTEMPTS = 3;
/** Slack for the redeemed token's lifetime check: the API rounds to the second. */
const LIFETIME_SLACK_S = 5;

export const ephemeralAccessTokenSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'A short-lived ML Platform access token that exists only while a Terraform run uses it: minted when Terraform opens it, deleted when Terraform closes it, its value never in a plan or state. ' +
    'Terraform opens ephemeral resources at plan and again at apply, so each plan and each apply mints (and deletes) a token of its own. ' +
    `\`ttl\` (at most ${EPHEMERAL_MAX_TTL}) bounds what a killed run leaves behind. MLP tokens need no renewal.`,
  attributes: {
    name_prefix: {
      type: 'string',
      optional: true,
      description: `The token's name begins with this (default \`${EPHEMERAL_NAME_PREFIX}\`); random characters are appended, so overlapping runs never clash.`,
      validators: [tokenNamePrefix],
    },
    role: {
      type: 'string',
      optional: true,
      computed: true,
      description: 'The role of the token: default `user`; with `register_token`, the role the registration token carries.',
      validators: [tokenRole],
    },
    ttl: {
      type: 'string',
      required: true,
      description: `The token's lifetime: it expires by itself then, even if no close deletes it. With \`register_token\`, the redeemed token must expire within it.`,
      validators: [duration(), durationAtMost(EPHEMERAL_MAX_TTL, secretsDiag.ephemeralTtlTooLong)],
    },
    register_token: {
      type: 'string',
      optional: true,
      sensitive: true,
      description:
        'A registration token to redeem instead of minting as an Administrator (no provider token needed to open; close deletes the token only when the provider has an Administrator token). ' +
        'A registration token works once, and Terraform opens an ephemeral resource at plan and again at apply (a plain `terraform apply` opens twice): only a run that opens once, such as `terraform plan`, can use it. For applies, leave it out and let the provider mint the token as an Administrator.',
      validators: [notBlank('Set it to a registration token value, or remove it to mint the token as an Administrator')],
    },
    id: { type: 'string', computed: true, description: "The token's id in the API." },
    name: { type: 'string', computed: true, description: "The token's name." },
    value: { type: 'string', computed: true, sensitive: true, description: "The token's value (ephemeral: never in a plan or state)." },
    issuer_name: { type: 'string', computed: true, description: 'Who issued the token.' },
    created_at: { type: 'string', computed: true, description: 'When the token was created (RFC 3339).' },
    expires_at: { type: 'string', computed: true, description: 'When the token expires (RFC 3339).' },
  },
  validators: [conflicting(A.namePrefix, A.registerToken, 'the registration token fixes the name')],
} as const satisfies BlockSchema;

/** What close needs, kept by Terraform between open and close. Never the value. */
export interface EphemeralPrivate {
  readonly v: 1;
  readonly id: string;
  readonly name: string;
  readonly expiresAt: string | null;
}

export const ephemeralAccessToken = {
  typeName: ACCESS_TOKEN_RESOURCE,
  schema: ephemeralAccessTokenSchema,

  async open(config: ObjectValue, ctx: HandlerContext): Promise<OpenResult> {
    const ttl = String(getString(config, A.ttl));
    const registerToken = getString(config, A.registerToken);
    const issued = isKnown(registerToken) ? await redeemGiven(registerToken, ttl, ctx) : await mintAsAdmin(config, ttl, ctx);
    ctx.api.invalidateList();
    ctx.log(`opened ephemeral token ${issued.name} (id ${issued.id}, expires ${formatTime(issued.expiresAt) ?? 'never'})`);
    const priv: EphemeralPrivate = { v: 1, id: issued.id, name: issued.name, expiresAt: formatTime(issued.expiresAt) };
    return {
      result: { ...config, ...tokenInfoValue(issued), [A.value]: issued.value.reveal() },
      private: Buffer.from(JSON.stringify(priv)),
    };
  },

  async renew(priv: Buffer | undefined): Promise<Buffer | undefined> {
    // Never asked for (open sets no renew_at): an MLP token stays valid until it expires or is deleted.
    return priv;
  },

  async close(priv: Buffer | undefined, ctx: HandlerContext): Promise<void> {
    if (!priv || priv.length === 0) return;
    const token = parsePrivate(priv);
    if (!token) throw new DiagnosticError(secretsDiag.ephemeralPrivateUnreadable());
    if (!ctx.api.hasToken) {
      ctx.diagnostics.add(
        secretsDiag.ephemeralNotDeleted(token.name, token.expiresAt, 'the provider has no Administrator token to delete it with'),
      );
      return;
    }
    const operation = `delete the ephemeral access token ${JSON.stringify(token.name)}`;
    try {
      const api = ctx.api.admin(operation);
      const current = await api.findToken(token.name);
      if (!current) {
        ctx.log(`ephemeral token ${token.name} already gone`);
        return;
      }
      if (current.id !== token.id) {
        ctx.diagnostics.add(secretsDiag.ephemeralSuccessor(token.name, token.id, current.id));
        return;
      }
      await api.deleteToken(token.name);
      ctx.api.invalidateList();
      ctx.log(`closed ephemeral token ${token.name}: deleted`);
    } catch (err) {
      if (err instanceof MlpForbiddenError) {
        ctx.diagnostics.add(secretsDiag.ephemeralNotDeleted(token.name, token.expiresAt, fromClientError(operation, err).summary));
        return;
      }
      throw new DiagnosticError(fromClientError(operation, err));
    }
  },
} satisfies EphemeralResourceHandler;

/** Mint a registration token and redeem it at once, under a fresh random name. */
async function mintAsAdmin(config: ObjectValue, ttl: string, ctx: HandlerContext): Promise<IssuedAccessToken> {
  const prefix = getString(config, A.namePrefix);
  const role = getString(config, A.role) === 'admin' ? 'admin' : 'user';
  for (let attempt = 1; ; attempt++) {
    const name = createName(null, prefix, EPHEMERAL_NAME_PREFIX);
    const operation = `open the ephemeral access token ${JSON.stringify(name)}`;
    const api = ctx.api.admin(operation);
    try {
      const minted = await api.mintRegisterToken({ clientName: name, accessTtl: OPEN_REGISTER_TOKEN_TTL, refreshTtl: ttl, role });
      return await api.redeemRegisterToken(minted.value);
    } catch (err) {
      if (err instanceof MlpConflictError && attempt < OPEN_ATTEMPTS) continue;
      if (err instanceof MlpError && err.outcomeUnknown && err.route === 'redeem') await removeLost(api, name, ctx);
      throw new DiagnosticError(fromClientError(operation, err));
    }
  }
}

/** A redeem whose answer was lost may have created the token: nobody holds its value, remove it. */
async function removeLost(api: TokenApi, name: string, ctx: HandlerContext): Promise<void> {
  try {
    await removeOrphan(api, name);
  } catch (err) {
    ctx.log(`could not check whether the lost redeem created ${name}: ${fromClientError('check', err).summary}; it expires within its ttl`);
  }
}

/** Redeem the given registration token; the token it makes must expire within `ttl`. */
async function redeemGiven(registerToken: string, ttl: string, ctx: HandlerContext): Promise<IssuedAccessToken> {
  let issued: IssuedAccessToken;
  try {
    issued = await ctx.api.anonymous().redeemRegisterToken(registerToken);
  } catch (err) {
    if (err instanceof MlpForbiddenError) throw new DiagnosticError(secretsDiag.ephemeralRegisterTokenRefused());
    throw new DiagnosticError(fromClientError('redeem the registration token', err));
  }
  const lifetimeS = lifetimeOf(issued);
  if (lifetimeS !== null && lifetimeS <= parseDuration(ttl) + LIFETIME_SLACK_S) return issued;
  const deleted = await deleteIfPossible(issued, ctx);
  throw new DiagnosticError(
    secretsDiag.ephemeralRedeemedTooLong(
      issued.name,
      lifetimeS === null ? 'never expires' : `lives ${formatDuration(lifetimeS)}`,
      ttl,
      deleted,
    ),
  );
}

function lifetimeOf(info: TokenInfo): number | null {
  if (info.expiresAt === null) return null;
  return Math.round((info.expiresAt.getTime() - info.createdAt.getTime()) / 1000);
}

async function deleteIfPossible(token: IssuedAccessToken, ctx: HandlerContext): Promise<boolean> {
  try {
    // An Administrator token can delete itself; otherwise the provider's token must.
    const deleter = deleterOf(ctx, token.value.reveal(), token.role);
    if (!deleter) return false;
    await deleter.client('delete the redeemed token').deleteToken(token.name);
    return true;
  } catch {
    return false;
  }
}

function parsePrivate(priv: Buffer): EphemeralPrivate | undefined {
  try {
    const parsed = JSON.parse(priv.toString('utf8')) as Partial<EphemeralPrivate>;
    if (parsed.v !== 1 || typeof parsed.id !== 'string' || typeof parsed.name !== 'string') return undefined;
    return { v: 1, id: parsed.id, name: parsed.name, expiresAt: typeof parsed.expiresAt === 'string' ? parsed.expiresAt : null };
  } catch {
    return undefined;
  }
}
