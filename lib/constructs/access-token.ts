import type { Construct } from 'constructs';
import { type TerraformOutput } from 'cdktf';
import * as errors from './errors';
import { AccessTokenBase, type AccessTokenConfig, ATTRIBUTES as A } from './generated/access-token';
import { checkSameCdktf } from './private/cdktf-release';
import { lifecycleWith } from './private/synth';
import {
  checkDuration,
  checkCreateBeforeDestroyName,
  checkName,
  checkNameChoice,
  checkNamePrefix,
  checkRole,
  checkRotationTriggers,
  checkSecretIsReference,
  checkSecretSource,
} from './private/validation';
import { addTokenOutputs } from './private/value-output';
import type { MlpRole, MlpValueOutputOptions } from './options';
import { type MlpSealProps, type MlpWriteOnlyRedeemProps, checkSealTo, checkWriteOnlyRedeem, noteWriteOnlyUsage } from './secrets';

/**
 * Every prop of an ML Platform access token; {@link MlpAccessTokenProps} says which may go together.
 *
 * Durations are Go-style strings with the units `h`, `m` and `s`: `"90m"`, `"720h"`, `"2h45m30s"`.
 */
export interface MlpAccessTokenOptions extends AccessTokenConfig, MlpSealProps, MlpWriteOnlyRedeemProps {
  /**
   * The token's name: letters, digits, `.`, `_` and `-`, at most 64 characters, unique in the
   * project. Exactly one of `name` and `namePrefix` is required, unless `registerToken` is given
   * (the registration token fixes the name; `name` is then optional).
   *
   * @default - none; give `name` or `namePrefix`
   */
  readonly name?: string;

  /**
   * A prefix the provider completes with a unique suffix (12 characters), so a replacement can exist
   * beside the token it replaces: use it with `createBeforeDestroy` for rotation without downtime.
   * At most 52 characters. Not allowed with `registerToken`.
   *
   * @default - none; give `name` or `namePrefix`
   */
  readonly namePrefix?: string;

  /**
   * `"user"` (most ML Platform methods) or `"admin"` (all of them, including managing tokens).
   * Not allowed with `registerToken`, which fixes the role.
   *
   * @default "user"
   */
  readonly role?: MlpRole;

  /**
   * The token's lifetime from creation; it expires then and the next plan replaces it.
   * Not allowed with `registerToken`, which fixes the lifetime (MlpRegisterToken's `accessTokenTtl`).
   *
   * @default - never expires
   */
  readonly ttl?: string;

  /**
   * A registration token to redeem: a reference, such as an MlpRegisterToken's `value` or a
   * sensitive TerraformVariable's `stringValue`, never a literal. It fixes the name, role and
   * lifetime, so `namePrefix`, `role` and `ttl` cannot be given with it. A registration token can be
   * redeemed once: to replace this token later you need a fresh one (rotate the MlpRegisterToken
   * with the same `rotationTriggers`).
   *
   * @default - the token is created directly, with the provider's credentials
   */
  readonly registerToken?: string;

  /**
   * Arbitrary strings; changing any of them replaces the token (like `keepers` in the `random`
   * provider), e.g. `{ release: '2025-06' }`.
   *
   * @default - no triggers
   */
  readonly rotationTriggers?: { readonly [key: string]: string };

  /**
   * Replace the token this long after it was created, whether or not it expires. Must be shorter
   * than `ttl` when both are set, or the token would expire first.
   *
   * @default - replaced only on expiry (see `earlyRotationWindow`) or a trigger change
   */
  readonly rotateAfter?: string;

  /**
   * Replace the token this long before it expires, so the new value is in place before the old
   * one stops working. Needs `ttl` (or `registerToken`, whose registration token sets the lifetime)
   * and must be shorter than it: a window as long as the lifetime would replace every fresh token
   * again at the next plan. A quarter of `ttl` is a good start.
   *
   * @default - replaced only once expired
   */
  readonly earlyRotationWindow?: string;

  /**
   * Create the replacement before destroying the old token (Terraform's `create_before_destroy`),
   * so services switch to the new value with no gap. Needs `namePrefix`: names are unique, so a
   * fixed `name` cannot exist twice. A shorthand for `lifecycle: { createBeforeDestroy: true }`,
   * merged with an explicit `lifecycle` (the two must not disagree).
   *
   * @default false
   */
  readonly createBeforeDestroy?: boolean;

  /**
   * Let the provider delete a token of this `name` that the Terraform state does not hold and create
   * this one in its place. By default such a plan fails, naming the token, and nothing is deleted
   * (adopt it with `terraform import`, or pick another name). Meant for unattended recovery after a
   * run of this same configuration was interrupted before it recorded the token: never set it for a
   * name someone else may use.
   *
   * @default false
   */
  readonly replaceExisting?: boolean;

  /**
   * The sensitive Terraform output carrying the token's value: options to rename it, or `false` to
   * leave it out (the value is still in the Terraform state, and in `value` for other resources).
   *
   * @default - an output named `<logical id>_value` (`ci_value` for a token with id `ci` declared in the stack)
   */
  readonly output?: MlpValueOutputOptions | false;
}

