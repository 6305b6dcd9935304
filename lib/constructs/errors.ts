/**
 * Every error the constructs throw comes from a named factory here (the cdktf `lib/errors.ts`
 * habit), so the words for one mistake are written once and tests can match on a stable `code`.
 *
 * Messages name the construct's path and the property, show the value received and say what to
 * write instead. Secret values are never shown: for those the message says only how long the
 * literal was.
 */
import { ENV_TOKEN } from '../constants';
import { ENDPOINT_EXAMPLE, MAX_RETRIES_LIMIT } from '../contract/validation';

/** Stable identifiers of the mistakes the constructs catch at synth time. */
export type MlpConstructErrorCode =
  | 'LITERAL_SECRET'
  | 'NON_SENSITIVE_SECRET'
  | 'INVALID_NAME'
  | 'INVALID_NAME_PREFIX'
  | 'INVALID_ROLE'
  | 'INVALID_DURATION'
  | 'NAME_AND_NAME_PREFIX'
  | 'NAME_MISSING'
  | 'MISSING_PROPERTY'
  | 'REGISTER_TOKEN_CONFLICT'
  | 'ROTATION_WINDOW_WITHOUT_TTL'
  | 'ROTATION_WINDOW_TOO_LONG'
  | 'ROTATE_AFTER_TOO_LONG'
  | 'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME'
  | 'CREATE_BEFORE_DESTROY_CONFLICT'
  | 'INVALID_ENDPOINT'
  | 'INVALID_MAX_RETRIES'
  | 'INVALID_IDENTIFIER'
  | 'INVALID_ROTATION_TRIGGER'
  | 'MIRROR_FAILED'
  | 'INVALID_SEAL_TO'
  | 'WRITE_ONLY_VERSION'
  | 'EPHEMERAL_UNSUPPORTED'
  | 'INVALID_EPHEMERAL_TTL'
  | 'PREVIOUS_TOKEN_GRACE_CONFLICT'
  | 'FOREIGN_CDKTF';

/** A mistake in how an MLP construct was declared, found at synth time (before Terraform runs). */
export class MlpConstructError extends Error {
  public override readonly name = 'MlpConstructError';

  constructor(
    /** Which mistake it is; stable across releases. */
    public readonly code: MlpConstructErrorCode,
    /** The construct's path in the tree, e.g. `app/stack/ci-token`. */
    public readonly constructPath: string,
    /** The props field at fault (camelCase, as written in TypeScript), when there is one. */
    public readonly property: string | undefined,
    message: string,
  ) {
    super(`${constructPath}: ${message}`);
  }
}

/** `"foo"` for strings, `JSON` for the rest: how a received value is shown. */
function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

/** How to pass a secret as a reference, with the variable name the fix suggests. */
function secretFix(source: string, variable: string): string {
  return (
    `Pass a reference instead: ${source}, or a sensitive TerraformVariable ` +
    `(\`new TerraformVariable(this, '${variable}', { type: 'string', sensitive: true }).stringValue\`, ` +
    `set at apply time with TF_VAR_${variable})`
  );
}

export function literalProviderToken(path: string, length: number): MlpConstructError {
  return new MlpConstructError(
    'LITERAL_SECRET',
    path,
    'token',
    `token is a literal string (${length} characters, not shown). A literal would be written in clear text ` +
      `into cdk.tf.json. ${secretFix("an MlpAccessToken's `value`", 'mlp_token')}, or leave token out and set ` +
      `${ENV_TOKEN} in the environment Terraform runs in.`,
  );
}

export function literalRegisterToken(path: string, length: number): MlpConstructError {
  return new MlpConstructError(
    'LITERAL_SECRET',
    path,
    'registerToken',
    `registerToken is a literal string (${length} characters, not shown). A literal would be written in clear ` +
      `text into cdk.tf.json, and a registration token can be redeemed only once anyway. ` +
      `${secretFix("an MlpRegisterToken's `value`", 'registration_token')}.`,
  );
}

/**
 * A secret prop whose synthesized expression holds a literal or reads a variable that shows it
 * (found at synth time, see `secret-source.ts`). `reason` never carries the literal text.
 */
