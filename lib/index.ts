/**
 * mlp-tokens: VK Cloud ML Platform API tokens as infrastructure.
 *
 * The package's main entry gives the CDKTF constructs and the names they share with the provider.
 * The API client and the emulator have their own entries (`mlp-tokens/client`, `mlp-tokens/emulator`),
 * so a stack that only declares tokens never loads an HTTP client.
 *
 * @module mlp-tokens
 */
export * from './constructs';
export {
  ACCESS_TOKEN_RESOURCE,
  DEFAULT_ENDPOINT,
  ENV_ENDPOINT,
  ENV_TOKEN,
  PACKAGE_VERSION,
  PROVIDER_SOURCE,
  PROVIDER_VERSION,
  REGISTER_TOKEN_RESOURCE,
  TOKEN_DATA_SOURCE,
  TOKENS_DATA_SOURCE,
} from './constants';
export { durationProblem, formatDuration, parseDuration, timeoutProblem, MAX_DURATION, MAX_TIMEOUT } from './contract/duration';
export { installProvider, layoutFilesystemMirror, layoutProviderMirror } from './install/mirror';
