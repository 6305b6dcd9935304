import type { Construct } from 'constructs';
import { TerraformDataSource } from 'cdktf';
import { TOKEN_DATA_ATTRS as T, TOKEN_DATA_SOURCE } from '../constants';
import { checkSameCdktf } from './private/cdktf-release';
import { GENERATOR_METADATA, metaArguments } from './private/synth';
import type { MlpElementOptions } from './options';

/** Options of {@link MlpTokenDataSource}; it has no arguments of its own. */
export type MlpTokenDataSourceProps = MlpElementOptions;

/**
 * Who am I (`data "mlp_token"`): the token the provider authenticates with. Any role can read it;
 * handy to check in a plan which token and project a stack runs as, and when that token expires.
 *
 * @example
 * const me = new MlpTokenDataSource(this, 'me');
 * new TerraformOutput(this, 'running_as', { value: me.name });
 */
export class MlpTokenDataSource extends TerraformDataSource {
  /** The Terraform data source type, `mlp_token` (also what the cdktf jest matchers look up). */
  public static readonly tfResourceType = TOKEN_DATA_SOURCE;

  constructor(scope: Construct, id: string, props: MlpTokenDataSourceProps = {}) {
    super(scope, id, {
      terraformResourceType: TOKEN_DATA_SOURCE,
      terraformGeneratorMetadata: GENERATOR_METADATA,
      ...metaArguments(props),
    });
    checkSameCdktf(this);
  }

  /** The token's id. */
  public get id(): string {
    return this.getStringAttribute(T.id);
  }

  /** The token's name. */
  public get name(): string {
    return this.getStringAttribute(T.name);
  }

  /** `user` or `admin`. */
  public get role(): string {
    return this.getStringAttribute(T.role);
  }

  /** Who created the token. */
  public get issuerName(): string {
    return this.getStringAttribute(T.issuerName);
  }

  /** When the token was created (RFC 3339). */
  public get createdAt(): string {
    return this.getStringAttribute(T.createdAt);
  }

  /** When the token expires (RFC 3339), or null if it never does. */
  public get expiresAt(): string {
    return this.getStringAttribute(T.expiresAt);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }
}