export function unsafeSecretSource(
  path: string,
  property: 'token' | 'registerToken' | 'registerTokenWo',
  kind: 'literal' | 'variable',
  reason: string,
): MlpConstructError {
  const fix =
    property === 'token'
      ? `${secretFix("an MlpAccessToken's `value`", 'mlp_token')}, or leave token out and set ${ENV_TOKEN} in the environment Terraform runs in.`
      : `${secretFix("an MlpRegisterToken's `value`", 'registration_token')}.`;
  const why =
    kind === 'literal'
      ? 'Part of the secret would be written in clear text into cdk.tf.json.'
      : 'Terraform would show the secret in plans and logs.';
  return new MlpConstructError(kind === 'literal' ? 'LITERAL_SECRET' : 'NON_SENSITIVE_SECRET', path, property, `${reason}. ${why} ${fix}`);
}

export function createBeforeDestroyConflict(path: string): MlpConstructError {
  return new MlpConstructError(
    'CREATE_BEFORE_DESTROY_CONFLICT',
    path,
    'createBeforeDestroy',
    'createBeforeDestroy and lifecycle.createBeforeDestroy disagree; set it in one place ' +
      '(createBeforeDestroy is a shorthand for lifecycle: { createBeforeDestroy: ... }).',
  );
}

export function invalidName(path: string, property: string, problem: string): MlpConstructError {
  return new MlpConstructError('INVALID_NAME', path, property, `${property}: ${problem}.`);
}

export function invalidNamePrefix(path: string, problem: string): MlpConstructError {
  return new MlpConstructError('INVALID_NAME_PREFIX', path, 'namePrefix', `namePrefix: ${problem}.`);
}

export function invalidRole(path: string, problem: string): MlpConstructError {
  return new MlpConstructError('INVALID_ROLE', path, 'role', `role: ${problem}.`);
}

export function invalidDuration(path: string, property: string, value: unknown, problem: string): MlpConstructError {
  // Days are the most common slip; the API has no `d` unit.
  const days = typeof value === 'string' ? /^(\d+)d$/.exec(value) : null;
  const hint = days ? ` There is no "d" unit: write ${Number(days[1])} days as "${Number(days[1]) * 24}h".` : '';
  return new MlpConstructError('INVALID_DURATION', path, property, `${property}: ${problem}.${hint}`);
}

export function nameAndNamePrefix(path: string, name: string, namePrefix: string): MlpConstructError {
  return new MlpConstructError(
    'NAME_AND_NAME_PREFIX',
    path,
    'namePrefix',
    `both name (${show(name)}) and namePrefix (${show(namePrefix)}) are set; give exactly one: ` +
      'name for a fixed name, namePrefix to let the provider append a unique suffix (needed to replace the token ' +
      'without downtime).',
  );
}

export function nameMissing(path: string, of: 'access token' | 'registration token' = 'access token'): MlpConstructError {
  const or =
    of === 'access token'
      ? ', or registerToken to redeem a registration token, whose name was fixed when it was minted.'
      : ' for the access token it will create; namePrefix lets a new registration token be minted beside the old one.';
  return new MlpConstructError(
    'NAME_MISSING',
    path,
    'name',
    `neither name nor namePrefix is set; give one (e.g. \`namePrefix: "ci-"\`)${or}`,
  );
}

export function missingProperty(path: string, property: string, example: string): MlpConstructError {
  return new MlpConstructError('MISSING_PROPERTY', path, property, `${property} is required, e.g. ${property}: ${example}.`);
}

export function registerTokenConflict(path: string, properties: readonly string[]): MlpConstructError {
  const list = properties.join(', ');
  return new MlpConstructError(
    'REGISTER_TOKEN_CONFLICT',
    path,
    properties[0],
    `registerToken is set together with ${list}. A registration token already fixes the access token's name, ` +
      `role and lifetime (chosen when it was minted: MlpRegisterToken's name, role and accessTokenTtl); ` +
      `remove ${list}, or drop registerToken to create the token directly.`,
  );
}

export function rotationWindowWithoutTtl(path: string, window: string): MlpConstructError {
  return new MlpConstructError(
    'ROTATION_WINDOW_WITHOUT_TTL',
    path,
    'earlyRotationWindow',
    `earlyRotationWindow is ${show(window)} but no ttl is set, so the token never expires and there is no ` +
      'expiry to rotate ahead of. Set ttl (e.g. ttl: "720h" with earlyRotationWindow: "168h"), or use ' +
      'rotateAfter to replace a never-expiring token on a schedule.',
  );
}

