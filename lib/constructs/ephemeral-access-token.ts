/**
 * `MlpEphemeralAccessToken`: the `ephemeral "mlp_access_token"` block (Terraform 1.10+) for CDK
 * Terrain. Terraform mints the token when a run needs it and deletes it when the run is done with it,
 * at plan and again at apply; its value is never in a plan or state, so it can configure another
 * provider (an aliased MlpProvider, say) or feed a write-only argument.
 *
 * Only CDK Terrain (cdktn) 0.24 and later can write ephemeral blocks (`TerraformEphemeralResource`);
 * there the project's `targetVersions` must allow them (e.g. `"terraform": ">=1.11.0"` in
 * cdktf.json), which cdktn checks at synth. cdktf 0.21 has no way to express one: the constructor
 * throws a synth-time error that names the alternative, rather than writing something invalid.
 */
import type { Construct } from 'constructs';
import { EPHEMERAL_MAX_TTL } from '../constants';
import { parseDuration } from '../contract/duration';
import * as errors from './errors';
import { EphemeralAccessTokenBase, type EphemeralAccessTokenConfig } from './generated/ephemeral-access-token';
import { checkSameCdktf } from './private/cdktf-release';
import { checkDuration, checkNamePrefix, checkRole, checkSecretIsReference } from './private/validation';
import type { MlpRole } from './options';

export interface MlpEphemeralAccessTokenProps extends EphemeralAccessTokenConfig {
  /**
   * The token's lifetime (Go-style duration, at most 24h). It expires by itself then, even when a
   * killed run never deleted it; make it long enough for the plan or apply that uses it.
   */
  readonly ttl: string;

  /**
   * The name's beginning; the provider appends 12 random characters, so overlapping runs never clash.
   * Not allowed with `registerToken`.
   *
   * @default "ephemeral-"
   */
  readonly namePrefix?: string;

  /**
   * `"user"` or `"admin"`.
   *
   * @default "user"
   */
  readonly role?: MlpRole;

  /**
   * A registration token to redeem instead of minting with the provider's Administrator token (a
   * reference, never a literal). Works once, and Terraform opens ephemeral resources at plan and
   * at apply: use it with a plain `terraform apply`.
   *
   * @default - minted with the provider's credentials
   */
  readonly registerToken?: string;
}

/**
 * An ML Platform access token that lives only while a Terraform run uses it
 * (`ephemeral "mlp_access_token"`). Its `value` is an ephemeral reference: use it where Terraform
 * allows ephemeral values (a provider block, a write-only argument, a provisioner).
 *
 * @example
 * const eph = new MlpEphemeralAccessToken(this, 'deploy', { ttl: '1h' });
 * new MlpProvider(this, 'as-deploy', { alias: 'deploy', token: eph.value });
 */
export class MlpEphemeralAccessToken extends EphemeralAccessTokenBase {
  constructor(scope: Construct, id: string, props: MlpEphemeralAccessTokenProps) {
    super(scope, id, props);
    checkSameCdktf(this);
    validate(this.node.path, props);
  }

  /** The token's id in the ML Platform (also `id`). */
  public get tokenId(): string {
    return this.id;
  }
}

function validate(where: string, p: MlpEphemeralAccessTokenProps): void {
  checkSecretIsReference(p.registerToken, (length) => errors.literalRegisterToken(where, length));
  if (p.registerToken !== undefined && p.namePrefix !== undefined) throw errors.registerTokenConflict(where, ['namePrefix']);
  if (p.ttl === undefined)
    throw errors.missingProperty(where, 'ttl', `'1h' (the ephemeral token expires by itself after it; at most ${EPHEMERAL_MAX_TTL})`);
  const ttl = checkDuration(where, 'ttl', p.ttl);
  if (ttl !== undefined && ttl > parseDuration(EPHEMERAL_MAX_TTL)) throw errors.invalidEphemeralTtl(where, p.ttl, EPHEMERAL_MAX_TTL);
  checkNamePrefix(where, p.namePrefix);
  checkRole(where, p.role);
}
