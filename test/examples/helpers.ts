import type {} from 'cdktf/lib/testing/adapters/jest'; // brings the cdktf jest matchers' typings into scope
import { Testing, type TerraformStack } from 'cdktf';

/** A synthesized stack, parsed. */
export type SynthesizedStack = Record<string, unknown> & {
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  provider?: Record<string, Array<Record<string, unknown>>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  variable?: Record<string, { sensitive?: boolean; default?: unknown }>;
};

/**
 * Values planted in every environment variable a secret could be read from at synth time. An example
 * that read one (instead of leaving it to Terraform at apply time) would write it into cdk.tf.json.
 */
export const CANARIES = {
  MLP_TOKEN: 'canary-admin-token-0f1e2d3c4b5a',
  MLP_ENDPOINT: 'http://canary-endpoint.invalid:1',
  TF_VAR_register_token: 'canary-register-token-9a8b7c',
  TF_VAR_mlp_token: 'canary-tf-var-token-6d5e4f',
} as const;

/** Synthesizes a stack with the canaries in the environment; returns the JSON text. */
export function synthWithCanaries(build: () => TerraformStack): string {
  const saved = Object.fromEntries(Object.keys(CANARIES).map((k) => [k, process.env[k]]));
  Object.assign(process.env, CANARIES);
  try {
    return Testing.synth(build(), true);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The canaries found in a text (names only, never the values). */
export function canariesIn(text: string): string[] {
  return Object.entries(CANARIES)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
}

/**
 * Every place (a JSON path such as `resource.null_resource.x.provisioner[0].local-exec.command`) where
 * a string mentions `expression` (e.g. `mlp_access_token.ci.value`): where a secret flows.
 */
export function whereReferenced(config: unknown, expression: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (typeof node === 'string') {
      if (node.includes(expression)) found.push(at);
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${at}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, at ? `${at}.${key}` : key);
    }
  };
  walk(config, '');
  return found.sort();
}