export function rotationWindowTooLong(path: string, window: string, ttl: string): MlpConstructError {
  return new MlpConstructError(
    'ROTATION_WINDOW_TOO_LONG',
    path,
    'earlyRotationWindow',
    `earlyRotationWindow (${show(window)}) must be shorter than ttl (${show(ttl)}): the window is measured back ` +
      'from expiresAt, so a window as long as the lifetime (or longer) puts a fresh token inside it at once and every plan ' +
      'would replace it again. Use a fraction of ttl, e.g. a quarter.',
  );
}

export function rotateAfterTooLong(path: string, rotateAfter: string, ttl: string): MlpConstructError {
  return new MlpConstructError(
    'ROTATE_AFTER_TOO_LONG',
    path,
    'rotateAfter',
    `rotateAfter (${show(rotateAfter)}) must be shorter than ttl (${show(ttl)}): the token would expire ` +
      '(and be replaced) before rotateAfter ever took effect. Shorten rotateAfter, or drop it and rely on ttl ' +
      'with earlyRotationWindow.',
  );
}

export function createBeforeDestroyWithFixedName(path: string, name: string): MlpConstructError {
  return new MlpConstructError(
    'CREATE_BEFORE_DESTROY_WITH_FIXED_NAME',
    path,
    'createBeforeDestroy',
    `createBeforeDestroy is set with a fixed name (${show(name)}). Token names are unique in a project, so the ` +
      'replacement would be refused (409) while the old token still exists. Use namePrefix instead of name.',
  );
}

export function invalidEndpoint(path: string, problem: string): MlpConstructError {
  return new MlpConstructError(
    'INVALID_ENDPOINT',
    path,
    'endpoint',
    `endpoint: ${problem}; write the ML Platform base URL, e.g. "${ENDPOINT_EXAMPLE}".`,
  );
}

export function invalidMaxRetries(path: string, value: number): MlpConstructError {
  return new MlpConstructError(
    'INVALID_MAX_RETRIES',
    path,
    'maxRetries',
    `maxRetries is ${show(value)}; it must be a whole number from 0 (no retries) to ${MAX_RETRIES_LIMIT}, e.g. 3.`,
  );
}

export function invalidIdentifier(path: string, property: string, value: string, example: string): MlpConstructError {
  return new MlpConstructError(
    'INVALID_IDENTIFIER',
    path,
    property,
    `${property} ${show(value)} is not a Terraform name: start with a letter or "_", then use letters, digits, ` +
      `"_" and "-" (e.g. "${example}").`,
  );
}

export function invalidRotationTrigger(path: string, key: string, value: unknown): MlpConstructError {
  return new MlpConstructError(
    'INVALID_ROTATION_TRIGGER',
    path,
    'rotationTriggers',
    `rotationTriggers[${show(key)}] is ${show(value)} (${typeof value}); every trigger must be a string. ` +
      'Convert it, e.g. String(value) or Token.asString(reference).',
  );
}

