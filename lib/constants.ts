/**
 * Names both sides of the synth boundary share: the constructs write them into Terraform
 * configuration and the provider serves them. Keeping them in one module lets the compiler keep
 * the two in step (the aws-cdk custom-resources `consts.ts` habit).
 *
 * This module must stay dependency-free (but for the generated attribute names it re-exports): the
 * provider's start-up path and the constructs both load it.
 */

/** The package version; the provider is versioned with the package, so one number identifies both. */
export const PACKAGE_VERSION = '0.1.0';

/**
 * Where Terraform looks our provider up. The hostname `terraform.local` is deliberately one that no
 * registry answers for: the provider is only ever installed from a local mirror laid out from this
 * npm package, so a lookalike published on a public registry can never be substituted for it.
 * (`vk-cs` is VK's own provider's namespace; we do not use it.)
 */
export const PROVIDER_HOSTNAME = 'terraform.local';
export const PROVIDER_NAMESPACE = 'mlp-tokens';
export const PROVIDER_TYPE = 'mlp';
export const PROVIDER_SOURCE = `${PROVIDER_HOSTNAME}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
export const PROVIDER_VERSION = PACKAGE_VERSION;
/** The executable's file name inside a mirror, as Terraform expects it. */
export const PROVIDER_BINARY_NAME = `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`;

/** Resource and data source type names. */
export const ACCESS_TOKEN_RESOURCE = 'mlp_access_token';
export const REGISTER_TOKEN_RESOURCE = 'mlp_register_token';
export const TOKEN_DATA_SOURCE = 'mlp_token';
export const TOKENS_DATA_SOURCE = 'mlp_tokens';

/** Environment variables the provider (and the demo, and the contract tests) read. */
export const ENV_ENDPOINT = 'MLP_ENDPOINT';
export const ENV_TOKEN = 'MLP_TOKEN';

/** The ML Platform API base URL of the Moscow region, the provider's default endpoint. */
export const DEFAULT_ENDPOINT = 'https://msk.cloud.vk.com/infra/mlplatform';

/**
 * Attribute names (`ACCESS_TOKEN_ATTRS`, ...): the provider schemas declare them, and
 * `tools/generate-attributes.ts` (`npm run generate`) writes them into a dependency-free module.
 */
export {
  ACCESS_TOKEN_ATTRS,
  EPHEMERAL_ACCESS_TOKEN_ATTRS,
  PROVIDER_ATTRS,
  REGISTER_TOKEN_ATTRS,
  TOKENS_DATA_ATTRS,
  TOKEN_DATA_ATTRS,
} from './attributes.generated';

/** Roles as users write them (Terraform and constructs). The API spells them `USER` / `ADMIN`. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The default `name_prefix` of an ephemeral access token. */
export const EPHEMERAL_NAME_PREFIX = 'ephemeral-';
/** The longest `ttl` of an ephemeral access token: a killed run leaves at most tokens that expire within it. */
export const EPHEMERAL_MAX_TTL = '24h';
