/**
 * The provider block: its schema, its static validation, and how its values (with the
 * environment and defaults) become the client's settings.
 */
import { DEFAULT_ENDPOINT, ENV_ENDPOINT, ENV_TOKEN, PROVIDER_ATTRS as A } from '../constants';
import { MAX_TIMEOUT, TIMEOUT_LIMIT, parseDuration, timeoutProblem } from '../contract/duration';
import { registerSecret } from '../contract/redact';
import { MAX_RETRIES_LIMIT, endpointProblem } from '../contract/validation';
import type { ObjectValue } from './codec';
import { type Diagnostic, Diagnostics, diag } from './diagnostics';
import { type BlockSchema, INITIAL_SCHEMA_VERSION, notBlank, satisfies, validateConfig, wholeNumberBetween } from './schema';
import { getNumber, getString, isKnown } from './values';
import { UNKNOWN } from './codec';

export const DEFAULT_REQUEST_TIMEOUT = '30s';
export const DEFAULT_MAX_RETRIES = 4;
export const MAX_MAX_RETRIES = MAX_RETRIES_LIMIT;

export const providerSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description: 'The VK Cloud ML Platform (MLP) token API. Every attribute may also come from the environment.',
  attributes: {
    endpoint: {
      type: 'string',
      optional: true,
      description: `The ML Platform API base URL. Default: \`${ENV_ENDPOINT}\`, else \`${DEFAULT_ENDPOINT}\` (Moscow region). Use \`http://127.0.0.1:PORT\` for a local emulator.`,
      validators: [satisfies(endpointProblem, 'An `https://` URL, or `http://` to a loopback address.', { report: diag.invalidEndpoint })],
    },
    token: {
      type: 'string',
      optional: true,
      sensitive: true,
      description: `An access token value. Managing tokens needs an Administrator token; redeeming a registration token needs none. White space around it (a trailing newline) is removed. Default: \`${ENV_TOKEN}\`.`,
      validators: [
        notBlank(`Set it to an access token value, or leave it unset to use ${ENV_TOKEN}`),
        satisfies(tokenShapeProblem, '', {
          fix: `Set it to the access token's value exactly as the console or the API showed it, or leave it unset to use ${ENV_TOKEN}`,
        }),
      ],
    },
    request_timeout: {
      type: 'string',
      optional: true,
      description: `The total time one API call may take, retries included, as a Go-style duration (\`30s\`, \`2m\`), at most \`${MAX_TIMEOUT}\` (Node's longest timer). Default: \`${DEFAULT_REQUEST_TIMEOUT}\`.`,
      validators: [satisfies(timeoutProblem, '')],
    },
    max_retries: {
      type: 'number',
      optional: true,
      description: `How many times a failed call that is safe to repeat is retried (rate limits, 5xx, lost connections). Default: ${DEFAULT_MAX_RETRIES}.`,
      validators: [wholeNumberBetween(0, MAX_MAX_RETRIES)],
    },
  },
} as const satisfies BlockSchema;

/** Static checks of the provider block (its schema's validators); unknown values are skipped. */
export function validateProviderConfig(config: ObjectValue): Diagnostic[] {
  const diagnostics = new Diagnostics();
  validateConfig(providerSchema, config, diagnostics);
  return [...diagnostics.items];
}

/**
 * Why a token value cannot be an MLP token, judged from its shape alone (never echoing it): MLP secrets
 * are opaque strings of at least 32 characters with no white space. `undefined` when it may be one.
 */
export function tokenShapeProblem(token: string): string | undefined {
  if (/\s/.test(token.trim())) return 'token contains white space, which no MLP token does (was more than the value pasted?)';
  if (token.trim().length < MIN_TOKEN_LENGTH)
    return `token is ${token.trim().length} characters long; MLP tokens have at least ${MIN_TOKEN_LENGTH}`;
  return undefined;
}

/** The shortest secret the modeled API issues (see `secretSchema`). */
const MIN_TOKEN_LENGTH = 32;

/** What the client is built from. `unknown` lists attributes not known yet (plan-time provider config). */
export interface ProviderSettings {
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly unknown: readonly string[];
}

/** Provider block, then environment, then defaults. Call after {@link validateProviderConfig} passed. */
export function resolveProviderSettings(config: ObjectValue, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const unknown = Object.keys(providerSchema.attributes).filter((k) => config[k] === UNKNOWN);
  const endpoint = getString(config, A.endpoint);
  const token = getString(config, A.token);
  const timeout = getString(config, A.requestTimeout);
  const retries = getNumber(config, A.maxRetries);
  // Surrounding white space (`MLP_TOKEN="$(cat file)"`, a pasted space) is removed: the value that
  // is checked (tokenShapeProblem) is the value that is sent, and no MLP token contains white space.
  const given = isKnown(token) ? token : env[ENV_TOKEN];
  registerSecret(given, { pinned: true });
  const resolvedToken = given?.trim() ? given.trim() : undefined;
  registerSecret(resolvedToken, { pinned: true });
  return {
    endpoint: (isKnown(endpoint) ? endpoint : env[ENV_ENDPOINT]?.trim() || DEFAULT_ENDPOINT).trim(),
    token: resolvedToken,
    requestTimeoutMs: parseDuration(isKnown(timeout) ? timeout : DEFAULT_REQUEST_TIMEOUT, TIMEOUT_LIMIT) * 1000,
    maxRetries: isKnown(retries) ? retries : DEFAULT_MAX_RETRIES,
    unknown,
  };
}

/** Why an endpoint is not usable (the rule shared with the client and the constructs). */
export { endpointProblem };
