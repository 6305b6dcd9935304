/**
 * The attribute validators the token resources, the ephemeral token and the data sources share:
 * a token name, a name prefix, a role. The words of each problem are the contract's, so Terraform
 * says what the constructs and the client say.
 */
import { ROLES } from '../../constants';
import { NAME_MAX_LENGTH, NAME_PREFIX_MAX_LENGTH, nameProblem, namePrefixProblem } from '../../contract/validation';
import { type AttributeValidator, oneOf, satisfies } from '../schema';

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
