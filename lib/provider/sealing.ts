/**
 * `seal_to` and `sealed_value`, on both token resources (the `aws_iam_access_key.pgp_key` precedent,
 * with age): when `seal_to` lists age recipients, the value is encrypted to them the moment the token
 * is created, and the state keeps only the ciphertext (`sealed_value`, not sensitive); `value` is
 * null. Decrypting needs one of the recipients' private keys: a sealed value is as safe as they are.
 *
 * The API shows a value once, at creation, so nothing can be re-sealed later: a changed `seal_to`
 * leaves the token (and its ciphertext) as it is, with a warning; rotating the token seals the new
 * value to the new recipients.
 *
 * The RPC layer (`provider.ts`) calls these for every resource whose schema has the attributes, so
 * the resources' own create paths stay as they are: plan says "value null, sealed_value unknown",
 * and the new state is sealed right after the resource's create returns it.
 */
import { recipientProblem } from '../seal/recipients';
import { type ObjectValue, UNKNOWN, type Value, valuesEqual } from './codec';
import { Diagnostics, diag } from './diagnostics';
import { type AttributeValidator, type BlockSchema, custom, useStateForUnknown } from './schema';
import { secretsDiag } from './secrets-diagnostics';

export const SEAL_TO = 'seal_to';
export const SEALED_VALUE = 'sealed_value';
const VALUE = 'value';

/** The two attributes, for a resource whose secret is `value`; `what` names it in the descriptions. */
export function sealAttributes(what: string) {
  return {
    seal_to: {
      type: ['list', 'string'],
      optional: true,
      description:
        `age recipients (X25519 public keys, \`age1...\`) to seal the ${what} to at creation: the state then holds only \`sealed_value\`, and \`value\` is null. ` +
        `Decrypt with \`age -d -i key.txt\`. Changing it does not re-seal (the value cannot be read again): rotate the token to seal a new value to the new recipients.`,
      validators: [ageRecipients],
    },
    sealed_value: {
      type: 'string',
      computed: true,
      description: `The ${what}, age-encrypted to \`seal_to\` (ASCII armor); null without \`seal_to\`. Not sensitive: only the recipients' private keys open it.`,
      // Decided by the sealing (planSealing), not by the API: a new object's plan leaves it to that.
      planModifiers: [useStateForUnknown()],
    },
  } as const;
}

/** `seal_to`'s check, as the schema declares it (see {@link validateSealTo}). */
const ageRecipients: AttributeValidator = custom('A non-empty list of age recipients (`age1...`).', (_attribute, value) => {
  const found = new Diagnostics();
  validateSealTo({ [SEAL_TO]: value }, found);
  return found.items;
});

export function isSealable(schema: BlockSchema): boolean {
  return SEAL_TO in schema.attributes && SEALED_VALUE in schema.attributes && VALUE in schema.attributes;
}

/** The recipients configured: null when unset, UNKNOWN when not known yet. */
export function sealRecipients(obj: ObjectValue): readonly string[] | null | typeof UNKNOWN {
  const v = obj[SEAL_TO];
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN || !Array.isArray(v)) return UNKNOWN;
  const list = v as readonly Value[];
  if (list.some((item) => typeof item !== 'string')) return UNKNOWN;
  return list as readonly string[];
}

/** Static checks of `seal_to` (each known recipient parsed; an empty list refused). */
export function validateSealTo(config: ObjectValue, diagnostics: Diagnostics): void {
  const v = config[SEAL_TO];
  if (v === undefined || v === null || v === UNKNOWN || !Array.isArray(v)) return;
  const list = v as readonly Value[];
  if (list.length === 0) {
    diagnostics.add(
      diag.invalidAttribute(
        [SEAL_TO],
        'seal_to is empty, so the value could be sealed to nobody',
        'List at least one age recipient ("age1..."), or remove seal_to to keep the value in the state',
      ),
    );
    return;
  }
  list.forEach((item, i) => {
    if (typeof item !== 'string') return;
    const problem = recipientProblem(item);
    if (problem) diagnostics.add({ ...diag.invalidAttribute([SEAL_TO, i], problem), summary: 'Invalid seal_to recipient' });
  });
}

/**
 * The planned state with the sealing decided: a create or replacement that seals plans `value` null
 * and `sealed_value` unknown; one that does not, `sealed_value` null. In place, both stay, and a
 * changed `seal_to` gets a warning (nothing is re-sealed).
 */
export function planSealing(prior: ObjectValue | null, planned: ObjectValue, replaces: boolean, diagnostics: Diagnostics): ObjectValue {
  const recipients = sealRecipients(planned);
  if (prior !== null && !replaces) {
    if (!valuesEqual(prior[SEAL_TO] ?? null, planned[SEAL_TO] ?? null))
      diagnostics.add(secretsDiag.sealToChangedInPlace(planned[SEALED_VALUE] !== null && planned[SEALED_VALUE] !== undefined));
    return planned;
  }
  if (recipients === null) return { ...planned, [SEALED_VALUE]: null };
  if (recipients === UNKNOWN) return { ...planned, [VALUE]: UNKNOWN, [SEALED_VALUE]: UNKNOWN };
  return { ...planned, [VALUE]: null, [SEALED_VALUE]: UNKNOWN };
}

/**
 * A newly created state, sealed when `seal_to` says so. When sealing fails the token is kept in the
 * state without its value, with an error (Terraform then taints it, and the next apply replaces it):
 * never a token missing from the state, never the value stored unsealed.
 */
export async function sealCreated(state: ObjectValue, diagnostics: Diagnostics): Promise<ObjectValue> {
  const recipients = sealRecipients(state);
  if (recipients === null || recipients === UNKNOWN) return { ...state, [SEALED_VALUE]: null };
  const value = state[VALUE];
  if (typeof value !== 'string') return { ...state, [VALUE]: null, [SEALED_VALUE]: null };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- age-encryption loads only when a value is sealed
    const { sealValue } = require('../seal/seal') as typeof import('../seal/seal');
    return { ...state, [VALUE]: null, [SEALED_VALUE]: await sealValue(value, recipients) };
  } catch (err) {
    diagnostics.add(secretsDiag.sealFailed(err instanceof Error ? err.message : String(err)));
    return { ...state, [VALUE]: null, [SEALED_VALUE]: null };
  }
}
