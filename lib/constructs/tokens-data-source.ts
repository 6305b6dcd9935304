import type { Construct } from 'constructs';
import { ComplexList, ComplexObject, TerraformDataSource, type IInterpolatingParent } from 'cdktf';
import { TOKENS_DATA_ATTRS, TOKENS_DATA_SOURCE, TOKEN_DATA_ATTRS as T } from '../constants';
import { checkSameCdktf } from './private/cdktf-release';
import { GENERATOR_METADATA, metaArguments } from './private/synth';
import type { MlpElementOptions } from './options';

/** Options of {@link MlpTokensDataSource}; it has no arguments of its own. */
export type MlpTokensDataSourceProps = MlpElementOptions;

/** One token of {@link MlpTokensDataSource.tokens}: `tokens.get(0).name`. */
export class MlpTokensItemReference extends ComplexObject {
  constructor(parent: IInterpolatingParent, attribute: string, index: number, fromSet: boolean) {
    super(parent, attribute, fromSet, index);
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
}

/**
 * The list of {@link MlpTokensDataSource.tokens}. To make one resource per token, iterate it keyed by
 * name: `forEach: tokens.allWithMapKey('name')` (Terraform's for_each takes no set of objects).
 */
export class MlpTokensList extends ComplexList {
  /** The token at `index` (a Terraform index expression; the list's length is known only at plan). */
  public get(index: number): MlpTokensItemReference {
    return new MlpTokensItemReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
 * The project's access tokens (`data "mlp_tokens"`). Reading the list needs an Administrator token.
 * Registration tokens are never listed (the API keeps no list of them).
 *
 * @example
 * const all = new MlpTokensDataSource(this, 'all');
 * new TerraformOutput(this, 'token_names', { value: all.names });
 */
export class MlpTokensDataSource extends TerraformDataSource {
  /** The Terraform data source type, `mlp_tokens` (also what the cdktf jest matchers look up). */
  public static readonly tfResourceType = TOKENS_DATA_SOURCE;

  private readonly _tokens = new MlpTokensList(this, TOKENS_DATA_ATTRS.tokens, false);

  constructor(scope: Construct, id: string, props: MlpTokensDataSourceProps = {}) {
    super(scope, id, {
      terraformResourceType: TOKENS_DATA_SOURCE,
      terraformGeneratorMetadata: GENERATOR_METADATA,
      ...metaArguments(props),
    });
    checkSameCdktf(this);
  }

  /** Every access token of the project, each with id, name, role, issuer, creation and expiry. */
  public get tokens(): MlpTokensList {
    return this._tokens;
  }

  /** The names of all the project's access tokens (`tokens[*].name`). */
  public get names(): string[] {
    return this.getListAttribute(`${TOKENS_DATA_ATTRS.tokens}[*].${T.name}`);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }
}
