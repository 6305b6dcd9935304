/**
 * The named diagnostics of the secrets-out-of-state features (the ephemeral access token, write-only
 * inputs, sealed values), beside the provider's main set in `diagnostics/messages.ts`: the same
 * shape, the same redaction on the way out (every diagnostic passes `toProtoDiagnostic`).
 */
import { type Diagnostic, errorDiagnostic as error, warningDiagnostic as warning } from './diagnostics/model';

export const secretsDiag = {
  // ---- write-only attributes ----
  writeOnlyNotSupported(attribute: string, typeName: string): Diagnostic {
    return error(
      `${attribute} needs Terraform 1.11 or later`,
      `${attribute} of ${typeName} is write-only: Terraform must keep it out of the plan and the state, and this Terraform did not announce that it can (write-only attributes came with Terraform 1.11). ` +
        'Upgrade Terraform to 1.11 or later, or use the plain attribute without the _wo suffix (whose value is stored in the state).',
      [attribute],
    );
  },

  // ---- sealed values ----
  sealToChangedInPlace(sealed: boolean): Diagnostic {
    return warning(
      'seal_to changed: the token is not re-sealed',
      (sealed
        ? 'The state keeps the value sealed to the recipients the token was created with. '
        : 'The state keeps the value as it is. ') +
        "The API shows a token's value only once, at creation, so the provider cannot seal it again to other recipients. To seal a value to the new recipients, rotate the token: change rotation_triggers (or run terraform apply -replace=<address>).",
      ['seal_to'],
    );
  },
  sealFailed(why: string): Diagnostic {
    return error(
      "Could not seal the token's value",
      `The token was created, but sealing its value to seal_to failed: ${why}. The state keeps the token without its value (never unsealed), and Terraform marks it tainted, so the next apply replaces it. Check the seal_to recipients.`,
      ['seal_to'],
    );
  },

  // ---- ephemeral access token ----
  ephemeralTtlTooLong(ttl: string, max: string): Diagnostic {
    return error(
      'Invalid ttl',
      `ttl ${JSON.stringify(ttl)} is longer than ${max}, the most an ephemeral token may live. An ephemeral token is deleted when Terraform closes it; its ttl bounds what a killed run can leave behind. ` +
        'Use a shorter ttl (long enough for the plan or apply that uses it), or a managed mlp_access_token for a long-lived token.',
      ['ttl'],
    );
  },
  ephemeralRedeemedTooLong(name: string, lifetime: string, ttl: string, deleted: boolean): Diagnostic {
    return error(
      'The registration token makes a token that outlives ttl',
      `Redeeming register_token created the access token ${JSON.stringify(name)}, which ${lifetime}; ttl is ${ttl}. An ephemeral token must expire by itself within its ttl, so that a run killed before Close leaves nothing long-lived. ` +
        (deleted
          ? 'The provider deleted that token again. '
          : 'The provider could not delete it (no Administrator token is configured): an Administrator must delete it. ') +
        'Mint the registration token with access_token_ttl no longer than ttl.',
      ['register_token'],
    );
  },
  ephemeralRegisterTokenRefused(): Diagnostic {
    return error(
      'Registration token cannot be redeemed',
      'The API refused register_token: it was redeemed already, it expired, or it is not a registration token of this project. ' +
        'Terraform opens an ephemeral resource at plan and again at apply (a plain terraform apply opens it twice), and a registration token works once, so the second open of a run always meets a used one. ' +
        'Use register_token only for runs that open once (terraform plan); for applies, leave it out and let the provider mint the ephemeral token with its Administrator token.',
      ['register_token'],
    );
  },
  ephemeralNotDeleted(name: string, expiresAt: string | null, why: string): Diagnostic {
    return warning(
      'Ephemeral token left to expire',
      `The ephemeral access token ${JSON.stringify(name)} was not deleted at close: ${why}. It expires by itself ${expiresAt ? `at ${expiresAt}` : 'at the end of its ttl'}.`,
    );
  },
  ephemeralSuccessor(name: string, id: string, currentId: string): Diagnostic {
    return warning(
      'Left the token of that name alone: it is not the ephemeral one',
      `The ephemeral access token ${JSON.stringify(name)} had id ${id}, but the token of that name in the project now has id ${currentId}. The API deletes tokens by name, so deleting would delete the other token; nothing was deleted.`,
    );
  },
  ephemeralPrivateUnreadable(): Diagnostic {
    return error(
      'Cannot close the ephemeral access token',
      'Terraform handed back private data this provider did not write (a different provider version between open and close?). Nothing was deleted; the token expires by itself within its ttl.',
    );
  },
};
