/**
 * Props shared by several constructs.
 */
import type { ITerraformDependable, TerraformMetaArguments, TerraformProvider } from 'cdktf';
import type { Role } from '../constants';

/**
 * A token role: `"user"` (most ML Platform methods) or `"admin"` (all of them, including managing
 * tokens). Any string is accepted so a reference (e.g. a TerraformVariable's `stringValue`) can be
 * passed; literals are checked at synth time.
 */
export type MlpRole = Role | (string & Record<never, never>);

/**
 * Meta-arguments every mlp resource and data source takes: the same `TerraformMetaArguments` the
 * bindings `cdktf get` generates take (`dependsOn`, `count`, `forEach`, `provider`, `lifecycle`,
 * `provisioners`, `connection`), so code written for generated bindings works here unchanged.
 */
export interface MlpElementOptions extends TerraformMetaArguments {
  /**
   * The provider configuration to use, for stacks with more than one (see `MlpProviderProps.alias`).
   *
   * @default - the stack's default (un-aliased) mlp provider configuration
   */
  readonly provider?: TerraformProvider;

  /**
   * Elements Terraform must create before this one.
   *
   * @default - only the dependencies implied by references
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * How a token's value is published as a Terraform output. The output is always `sensitive`:
 * `terraform output` hides it, `terraform output -raw <name>` prints it.
 */
export interface MlpValueOutputOptions {
  /**
   * The output's name (a Terraform identifier).
   *
   * @default - `<logical id>_value`, where the logical id is the resource's Terraform name: the
   * construct id for a construct declared directly in the stack (`ci` gives `ci_value`), or cdktf's
   * path-and-hash id for one nested deeper (e.g. `team_ci_1A2B3C4D_value`)
   */
  readonly name?: string;

  /**
   * The output's description.
   *
   * @default - names the construct and the command that prints the value
   */
  readonly description?: string;
}
