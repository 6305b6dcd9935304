/**
 * `mlp_access_token`: an MLP access token, created by an Administrator (mint a short-lived
 * registration token, redeem it at once) or redeemed from a registration token someone else minted.
 *
 * One file per job, in the order of terraform-provider-time's `resource_time_rotating.go`: schema
 * (with its validation and plan rules, applied by the provider's schema engine), plan, create, read,
 * update, delete, import, and the messages. Rotation is decided at plan time against
 * the API's clock (grafana's rotating token); a token gone from the API leaves the state with a
 * warning, and a 404 on delete is success.
 *
 * A plan that creates with a fixed name fails when a token the state does not hold has that name,
 * unless `replace_existing` says to replace it (see `preflight.ts`); with `previous_token_grace` a
 * rotation is an in-place update that keeps the old token working for a while (see `overlap.ts`).
 */
import { ACCESS_TOKEN_RESOURCE } from '../../../constants';
import type { ObjectValue } from '../../codec';
import type { ResourceHandler } from '../../handler';
import { normalizeStored } from '../../values';
import { createAccessToken } from './create';
import { deleteAccessToken } from './delete';
import { planAccessToken, planAccessTokenDestroy } from './plan';
import { importAccessToken, readAccessToken } from './read';
import { accessTokenSchema } from './schema';
import { updateAccessToken } from './update';

export { accessTokenSchema } from './schema';
export { CREATE_ATTEMPTS, CREATE_REGISTER_TOKEN_TTL } from './create';
export { deleterOf } from './delete';
export { removeOrphan } from './redeem';
export { computeRotateAt, plannedCreate, rotateAtOf } from './plan';

export const accessToken = {
  typeName: ACCESS_TOKEN_RESOURCE,
  schema: accessTokenSchema,
  plan: planAccessToken,
  planDestroy: planAccessTokenDestroy,
  create: createAccessToken,
  read: readAccessToken,
  update: updateAccessToken,
  delete: deleteAccessToken,
  import: importAccessToken,

  upgrade(_version: number, stored: Record<string, unknown>): ObjectValue {
    // Version 1 is the first; an older state never existed. Keep what fits today's shape.
    return normalizeStored(accessTokenSchema, stored);
  },
} satisfies ResourceHandler & { readonly schema: typeof accessTokenSchema };
