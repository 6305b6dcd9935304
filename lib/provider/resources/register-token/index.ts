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
 * One file per job: schema (with its rules), plan, mint (create and update), the destroy notice.
 */
import { REGISTER_TOKEN_RESOURCE } from '../../../constants';
import type { ObjectValue } from '../../codec';
import { DiagnosticError, diag } from '../../diagnostics';
import type { HandlerContext, ResourceHandler } from '../../handler';
import { normalizeStored } from '../../values';
import { destroyNotice } from './destroy-notice';
import { mintRegisterToken, updateRegisterToken } from './mint';
import { withGeneration } from '../generation';
import { planRegisterToken } from './plan';
import { registerTokenSchema } from './schema';

export { registerTokenSchema } from './schema';

export const registerToken = {
  typeName: REGISTER_TOKEN_RESOURCE,
  schema: registerTokenSchema,
  plan: planRegisterToken,

  async planDestroy(): Promise<void> {
    // Destroying only forgets it: no API call needs credentials.
  },

  create: mintRegisterToken,

  async read(state: ObjectValue): Promise<ObjectValue> {
    // Registration tokens are not listed: there is nothing to compare with, and expiry or use is no
    // reason to drop it (see the module comment). A state from before generation existed gets 1.
    return withGeneration(state);
  },

  update: updateRegisterToken,

  async delete(prior: ObjectValue, ctx: HandlerContext): Promise<void> {
    ctx.diagnostics.add(await destroyNotice(prior, ctx));
  },

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
