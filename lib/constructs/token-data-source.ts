import type { Construct } from 'constructs';
import { TokenDataSourceBase } from './generated/token-data-source';
import { checkSameCdktf } from './private/cdktf-release';
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
export class MlpTokenDataSource extends TokenDataSourceBase {
  constructor(scope: Construct, id: string, props: MlpTokenDataSourceProps = {}) {
    super(scope, id, props);
    checkSameCdktf(this);
  }
}
