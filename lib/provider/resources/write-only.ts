/**
 * The write-only way to redeem a registration token (Terraform 1.11+): `register_token_wo` reaches
 * the provider in configuration only, so it is in no plan and no state, and
 * `register_token_wo_version` (stored) says when to redeem again, since Terraform cannot compare a
 * value it never kept. The plain `register_token` stays for older Terraform.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../constants';
import type { ObjectValue } from '../codec';
import { alsoRequires, conflicting, noEffectWithout, notBlank, requiresReplace } from '../schema';
import { type Maybe, getString } from '../values';

export const writeOnlyRedeemAttributes = {
  register_token_wo: {
    type: 'string',
    optional: true,
    sensitive: true,
    writeOnly: true,
    description:
      'Write-only (Terraform 1.11+): a registration token to redeem, like `register_token`, but never stored in the plan or state. Set `register_token_wo_version` with it, and change that number to redeem a new registration token (which replaces the access token).',
    validators: [notBlank('Set it to a registration token value, or remove it to create the token as an Administrator')],
  },
  register_token_wo_version: {
    type: 'number',
    optional: true,
    description: 'Terraform cannot see a write-only value change, so change this number to redeem the current `register_token_wo` again.',
    planModifiers: [requiresReplace()],
  },
} as const;

/** The registration token this configuration redeems: `register_token`, else the write-only one. */
export function redeemedToken(config: ObjectValue): Maybe<string> {
  const plain = getString(config, A.registerToken);
  return plain !== null ? plain : getString(config, A.registerTokenWo);
}

/** The rules of the write-only pair (the ones it shares with `register_token` are the resource's). */
export const writeOnlyRedeemValidators = [
  noEffectWithout(
    A.registerTokenWoVersion,
    [A.registerTokenWo],
    'It only says when to redeem register_token_wo again; set register_token_wo, or remove it.',
  ),
  conflicting(
    A.registerToken,
    A.registerTokenWo,
    'both name the registration token to redeem; register_token_wo keeps it out of the state',
  ),
  conflicting(A.namePrefix, A.registerTokenWo, 'the registration token fixes the name'),
  conflicting(A.ttl, A.registerTokenWo, 'the registration token fixes the lifetime'),
  alsoRequires(
    A.registerTokenWo,
    A.registerTokenWoVersion,
    'register_token_wo_version is not set, though register_token_wo is',
    'Set it to a number (e.g. 1) and change it whenever register_token_wo holds a new registration token: Terraform never stores a write-only value, so the number is how it knows to redeem again',
  ),
] as const;