/**
 * An ML Platform access token. Give it `name` or `namePrefix` (exactly one) to create one directly
 * (the provider needs an Administrator token), or `registerToken` to redeem a registration token (no
 * credentials needed; the registration token fixes the name, role and lifetime). The type lets only
 * these three shapes through; the same rules are checked at run time for JavaScript callers.
 */
export type MlpAccessTokenProps = MlpAccessTokenOptions &
  (
    | { readonly name: string; readonly namePrefix?: never; readonly registerToken?: never; readonly registerTokenWo?: never }
    | { readonly namePrefix: string; readonly name?: never; readonly registerToken?: never; readonly registerTokenWo?: never }
    | {
        readonly registerToken: string;
        readonly registerTokenWo?: never;
        readonly namePrefix?: never;
        readonly role?: never;
        readonly ttl?: never;
      }
    | {
        readonly registerTokenWo: string;
        readonly registerTokenWoVersion: number;
        readonly registerToken?: never;
        readonly namePrefix?: never;
        readonly role?: never;
        readonly ttl?: never;
      }
  );

/**
 * An ML Platform access token (`mlp_access_token`). Its `value` is a sensitive reference: pass it
 * to other resources, or read the output with `terraform output -raw <id>_value`.
 *
 * @example
 * const ci = new MlpAccessToken(this, 'ci', {
 *   namePrefix: 'ci-',
 *   ttl: '720h',
 *   earlyRotationWindow: '168h',
 *   createBeforeDestroy: true,
 * });
 */
export class MlpAccessToken extends AccessTokenBase {
  /** The sensitive output carrying `value`, unless turned off with `output: false` (or replaced by the sealed one with `sealTo`). */
  public readonly valueOutput?: TerraformOutput;

  /** With `sealTo`: the plain output `<id>_sealed_value` carrying `sealedValue`. */
  public readonly sealedValueOutput?: TerraformOutput;

  constructor(scope: Construct, id: string, props: MlpAccessTokenProps) {
    super(scope, id, props);
    checkSameCdktf(this);
    this.lifecycle = lifecycleWith(this.node.path, props.lifecycle, props.createBeforeDestroy);
    validate(this.node.path, props, this.lifecycle?.createBeforeDestroy === true);
    const outputs = addTokenOutputs(this, A, props);
    this.valueOutput = outputs.valueOutput;
    this.sealedValueOutput = outputs.sealedValueOutput;
    noteWriteOnlyUsage(this, props.registerTokenWo !== undefined);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    this.checkSecretSources();
    return super.synthesizeAttributes();
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    this.checkSecretSources();
    return super.synthesizeHclAttributes();
  }

  /** Where the registration token comes from is known only once the stack is complete: checked at synth. */
  private checkSecretSources(): void {
    checkSecretSource(this, 'registerToken', this.config.registerToken);
    checkSecretSource(this, 'registerTokenWo', this.config.registerTokenWo);
  }
}

/** Every synth-time rule of `mlp_access_token`; references are skipped (the provider checks them at plan). */
function validate(where: string, p: MlpAccessTokenOptions, createBeforeDestroy: boolean): void {
  checkSecretIsReference(p.registerToken, (length) => errors.literalRegisterToken(where, length));
  checkWriteOnlyRedeem(where, p);
  checkSealTo(where, p.sealTo);
  if (p.registerToken !== undefined || p.registerTokenWo !== undefined) {
    const conflicting = (['namePrefix', 'role', 'ttl'] as const).filter((k) => p[k] !== undefined);
    if (conflicting.length > 0) throw errors.registerTokenConflict(where, conflicting);
  } else {
    checkNameChoice(where, p.name, p.namePrefix);
  }
  checkName(where, 'name', p.name);
  checkNamePrefix(where, p.namePrefix);
  checkRole(where, p.role);

  const ttl = checkDuration(where, 'ttl', p.ttl);
  const rotateAfter = checkDuration(where, 'rotateAfter', p.rotateAfter);
  const window = checkDuration(where, 'earlyRotationWindow', p.earlyRotationWindow);
  checkDuration(where, 'previousTokenGrace', p.previousTokenGrace);
  // The rules the provider checks at validate that need no other resource: refused here first.
  if (p.previousTokenGrace !== undefined) {
    const other = errors.PREVIOUS_TOKEN_GRACE_CONFLICTS.find((k) => p[k] !== undefined);
    if (other !== undefined) throw errors.previousTokenGraceConflict(where, other);
  }
  // With registerToken the lifetime comes from the registration token, known only to the provider.
  if (window !== undefined && p.ttl === undefined && p.registerToken === undefined && p.registerTokenWo === undefined) {
    throw errors.rotationWindowWithoutTtl(where, p.earlyRotationWindow!);
  }
  if (window !== undefined && ttl !== undefined && window >= ttl) {
    throw errors.rotationWindowTooLong(where, p.earlyRotationWindow!, p.ttl!);
  }
  // rotateAfter and earlyRotationWindow count from different ends (creation, expiry): no rule between them.
  if (rotateAfter !== undefined && ttl !== undefined && rotateAfter >= ttl) {
    throw errors.rotateAfterTooLong(where, p.rotateAfter!, p.ttl!);
  }

  checkCreateBeforeDestroyName(where, createBeforeDestroy, p.name);
  checkRotationTriggers(where, p.rotationTriggers);
}