export function mirrorFailed(path: string, stackDir: string, cause: unknown): MlpConstructError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new MlpConstructError(
    'MIRROR_FAILED',
    path,
    'installMirror',
    `could not lay the mlp provider out in ${stackDir} (terraform.d/plugins and .terraform.lock.hcl): ${reason}. ` +
      'Fix the cause and synthesize again, or set installMirror: false on the MlpProvider and install the ' +
      `provider yourself (\`npx mlp-tokens mirror ${stackDir}\`).`,
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

// ---- keeping secrets out of state (sealTo, write-only, ephemeral) ----

export function invalidSealTo(path: string, problem: string): MlpConstructError {
  return new MlpConstructError('INVALID_SEAL_TO', path, 'sealTo', `${problem}.`);
}

export function literalRegisterTokenWo(path: string, length: number): MlpConstructError {
  return new MlpConstructError(
    'LITERAL_SECRET',
    path,
    'registerTokenWo',
    `registerTokenWo is a literal string (${length} characters, not shown). A literal would be written in clear ` +
      'text into cdk.tf.json, which defeats a write-only attribute. Pass a reference: an ephemeral, sensitive ' +
      "TerraformVariable (`new TerraformVariable(this, 'registration_token', { type: 'string', sensitive: true, ephemeral: true }).stringValue`, " +
      'set at plan and apply time with TF_VAR_registration_token).',
  );
}

export function registerTokenTwice(path: string): MlpConstructError {
  return new MlpConstructError(
    'REGISTER_TOKEN_CONFLICT',
    path,
    'registerTokenWo',
    'registerToken and registerTokenWo both name the registration token to redeem; give one. registerTokenWo keeps it out of the state (Terraform 1.11+).',
  );
}

export function writeOnlyVersionMissing(path: string): MlpConstructError {
  return new MlpConstructError(
    'WRITE_ONLY_VERSION',
    path,
    'registerTokenWoVersion',
    'registerTokenWo needs registerTokenWoVersion: Terraform never stores a write-only value, so it cannot see it change. Set a number (e.g. 1) and raise it whenever registerTokenWo holds a new registration token.',
  );
}

export function writeOnlyVersionAlone(path: string): MlpConstructError {
  return new MlpConstructError(
    'WRITE_ONLY_VERSION',
    path,
    'registerTokenWoVersion',
    'registerTokenWoVersion only says when to redeem registerTokenWo again; set registerTokenWo too, or leave the version out.',
  );
}

export function writeOnlyVersionInvalid(path: string, version: unknown): MlpConstructError {
  return new MlpConstructError(
    'WRITE_ONLY_VERSION',
    path,
    'registerTokenWoVersion',
    `registerTokenWoVersion ${show(version)} is not a whole number of 0 or more; use 1, 2, 3, ...`,
  );
}

export function ephemeralUnsupported(path: string, cdktfVersion: string): MlpConstructError {
  return new MlpConstructError(
    'EPHEMERAL_UNSUPPORTED',
    path,
    undefined,
    `MlpEphemeralAccessToken needs CDK Terrain (cdktn) 0.24 or later, whose TerraformEphemeralResource writes ephemeral blocks; this cdktf (${cdktfVersion}) cannot express them. ` +
      'Install cdktn (as "cdktf": "npm:cdktn@^0.24"), or keep the value out of the state another way: an MlpAccessToken with sealTo (the state holds only age ciphertext).',
  );
}

export function invalidEphemeralTtl(path: string, ttl: string, max: string): MlpConstructError {
  return new MlpConstructError(
    'INVALID_EPHEMERAL_TTL',
    path,
    'ttl',
    `ttl ${show(ttl)} is longer than ${max}, the most an ephemeral token may live: it bounds what a killed run leaves behind. Use a shorter ttl, or an MlpAccessToken for a long-lived token.`,
  );
}

/**
 * The construct's app comes from another copy of cdktf than the one mlp-tokens imports: typically a
 * CDK Terrain project where `cdktf` is not installed under that name, so npm brought cdktf 0.21 in as
 * our peer. Synth would then fail deep inside cdktf with a message about a missing method.
 */
export function foreignCdktf(path: string): MlpConstructError {
  return new MlpConstructError(
    'FOREIGN_CDKTF',
    path,
    undefined,
    'this construct is in an App from another copy of cdktf than the one mlp-tokens uses, so it cannot be synthesized. ' +
      'With CDK Terrain, install cdktn under the name mlp-tokens imports: `npm install cdktf@npm:cdktn@0.24.0`, and ' +
      "import App and TerraformStack from 'cdktf' (or 'cdktn': the same copy); with CDKTF, keep one cdktf version in node_modules (`npm ls cdktf`).",
  );
}

/** Why `previousTokenGrace` cannot go with each prop the provider refuses it with (the same reasons). */
const GRACE_CONFLICTS = {
  name: 'the new token must exist beside the old one during the grace, and names are unique: use namePrefix instead of name',
  registerToken: 'a registration token works once, so the provider cannot make the next token by itself',
  registerTokenWo: 'a registration token works once, so the provider cannot make the next token by itself',
  sealTo: 'an in-place rotation would store the new value unsealed; sealTo works with replacement rotation (leave previousTokenGrace out)',
} as const;

export function previousTokenGraceConflict(path: string, other: keyof typeof GRACE_CONFLICTS): MlpConstructError {
  return new MlpConstructError(
    'PREVIOUS_TOKEN_GRACE_CONFLICT',
    path,
    'previousTokenGrace',
    `previousTokenGrace is set together with ${other}: ${GRACE_CONFLICTS[other] ?? 'the two do not go together'}.`,
  );
}

/** The props `previousTokenGrace` conflicts with. */
export const PREVIOUS_TOKEN_GRACE_CONFLICTS = Object.keys(GRACE_CONFLICTS) as ReadonlyArray<keyof typeof GRACE_CONFLICTS>;
