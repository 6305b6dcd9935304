import type { Construct } from 'constructs';
import { TOKENS_DATA_ATTRS, TOKEN_DATA_ATTRS as T } from '../constants';
import { TokensDataSourceBase, TokensDataSourceTokensList, TokensDataSourceTokensReference } from './generated/tokens-data-source';
import { checkSameCdktf } from './private/cdktf-release';
import type { MlpElementOptions } from './options';

/** Options of {@link MlpTokensDataSource}; it has no arguments of its own. */
export type MlpTokensDataSourceProps = MlpElementOptions;

/**
 * One token of {@link MlpTokensDataSource.tokens}: `tokens.get(0).name`; each has the id, name, role,
 * issuer, creation and expiry (RFC 3339, or null if it never expires) of one access token.
 */
export class MlpTokensItemReference extends TokensDataSourceTokensReference {}

/**
 * The list of {@link MlpTokensDataSource.tokens}. To make one resource per token, iterate it keyed by
 * name: `forEach: tokens.allWithMapKey('name')` (Terraform's for_each takes no set of objects).
 */
export class MlpTokensList extends TokensDataSourceTokensList {
  /** The token at `index` (a Terraform index expression; the list's length is known only at plan). */
  public override get(index: number): MlpTokensItemReference {
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
export class MlpTokensDataSource extends TokensDataSourceBase {
  // Made on first read, as the generated getters make theirs: most stacks never read the list.
  private tokenList?: MlpTokensList;

  constructor(scope: Construct, id: string, props: MlpTokensDataSourceProps = {}) {
    super(scope, id, props);
    checkSameCdktf(this);
  }

  /** Every access token of the project, each with id, name, role, issuer, creation and expiry. */
  public override get tokens(): MlpTokensList {
    return (this.tokenList ??= new MlpTokensList(this, TOKENS_DATA_ATTRS.tokens, false));
  }

  /** The names of all the project's access tokens (`tokens[*].name`). */
  public get names(): string[] {
    return this.getListAttribute(`${TOKENS_DATA_ATTRS.tokens}[*].${T.name}`);
  }
}
