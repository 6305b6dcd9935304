/**
 * CDK for Terraform constructs for VK Cloud ML Platform API tokens. They only write Terraform
 * configuration; the `mlp` provider does the work at plan and apply time.
 */
export { MlpProvider, type MlpProviderProps } from './provider';
export { MlpAccessToken, type MlpAccessTokenOptions, type MlpAccessTokenProps } from './access-token';
export { MlpRegisterToken, type MlpRegisterTokenOptions, type MlpRegisterTokenProps } from './register-token';
export { MlpEphemeralAccessToken, type MlpEphemeralAccessTokenProps } from './ephemeral-access-token';
export type { MlpSealProps, MlpWriteOnlyRedeemProps } from './secrets';
export { MlpTokenDataSource, type MlpTokenDataSourceProps } from './token-data-source';
export { MlpTokensDataSource, MlpTokensItemReference, MlpTokensList, type MlpTokensDataSourceProps } from './tokens-data-source';
export type { MlpElementOptions, MlpRole, MlpValueOutputOptions } from './options';
export { MlpConstructError, type MlpConstructErrorCode } from './errors';
