/**
 * The schema of `mlp_access_token`, and the lists of attributes the plan and the create treat alike:
 * kept apart from the code so every other file reads the attributes from one place.
 */
import { ACCESS_TOKEN_ATTRS as A } from '../../../constants';
import { NAME_PREFIX_SUFFIX_LENGTH } from '../../../contract/validation';
import { type BlockSchema, INITIAL_SCHEMA_VERSION } from '../../schema';
import { sealAttributes } from '../../sealing';
import { writeOnlyRedeemAttributes } from '../write-only';
import { RETIRED_TOKEN_TYPE } from '../overlap';

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
export const REPLACING_INPUTS = [
  A.name,
  A.namePrefix,
  A.role,
  A.ttl,
  A.registerToken,
  A.registerTokenWoVersion,
  A.rotationTriggers,
] as const;
/** Values the API decides: unknown in a plan that creates or replaces the token. */
export const COMPUTED_BY_API = [A.id, A.value, A.issuerName, A.createdAt, A.expiresAt] as const;

export type Attr = keyof typeof accessTokenSchema.attributes;
