/**
 * The named diagnostics of `mlp_access_token` (its create and redeem, its plan's rotations, read and
 * import), beside the resource; the shared ones (attributes, credentials, API errors) are in
 * `diagnostics/messages.ts`, with the same shape and the same redaction on the way out.
 */
import { type Diagnostic, errorDiagnostic as error, warningDiagnostic as warning } from '../../diagnostics/model';
import { type ExistingToken, describeExisting } from '../../diagnostics/existing-token';

export const accessTokenDiag = {
  nameTaken(name: string, resourceType: string): Diagnostic {
    return error(
      'MLP token name already in use',
      `An access token named ${JSON.stringify(name)} already exists in the project. Choose another name (or use name_prefix for a unique one), delete the existing token, or bring it under Terraform with \`terraform import ${resourceType}.<name> ${name}\`.`,
      ['name'],
    );
  },
  /** A create needs a name that a token outside the state holds (plan time, or a 409 at apply without the opt-in). */
  existingTokenNotManaged(existing: ExistingToken, resourceType: string): Diagnostic {
    return error(
      'An MLP token of that name exists outside this state',
      `An access token named ${JSON.stringify(existing.name)} already exists in the project (${describeExisting(existing)}), and the Terraform state does not hold it. ` +
        'Creating this resource needs that name (names are unique), and the provider never deletes a token the state does not hold unless told to. Nothing was changed. Choose one: ' +
        `bring it under Terraform with \`terraform import ${resourceType}.<address> ${existing.name}\` (the API never shows a value again, so the state will hold none); ` +
        'give this resource another name (or use name_prefix); ' +
        'or, if this configuration made that token in a run that was interrupted before it could record it, set `replace_existing = true` on this resource to let the provider delete it and create it again.',
      ['name'],
    );
  },
  existingTokenWillBeReplaced(existing: ExistingToken): Diagnostic {
    return warning(
      'An MLP token outside the state will be replaced',
      `An access token named ${JSON.stringify(existing.name)} already exists in the project (${describeExisting(existing)}), and the Terraform state does not hold it. ` +
        "This resource sets replace_existing = true, so the apply deletes that token and creates this resource's token in its place: whoever uses the existing token loses access. " +
        `If that is not intended, remove replace_existing and import the token instead (\`terraform import mlp_access_token.<address> ${existing.name}\`).`,
      ['replace_existing'],
    );
  },
  registerTokenUnusable(): Diagnostic {
    return error(
      'Registration token cannot be redeemed',
      'The API refused the registration token: it was already used, it expired, or it is not a registration token of this project. A registration token works once and only until it expires: mint a new one (for example by changing rotation_triggers of the mlp_register_token that makes it) and set register_token to it.',
      ['register_token'],
    );
  },
  registerTokenMismatch(attribute: 'name' | 'role', configured: string, actual: string): Diagnostic {
    return error(
      `Registration token made a token with a different ${attribute}`,
      `The configuration says ${attribute} = ${JSON.stringify(configured)}, but the registration token created an access token with ${attribute} ${JSON.stringify(actual)} (a registration token fixes the name and role). The token was created and is in the state, marked tainted; remove ${attribute} from the configuration or set it to ${JSON.stringify(actual)}.`,
      [attribute],
    );
  },
  lostRedeemRecovered(name: string): Diagnostic {
    return warning(
      'Recovered from a lost answer',
      `The answer to redeeming the registration token for ${JSON.stringify(name)} was lost, and the token had been created. Nobody could hold its value, so the provider deleted it and created it again with a fresh registration token.`,
    );
  },
  lostRedeemUnrecoverable(name: string | undefined, cleanedUp: boolean): Diagnostic {
    const who = name ? `the access token ${JSON.stringify(name)}` : 'the access token';
    return error(
      'Registration token used, but its answer was lost',
      `The answer to redeeming the registration token was lost, and a retry was refused: the first attempt probably created ${who}, with a value nobody received. ${
        cleanedUp
          ? 'The provider deleted that token, so nothing is left behind.'
          : 'An administrator should delete that token (it cannot be used by anyone).'
      } Mint a new registration token and apply again.`,
      ['register_token'],
    );
  },
  /** A create found the name taken by a token this state does not hold: it was ours to reconcile. */
  unknownTokenReplaced(name: string, at: 'mint' | 'redeem'): Diagnostic {
    return warning(
      'Replaced an MLP token that the state did not know',
      `Creating the access token ${JSON.stringify(name)} found a token with that name already in the project (409 Conflict at ${at}), and the Terraform state does not hold it. ` +
        'Names are unique and this configuration names the token, so the provider took it as its own, left behind by an earlier run that created it but could not record it (a killed or crashed terraform, a lost answer). ' +
        'Its value was never saved anywhere, so nobody can be using it: the provider deleted it and created the token again. ' +
        `If a token of that name is managed outside this configuration, give this resource another name, or bring the existing one under Terraform with \`terraform import\`.`,
    );
  },
  deleteSkippedSuccessor(name: string, id: string, currentId: string): Diagnostic {
    return warning(
      'Left the token of that name alone: it is not the one in the state',
      `The state holds the access token ${JSON.stringify(name)} with id ${id}, but the token of that name in the project now has id ${currentId}: a successor took the name (a create_before_destroy replacement with a fixed name, a renamed resource, or a create that replaced a token the state did not know). ` +
        'The API deletes tokens by name, so deleting now would delete the successor. The token with the old id is already gone; nothing was deleted.',
    );
  },
  nameIsProviderCredential(name: string): Diagnostic {
    return error(
      "The name belongs to the provider's own token",
      `The access token ${JSON.stringify(name)} already exists, and it is the token the provider is configured with (MLP_TOKEN or the provider's \`token\`). The provider will not replace its own credential. Give this resource another name.`,
      ['name'],
    );
  },
  nameUsedTwice(name: string): Diagnostic {
    return error(
      'Two resources name the same MLP token',
      `The access token ${JSON.stringify(name)} was already created by another resource in this same run. Token names are unique in a project: give each mlp_access_token its own name (or use name_prefix).`,
      ['name'],
    );
  },
  createOutcomeUnknown(name: string, why: string): Diagnostic {
    return error(
      'MLP token may have been created',
      `Creating the access token ${JSON.stringify(name)} ended without knowing whether the token exists, and checking failed: ${why} ` +
        'The resource is kept in the state (marked tainted, without a value) so nothing is left behind: the next apply deletes the token by name, if it exists, and creates it again. Apply again once the API is reachable.',
    );
  },
  createRetriesExhausted(name: string, attempts: number): Diagnostic {
    return error(
      'Could not create the MLP token',
      `Creating ${JSON.stringify(name)} lost its answer ${attempts} times; each orphaned attempt was cleaned up. Check the network path to the MLP API and apply again.`,
    );
  },
  tokenGone(resourceType: string, name: string): Diagnostic {
    return warning(
      'MLP token no longer exists',
      `The access token ${JSON.stringify(name)} of ${resourceType} is gone from the API (deleted outside Terraform, or expired and removed). It was removed from the state; the plan creates a new one.`,
    );
  },
  cannotRefresh(name: string, why: string): Diagnostic {
    return warning(
      'MLP token not refreshed',
      `The access token ${JSON.stringify(name)} was kept as recorded in the state without checking the API: ${why}.`,
    );
  },
  rotationDue(name: string, when: string, reason: 'rotation' | 'expired'): Diagnostic {
    return warning(
      reason === 'expired' ? 'MLP token expired' : 'MLP token due for rotation',
      reason === 'expired'
        ? `The access token ${JSON.stringify(name)} expired at ${when}; the plan replaces it.`
        : `The access token ${JSON.stringify(name)} reached its rotate_at (${when}); the plan replaces it with a new token.`,
    );
  },
  cannotRotateRegistered(name: string, when: string, reason: 'rotation' | 'expired'): Diagnostic {
    return warning(
      reason === 'expired' ? 'MLP token expired' : 'MLP token due for rotation',
      `The access token ${JSON.stringify(name)} ${reason === 'expired' ? 'expired' : 'reached its rotate_at'} at ${when}, but it was created from a registration token, which works only once, so the provider cannot replace it by itself. Mint a new registration token (e.g. change rotation_triggers of its mlp_register_token) and set register_token to it.`,
      ['register_token'],
    );
  },
  rotatingWithGrace(name: string, grace: string): Diagnostic {
    return warning(
      'MLP token rotates in place, with an overlap',
      `A new token replaces ${JSON.stringify(name)} in place; ${JSON.stringify(name)} keeps working for ${grace} (previous_token_grace) and is listed in retired_tokens until then. A plan after that revokes it.`,
    );
  },
  retiredTokenRevoked(name: string, revokeAfter: string, successor: string): Diagnostic {
    return warning(
      'Retired MLP token will be revoked',
      `The grace of the retired access token ${JSON.stringify(name)} ended at ${revokeAfter}: the apply deletes it (it leaves retired_tokens). Its successor ${JSON.stringify(successor)} stays.`,
    );
  },
  importedWithoutValue(name: string): Diagnostic {
    return warning(
      'Imported token has no value',
      `The access token ${JSON.stringify(name)} was imported with its metadata only: the API shows a token's value once, at creation, so value is null in the state. Anything that needs the value needs a new token (taint or replace this resource).`,
      ['value'],
    );
  },
  importNotFound(name: string): Diagnostic {
    return error(
      'MLP token not found',
      `There is no access token named ${JSON.stringify(name)} in the project. Import by the token's name (as shown by the mlp_tokens data source or the console).`,
    );
  },
};
