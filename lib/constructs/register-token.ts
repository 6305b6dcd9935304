import type { Construct } from 'constructs';
import { type TerraformOutput } from 'cdktf';
import * as errors from './errors';
import { ATTRIBUTES as R, RegisterTokenBase, type RegisterTokenConfig } from './generated/register-token';
import { checkSameCdktf } from './private/cdktf-release';
import { lifecycleWith } from './private/synth';
import {
  checkCreateBeforeDestroyName,
  checkDuration,
  checkName,
  checkNameChoice,
  checkNamePrefix,
  checkRole,
  checkRotationTriggers,
} from './private/validation';
import { addTokenOutputs } from './private/value-output';
import type { MlpRole, MlpValueOutputOptions } from './options';
import { type MlpSealProps, checkSealTo } from './secrets';

/**
 * Every prop of a registration token; {@link MlpRegisterTokenProps} says which may go together.
 */
export interface MlpRegisterTokenOptions extends RegisterTokenConfig, MlpSealProps {
  /**
   * The name of the access token it will create: letters, digits, `.`, `_` and `-`, at most 64
   * characters, unique in the project when redeemed. Exactly one of `name` and `namePrefix`.
   *
   * @default - none; give `name` or `namePrefix`
   */
  readonly name?: string;

  /**
   * A prefix the provider completes with a unique suffix (12 characters) to name the access token
   * it will create, so a new registration token can be minted while the access token redeemed from
   * the previous one exists: a re-issue (change `rotationTriggers`) is an in-place update that mints
   * the new one before the old one leaves the state (`generation` goes up by one). At most 52 characters.
   *
   * @default - none; give `name` or `namePrefix`
   */
  readonly namePrefix?: string;

  /**
   * The role of the access token it will create: `"user"` or `"admin"`.
   *
   * @default "user"
   */
  readonly role?: MlpRole;

  /**
   * The lifetime of the access token it will create, counted from redemption (Go-style: `"720h"`).
   *
   * @default - the access token never expires
   */
  readonly accessTokenTtl?: string;

  /**
   * How long the registration token itself can be redeemed (Go-style: `"1h"`, `"2h45m30s"`). Keep it
   * short: it is a bearer secret until used.
   */
  readonly ttl: string;

  /**
   * Arbitrary strings; changing any of them mints a new registration token. Give the MlpAccessToken
   * that redeems it the same triggers, so both are replaced together.
   *
   * @default - no triggers
   */
  readonly rotationTriggers?: { readonly [key: string]: string };

  /**
   * Terraform's `create_before_destroy`. A re-issue is an in-place update (the new registration
   * token is minted before the old one leaves the state), so no change of its inputs replaces it:
   * this matters only when Terraform replaces it anyway (`-replace`, tainted). Needs `namePrefix`: two
   * registration tokens cannot carry one fixed name. A shorthand for
   * `lifecycle: { createBeforeDestroy: true }`, merged with an explicit `lifecycle`.
   *
   * @default false
   */
  readonly createBeforeDestroy?: boolean;

  /**
   * The sensitive Terraform output carrying the registration token, for handing it to whoever
   * redeems it: options to rename it, or `false` to leave it out (e.g. when an MlpAccessToken in the
   * same stack redeems it).
   *
   * @default - an output named `<logical id>_value`
   */
  readonly output?: MlpValueOutputOptions | false;
}

/**
 * A one-time registration token: whoever holds it redeems it, with no credentials of their own, for
 * an access token whose name (`name`, or `namePrefix` plus a unique suffix), role and lifetime are
 * fixed here. Minting one needs an Administrator token in the provider. The type lets exactly one
 * of `name` and `namePrefix` through; the same rule is checked at run time for JavaScript callers.
 */
export type MlpRegisterTokenProps = MlpRegisterTokenOptions &
  ({ readonly name: string; readonly namePrefix?: never } | { readonly namePrefix: string; readonly name?: never });

/**
 * A registration token (`mlp_register_token`). Hand its `value` to an MlpAccessToken's
 * `registerToken`, or to whoever should redeem it through the sensitive output.
 *
 * @example
 * const invite = new MlpRegisterToken(this, 'invite', { name: 'analytics-bot', accessTokenTtl: '720h', ttl: '1h' });
 * new MlpAccessToken(this, 'bot', { registerToken: invite.value });
 */
export class MlpRegisterToken extends RegisterTokenBase {
  /** The sensitive output carrying `value`, unless turned off with `output: false`. */
  public readonly valueOutput?: TerraformOutput;

  /** With `sealTo`: the plain output `<id>_sealed_value` carrying `sealedValue`. */
  public readonly sealedValueOutput?: TerraformOutput;

  constructor(scope: Construct, id: string, props: MlpRegisterTokenProps) {
    super(scope, id, props);
    checkSameCdktf(this);
    const where = this.node.path;
    this.lifecycle = lifecycleWith(where, props.lifecycle, props.createBeforeDestroy);
    // Required by the types; JavaScript callers can still get them wrong.
    const { name, namePrefix } = props as MlpRegisterTokenOptions;
    checkNameChoice(where, name, namePrefix, 'registration token');
    if (props.ttl === undefined) throw errors.missingProperty(where, 'ttl', '"1h"');
    checkName(where, 'name', props.name);
    checkNamePrefix(where, props.namePrefix);
    checkCreateBeforeDestroyName(where, this.lifecycle?.createBeforeDestroy === true, props.name);
    checkRole(where, props.role);
    checkDuration(where, 'accessTokenTtl', props.accessTokenTtl);
    checkDuration(where, 'ttl', props.ttl);
    checkRotationTriggers(where, props.rotationTriggers);
    checkSealTo(this.node.path, props.sealTo);
    const outputs = addTokenOutputs(this, R, props);
    this.valueOutput = outputs.valueOutput;
    this.sealedValueOutput = outputs.sealedValueOutput;
  }
}
