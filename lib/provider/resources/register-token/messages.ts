/**
 * The named diagnostics of `mlp_register_token` (a taken name, a re-issue, what destroying one
 * means), beside the resource; the shared ones are in `diagnostics/messages.ts`.
 */
import { type Diagnostic, errorDiagnostic as error, warningDiagnostic as warning } from '../../diagnostics/model';
import { type ExistingToken, describeExisting } from '../../diagnostics/existing-token';

export const registerTokenDiag = {
  /** mlp_register_token: the access token it would create already exists, so the API refuses the mint. */
  registerTokenNameTaken(name: string, existing: ExistingToken | undefined): Diagnostic {
    return error(
      'An access token of that name exists',
      `A registration token for ${JSON.stringify(name)} cannot be minted while an access token named ${JSON.stringify(name)} exists${existing ? ` (${describeExisting(existing)})` : ''}: the API refuses it, since names are unique. ` +
        'Nothing was changed, and the registration token in the state (if any) is kept. To issue a new registration token: ' +
        'use name_prefix instead of name, so each issue names a new access token (give the mlp_access_token that redeems it create_before_destroy, so the new token exists before the old one goes); ' +
        `or choose a new name; or delete the access token ${JSON.stringify(name)} first (destroy the mlp_access_token that redeemed it).`,
      ['name'],
    );
  },
  /** Destroying a registration token whose access token exists: it was used; nothing is left to revoke. */
  registerTokenRedeemed(name: string, createdAt: string): Diagnostic {
    return warning(
      'Registration token already redeemed',
      `The access token ${JSON.stringify(name)} this registration token creates exists since ${createdAt}, after the registration token was minted: it was redeemed, and a registration token works once, so there is nothing to revoke. ` +
        `It was removed from the state. The access token ${JSON.stringify(name)} stays; it is managed where it was redeemed.`,
    );
  },
  registerTokenExpired(name: string, expiresAt: string): Diagnostic {
    return warning(
      'Registration token removed from state; it had expired',
      `The registration token for ${JSON.stringify(name)} expired at ${expiresAt}: it can no longer be redeemed, so there is nothing to revoke.`,
    );
  },
  /** A re-issue planned in place: the old registration token cannot be revoked. */
  registerTokenReissued(name: string, expiresAt: string, generation: number): Diagnostic {
    return warning(
      'Registration token re-issued in place',
      `The apply mints a new registration token in place of the one for ${JSON.stringify(name)} (generation ${generation - 1} -> ${generation}); its value replaces the old one in the state. ` +
        `The old one cannot be revoked: if it was not redeemed, it stays redeemable, once, until it expires at ${expiresAt}. If it was exposed, delete the access token ${JSON.stringify(name)} once it appears.`,
    );
  },
  /** Destroying a registration token that may still be redeemed: `known` says whether the API was asked. */
  registerTokenNotRevocable(name: string, expiresAt: string, known: 'no-token-of-that-name' | 'not-checked'): Diagnostic {
    const why =
      known === 'no-token-of-that-name'
        ? `No access token named ${JSON.stringify(name)} exists, so it was not redeemed (or the token it made was deleted since)`
        : "Whether it was redeemed could not be checked (that takes listing the project's tokens with an Administrator token)";
    return warning(
      'Registration token removed from state only',
      `Registration tokens cannot be revoked. ${why}: if not, it stays redeemable, once, until it expires at ${expiresAt}. If it was exposed, delete the access token ${JSON.stringify(name)} once it appears.`,
    );
  },
};
