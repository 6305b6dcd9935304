/**
 * The named factories every part of the provider shares, one per thing that can go wrong or deserves
 * a notice: each says what happened and what to do, in the words a Terraform user reads, so a message
 * is written once and changed in one place. A resource's own factories live beside it
 * (`resources/<resource>/messages.ts`). The model they build is `model.ts`'s; redaction happens on
 * the way out, in `proto.ts`.
 */
import { type AttributePathSteps, type Diagnostic, describeThrown, errorDiagnostic as error, warningDiagnostic as warning } from './model';

const ADMIN_TOKEN_HOW =
  'Set `token` in the provider "mlp" block (or the MLP_TOKEN environment variable) to an Administrator token: one made in the VK Cloud console with the Administrator role, or redeemed from a registration token minted with role "admin".';

/** The named factories. */
export const diag = {
  // ---- configuration (provider block and resource attributes) ----
  invalidAttribute(attribute: AttributePathSteps, problem: string, fix?: string): Diagnostic {
    return error(`Invalid ${String(attribute[attribute.length - 1])}`, fix ? `${problem}. ${fix}` : problem, attribute);
  },
  invalidEndpoint(problem: string): Diagnostic {
    return error(
      'Invalid MLP endpoint',
      `${problem}. Set endpoint (or MLP_ENDPOINT) to the ML Platform API base URL, e.g. https://msk.cloud.vk.com/infra/mlplatform, or http://127.0.0.1:PORT for a local emulator.`,
      ['endpoint'],
    );
  },
  tlsVerificationDisabled(): Diagnostic {
    return warning(
      'TLS certificate verification is off',
      "NODE_TLS_REJECT_UNAUTHORIZED=0 is set in the environment Terraform runs in, so the provider does not verify the MLP API's certificate: anyone between this machine and the API can read the token. Unset it (fix the certificate chain, or set NODE_EXTRA_CA_CERTS to your CA's certificate).",
    );
  },
  conflictingAttributes(attribute: string, other: string, why: string): Diagnostic {
    return error(`Conflicting ${attribute} and ${other}`, `Set either ${attribute} or ${other}, not both: ${why}.`, [attribute]);
  },
  missingOneOf(attributes: readonly string[], why: string): Diagnostic {
    return error(`Missing ${attributes.join(' or ')}`, `Set one of ${attributes.join(', ')}: ${why}.`);
  },
  uselessAttribute(attribute: string, why: string): Diagnostic {
    return warning(`${attribute} has no effect`, why, [attribute]);
  },
  providerConfigUnknown(operation: string): Diagnostic {
    return error(
      'Provider configuration not known yet',
      `Cannot ${operation}: the provider "mlp" block depends on values that are known only after apply. Give the provider values known at plan time (literals, variables, environment variables).`,
    );
  },
  providerNotConfigured(operation: string): Diagnostic {
    return error(
      'Provider not configured',
      `Terraform asked to ${operation} before configuring the provider. This is a bug in the provider or Terraform; please report it.`,
    );
  },
  // ---- credentials and API errors ----
  missingAdminToken(operation: string): Diagnostic {
    return error(
      `No MLP token configured to ${operation}`,
      `${capitalize(operation)} needs an Administrator token and none is configured. ${ADMIN_TOKEN_HOW}`,
    );
  },
  missingToken(operation: string): Diagnostic {
    return error(
      `No MLP token configured to ${operation}`,
      `${capitalize(operation)} needs an access token (any role) and none is configured. Set \`token\` in the provider "mlp" block or the MLP_TOKEN environment variable.`,
    );
  },
  needsAdministrator(operation: string): Diagnostic {
    return error(
      `${capitalize(operation)} needs an Administrator token`,
      `The token the provider is configured with is a User token. ${ADMIN_TOKEN_HOW}`,
    );
  },
  providerTokenRejected(operation: string, apiDetail: string): Diagnostic {
    return error(
      `The MLP token was refused while trying to ${operation}`,
      `${apiDetail} The provider's token (provider "mlp" token or MLP_TOKEN) is expired, deleted or not valid for this endpoint: configure a valid Administrator token.`,
    );
  },
  /** Any error the client threw, with the operation it interrupted. */
  apiError(operation: string, description: { summary: string; detail: string }): Diagnostic {
    return error(description.summary, `Could not ${operation}. ${description.detail}`);
  },
  notImportable(resourceType: string, why: string): Diagnostic {
    return error(`${resourceType} cannot be imported`, why);
  },
  // ---- protocol and internals ----
  unknownType(kind: 'resource' | 'data source' | 'ephemeral resource', typeName: string): Diagnostic {
    return error(
      `Unknown ${kind} type`,
      `This provider has no ${kind} type ${JSON.stringify(typeName)}. Check the spelling; the provider offers the resources mlp_access_token and mlp_register_token, the data sources mlp_token and mlp_tokens, and the ephemeral resource mlp_access_token.`,
    );
  },
  unsupportedStateVersion(typeName: string, version: number, current: number): Diagnostic {
    return error(
      'State written by a newer provider',
      `The state of this ${typeName} has schema version ${version}, but this provider knows versions up to ${current}. Use the provider version that wrote the state (upgrade the mlp-tokens package).`,
    );
  },
  legacyFlatmapState(typeName: string): Diagnostic {
    return error(
      'Unsupported state format',
      `The state of this ${typeName} is in the pre-0.12 flatmap format, which this provider never wrote. Remove it from the state and import it again.`,
    );
  },
  internal(rpc: string, err: unknown): Diagnostic {
    return error(
      'Internal provider error',
      `The mlp provider failed while handling ${rpc}: ${describeThrown(err)}. This is a bug; please report it with the Terraform log (TF_LOG=debug), which never contains token values.`,
    );
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
