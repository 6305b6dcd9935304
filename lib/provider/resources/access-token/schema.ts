/**
 * The schema of `mlp_access_token`: its attributes with their rules (what replaces the token, what
 * the API decides, what each value must be), and the rules between attributes. The generic engine
 * (`../../schema`) applies them; `plan.ts` adds what time decides. Kept apart from the code so every
 * other file reads the attributes from one place.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import { NAME_PREFIX_SUFFIX_LENGTH } from '../../../contract/validation';
import { UNKNOWN, type ObjectValue } from '../../codec';
import {
  type BlockSchema,
  INITIAL_SCHEMA_VERSION,
  anyUnknown,
  atLeastOneOf,
  conflicting,
  defaultValue,
  duration,
  durationEquality,
  keepersEquality,
  noEffectWithout,
  notBlank,
  relation,
  requiresReplace,
  requiresReplaceIf,
  shorterThan,
} from '../../schema';
import { sealAttributes } from '../../sealing';
import { diag } from '../../diagnostics';
import { getString } from '../../values';
import { tokenName, tokenNamePrefix, tokenRole } from '../rules';
import { redeemedToken, writeOnlyRedeemAttributes, writeOnlyRedeemValidators } from '../write-only';
import { RETIRED_TOKEN_TYPE, graceProblem } from '../overlap';

/**
 * An imported token has no value and no triggers in its state (they live only in configuration):
 * it adopts the configured triggers in place instead of being replaced at once. (A sealed token has
 * no value either, but its sealed_value tells it from an imported one.)
 */
function importedWithoutTriggers(prior: ObjectValue | null): boolean {
  if (prior === null) return false;
  return (prior[A.rotationTriggers] ?? null) === null && (prior[A.value] ?? null) === null && (prior[A.sealedValue] ?? null) === null;
}

