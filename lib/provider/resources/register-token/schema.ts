/**
 * The schema of `mlp_register_token`: its attributes with their rules, and the rules between them.
 * A change of an input that the plan modifiers mark "requires replace" is carried out in place, as a
 * re-issue (`plan.ts`): a replacement's new object would know nothing of this one, so `generation`
 * could not carry over.
 */
import { REGISTER_TOKEN_ATTRS as A } from '../../../constants';
import { NAME_PREFIX_SUFFIX_LENGTH } from '../../../contract/validation';
import {
  type BlockSchema,
  INITIAL_SCHEMA_VERSION,
  exactlyOneOf,
  defaultValue,
  duration,
  durationEquality,
  keepersEquality,
  requiresReplace,
} from '../../schema';
import { sealAttributes } from '../../sealing';
import { tokenName, tokenNamePrefix, tokenRole } from '../rules';

/** What a change of an input does to a registration token. */
const REISSUES = 'Changing it mints a new registration token, in place (`generation` counts the issues).';

export const registerTokenSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'A one-time registration token for an access token of the given name, role and lifetime. Whoever holds it can redeem it once, without credentials, until it expires ' +
    '(`mlp_access_token` with `register_token`). It is not recreated when it expires or is redeemed; change `rotation_triggers` to mint a new one (in place: `generation` counts the issues). It cannot be revoked: destroying or re-issuing it only forgets it.',
  attributes: {
    id: { type: 'string', computed: true, description: 'A local identifier (registration tokens have no id in the API).' },
    name: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        'The name of the access token it creates. A new one cannot be minted while an access token of this name exists: to re-issue, use `name_prefix` or a new name. Computed when `name_prefix` is used.',
      validators: [tokenName],
      planModifiers: [requiresReplace(REISSUES)],
    },
    name_prefix: {
      type: 'string',
      optional: true,
      description: `Names the access token it creates with this prefix and ${NAME_PREFIX_SUFFIX_LENGTH} random lowercase letters and digits, new for every registration token minted, so re-issuing (\`rotation_triggers\`) works while the token redeemed from the previous one exists.`,
      validators: [tokenNamePrefix],
      planModifiers: [requiresReplace(REISSUES)],
    },
    role: {
      type: 'string',
      optional: true,
      computed: true,
      description: 'The role of the access token it creates.',
      validators: [tokenRole],
      planModifiers: [defaultValue('user', 'Default `user`.'), requiresReplace(REISSUES)],
    },
    access_token_ttl: {
      type: 'string',
      optional: true,
      description: 'The lifetime of the access token it creates. Unset: that token never expires.',
      validators: [duration()],
      equality: durationEquality,
      planModifiers: [requiresReplace(REISSUES)],
    },
    ttl: {
      type: 'string',
      required: true,
      description: "The registration token's own lifetime: it cannot be redeemed after that.",
      validators: [duration()],
      equality: durationEquality,
      planModifiers: [requiresReplace(REISSUES)],
    },
    rotation_triggers: {
      type: ['map', 'string'],
      optional: true,
      description: 'Arbitrary values that mint a new registration token when they change.',
      equality: keepersEquality,
      planModifiers: [requiresReplace(REISSUES)],
    },
    value: { type: 'string', computed: true, sensitive: true, description: 'The registration token. Null when `seal_to` is set.' },
    ...sealAttributes('registration token'),
    expires_at: { type: 'string', computed: true, description: 'When the registration token stops being redeemable (RFC 3339).' },
    generation: {
      type: 'number',
      computed: true,
      description:
        "Counts the issues: 1 at the first mint, one more at every re-issue (`rotation_triggers` or another input changed). A re-issue is an in-place update, so the number carries over; for pairing with another provider's `*_wo_version`.",
    },
  },
  validators: [
    exactlyOneOf([A.name, A.namePrefix], {
      conflict: 'name_prefix makes a unique name of its own',
      missing: 'the registration token creates an access token of that name',
    }),
  ],
} as const satisfies BlockSchema;
