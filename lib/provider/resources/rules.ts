/**
 * The name rules the token resources, the ephemeral token and the data sources share: the
 * validators of a token name, a name prefix and a role, and how a name is made from `name` or
 * `name_prefix`. The words of each problem are the contract's, so Terraform says what the constructs
 * and the client say.
 */
import { randomInt } from 'node:crypto';
import { ROLES } from '../../constants';
import {
  NAME_MAX_LENGTH,
  NAME_PREFIX_MAX_LENGTH,
  NAME_PREFIX_SUFFIX_LENGTH,
  nameProblem,
  namePrefixProblem,
} from '../../contract/validation';
import { type AttributeValidator, oneOf, satisfies } from '../schema';
import { type Maybe, isKnown } from '../values';

const CHARACTERS = 'letters, digits, `.`, `_` and `-`, starting with a letter or digit';

/** A token name as the API accepts it. */
export const tokenName: AttributeValidator = satisfies(nameProblem, `At most ${NAME_MAX_LENGTH} characters: ${CHARACTERS}.`);

/** A name prefix that leaves room for the unique suffix. */
export const tokenNamePrefix: AttributeValidator = satisfies(
  namePrefixProblem,
  `At most ${NAME_PREFIX_MAX_LENGTH} characters: ${CHARACTERS}.`,
);

/** `user` or `admin`. */
export const tokenRole: AttributeValidator = oneOf(ROLES, 'role');

/** The configured name, or the prefix (`defaultPrefix` when none is set) plus a random suffix. */
export function createName(name: Maybe<string>, prefix: Maybe<string>, defaultPrefix = ''): string {
  if (isKnown(name)) return name;
  return `${isKnown(prefix) ? prefix : defaultPrefix}${randomSuffix()}`;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The random lowercase letters and digits that make a prefixed name unique. */
export function randomSuffix(length: number = NAME_PREFIX_SUFFIX_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}
