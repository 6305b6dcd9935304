/**
 * ConfigureProvider's decisions, apart from the RPC: the provider block is judged as validate judged
 * it, then again with what only the environment supplies (MLP_ENDPOINT, MLP_TOKEN, TLS settings),
 * since Terraform never showed those to validate. A configuration with an error yields no settings,
 * so no API access is built from it.
 */
import { ENV_ENDPOINT, ENV_TOKEN, PROVIDER_ATTRS } from '../constants';
import { registerSecret } from '../contract/redact';
import { warnIfTlsVerificationDisabled } from '../client/tls-warning';
import type { ObjectValue, Value } from './codec';
import {
  providerSchema,
  resolveProviderSettings,
  tokenShapeProblem,
  validateProviderConfig,
  endpointProblem,
  type ProviderSettings,
} from './config';
import { type Diagnostic, diag } from './diagnostics';
import { log } from './log';
import { asObject } from './registered';

export interface Configured {
  readonly diagnostics: Diagnostic[];
  /** Absent when the configuration has an error. */
  readonly settings?: ProviderSettings;
}

/** The provider block as an object; its token joins the redactor at once. */
export function providerConfigOf(value: Value): ObjectValue {
  const config = asObject(value, providerSchema);
  const token = config.token;
  if (typeof token === 'string') registerSecret(token);
  return config;
}

export function configure(config: ObjectValue, env: NodeJS.ProcessEnv): Configured {
  const problems = validateProviderConfig(config);
  if (problems.some((d) => d.severity === 'error')) return { diagnostics: problems };
  const settings = resolveProviderSettings(config, env);
  if (!settings.unknown.includes('endpoint')) {
    const problem = endpointProblem(settings.endpoint);
    if (problem)
      return {
        diagnostics: [...problems, diag.invalidEndpoint(`${problem} (from ${config.endpoint === null ? ENV_ENDPOINT : 'endpoint'})`)],
      };
  }
  // A token from MLP_TOKEN was not seen by validate; judge its shape here, before any API call.
  const tokenProblem = settings.token !== undefined && config.token === null ? tokenShapeProblem(settings.token) : undefined;
  if (tokenProblem) {
    return {
      diagnostics: [
        ...problems,
        diag.invalidAttribute(
          [PROVIDER_ATTRS.token],
          `${tokenProblem} (from ${ENV_TOKEN})`,
          `Set ${ENV_TOKEN} to the access token's value exactly as the console or the API showed it`,
        ),
      ],
    };
  }
  // Once per process: in the log (stderr, as hclog) and as a warning Terraform shows, since
  // Terraform keeps plugin stderr in its own log only.
  if (warnIfTlsVerificationDisabled(env, (line) => log('warn', line.trimEnd()))) problems.push(diag.tlsVerificationDisabled());
  return { diagnostics: problems, settings };
}