export const accessTokenSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'An ML Platform access token. Created by an Administrator from `name` (or `name_prefix`), `role` and `ttl`, or redeemed from a `register_token` without any credentials. ' +
    'Replaced when its inputs or `rotation_triggers` change, when `rotate_at` passes, or when it expired.',
  attributes: {
    id: { type: 'string', computed: true, description: "The token's id in the API." },
    name: {
      type: 'string',
      optional: true,
      computed: true,
      description: "The token's name, unique in the project. Computed when `name_prefix` or `register_token` is used.",
      validators: [tokenName],
      planModifiers: [requiresReplace()],
    },
    name_prefix: {
      type: 'string',
      optional: true,
      description: `Creates a unique name beginning with this prefix (${NAME_PREFIX_SUFFIX_LENGTH} random lowercase letters and digits are appended). Use it with \`create_before_destroy\` so the new token can exist beside the old one during rotation.`,
      validators: [tokenNamePrefix],
      planModifiers: [requiresReplace()],
    },
    role: {
      type: 'string',
      optional: true,
      computed: true,
      description: "The token's role.",
      validators: [tokenRole],
      planModifiers: [
        defaultValue(
          'user',
          'Default `user`; with `register_token`, the role the registration token carries.',
          (config) => redeemedToken(config) !== null,
        ),
        requiresReplace(),
      ],
    },
    ttl: {
      type: 'string',
      optional: true,
      description: "The token's lifetime. Unset: the token never expires.",
      validators: [duration()],
      equality: durationEquality,
      planModifiers: [requiresReplace()],
    },
    register_token: {
      type: 'string',
      optional: true,
      sensitive: true,
      description:
        'A registration token to redeem instead of creating the token as an Administrator; needs no provider token. Name, role and lifetime come from it. A registration token works once: to rotate, mint a new one.',
      validators: [notBlank('Set it to a registration token value, or remove it to create the token as an Administrator')],
      planModifiers: [requiresReplace()],
    },
    ...writeOnlyRedeemAttributes,
    ...sealAttributes("access token's value"),
    rotation_triggers: {
      type: ['map', 'string'],
      optional: true,
      description: "Arbitrary values that replace the token when they change (like the random provider's `keepers`).",
      equality: keepersEquality,
      planModifiers: [
        requiresReplaceIf(
          (req) => !importedWithoutTriggers(req.priorObject),
          'Changing it replaces the resource; an imported token (whose state cannot know them) adopts the configured ones in place.',
        ),
      ],
    },
    rotate_after: {
      type: 'string',
      optional: true,
      description: 'Replace the token once this long has passed since it was created. Changing it does not call the API.',
      validators: [duration()],
    },
    early_rotation_window: {
      type: 'string',
      optional: true,
      description: 'Replace the token once it is this close to expiring. Changing it does not call the API.',
      validators: [duration()],
    },
    value: {
      type: 'string',
      computed: true,
      sensitive: true,
      description:
        "The token's value. Null for an imported token (the API shows a value only at creation), and with `seal_to` (see `sealed_value`).",
    },
    issuer_name: { type: 'string', computed: true, description: 'Who issued the token.' },
    created_at: { type: 'string', computed: true, description: "When the token was created (RFC 3339, the API's clock)." },
    expires_at: { type: 'string', computed: true, description: 'When the token expires (RFC 3339); null if it never does.' },
    rotate_at: {
      type: 'string',
      computed: true,
      description:
        'When a plan will replace the token: the earlier of `created_at + rotate_after` and `expires_at - early_rotation_window`; null if neither is set.',
    },
    previous_token_grace: {
      type: 'string',
      optional: true,
      description:
        'Rotate in place with an overlap: when the token is due for rotation (or its inputs change), a new token (a new name from `name_prefix`) takes its place and the old one keeps working for this long, listed in `retired_tokens`. ' +
        'A plan after that shows its revocation, and the apply deletes it. Needs `name_prefix`. Changing it does not call the API.',
      validators: [duration()],
    },
    retired_tokens: {
      type: ['list', RETIRED_TOKEN_TYPE],
      computed: true,
      description:
        'Tokens this resource rotated away from that still work until `revoke_after` (with `previous_token_grace`): each `name`, `id` and `revoke_after` (RFC 3339). Never their values.',
    },
    replace_existing: {
      type: 'bool',
      optional: true,
      description:
        'Let the provider delete a token of this `name` that the state does not hold and create this one in its place. Default `false`: such a plan fails, naming the token, and nothing is deleted. ' +
        'Meant for unattended recovery after a run of this same configuration was interrupted before it could record the token; never set it for a name someone else may use. Changing it does not call the API.',
    },
    generation: {
      type: 'number',
      computed: true,
      description:
        'Counts the rotations: 1 at creation (and import), one more at every rotation done in place, that is with `previous_token_grace` (when `rotate_at` passes, the token expires, `rotation_triggers` or another input changes). An update that is not a rotation leaves it. ' +
        "Without `previous_token_grace` a rotation is a replacement, a new resource object Terraform tells nothing of the old one, so it starts again at 1: pair `generation` with another provider's `*_wo_version` only together with `previous_token_grace`.",
    },
  },
  validators: [
    conflicting(A.name, A.namePrefix, 'name_prefix makes a unique name of its own'),
    conflicting(A.namePrefix, A.registerToken, 'the registration token fixes the name'),
    conflicting(A.ttl, A.registerToken, 'the registration token fixes the lifetime'),
    ...writeOnlyRedeemValidators,
    atLeastOneOf(
      [A.name, A.namePrefix, A.registerToken],
      'an Administrator creates a token by name (or name prefix), anyone can redeem a registration token',
      [A.registerTokenWo],
    ),
    conflicting(
      A.previousTokenGrace,
      A.name,
      'the new token must exist beside the old one during the grace, and names are unique: use name_prefix',
    ),
    conflicting(
      A.previousTokenGrace,
      [A.registerToken, A.registerTokenWo],
      'a registration token works once, so the provider cannot make the next token by itself',
    ),
    conflicting(
      A.previousTokenGrace,
      A.sealTo,
      'an in-place rotation would store the new value unsealed; seal_to works with replacement rotation',
    ),
    noEffectWithout(
      A.earlyRotationWindow,
      [A.ttl, A.registerToken, A.registerTokenWo],
      'Without ttl the token never expires, so there is no expiry to rotate ahead of. Set ttl, or use rotate_after.',
    ),
    shorterThan(
      A.earlyRotationWindow,
      A.ttl,
      'so the token would be due for rotation as soon as it is created',
      'Make the window shorter than the lifetime, e.g. a tenth of it',
      [A.rotateAfter],
    ),
    shorterThan(
      A.rotateAfter,
      A.ttl,
      'so the token expires before it is due for rotation and rotate_after never takes effect',
      'Make rotate_after shorter than the lifetime, or remove it and rely on early_rotation_window',
      [A.earlyRotationWindow],
    ),
    relation(
      [A.previousTokenGrace, A.ttl, A.rotateAfter, A.earlyRotationWindow],
      'At most what the rotation schedule (`rotate_after`, `early_rotation_window`) leaves a retired token of its `ttl` to live.',
      graceOutlivesToken,
    ),
  ],
} as const satisfies BlockSchema;

/** A retired token must not be promised a grace longer than it has left to live. */
function graceOutlivesToken(config: ObjectValue) {
  const grace = getString(config, A.previousTokenGrace);
  const ttl = getString(config, A.ttl);
  if (typeof grace !== 'string' || typeof ttl !== 'string' || anyUnknown(config, [A.rotateAfter, A.earlyRotationWindow])) return [];
  const rotateAfter = getString(config, A.rotateAfter);
  const window = getString(config, A.earlyRotationWindow);
  const tooLong = graceProblem(grace, ttl, rotateAfter === UNKNOWN ? null : rotateAfter, window === UNKNOWN ? null : window);
  if (!tooLong) return [];
  return [
    diag.invalidAttribute(
      [A.previousTokenGrace],
      tooLong,
      'Make previous_token_grace shorter, rotate earlier (a shorter rotate_after, a longer early_rotation_window), or give the token a longer ttl; leave a scheduled run of slack too',
    ),
  ];
}

export type Attr = keyof typeof accessTokenSchema.attributes;
