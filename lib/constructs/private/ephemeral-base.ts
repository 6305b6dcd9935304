/**
 * The base of ephemeral bindings: CDK Terrain's `TerraformEphemeralResource` (cdktn 0.24+, which
 * writes `ephemeral` blocks), or, on cdktf 0.21, which has no way to express one, a stand-in that
 * refuses at construction with a synth-time error naming the alternative, before anything joins the
 * tree, rather than writing something invalid.
 */
import type { Construct } from 'constructs';
import * as cdktf from 'cdktf';
import { type ITerraformDependable, type IResolvable, TerraformElement, type TerraformProvider } from 'cdktf';
import * as errors from '../errors';

/** The meta-arguments of an ephemeral block the bindings take (Terraform allows no provisioners there). */
export interface EphemeralMetaArguments {
  /** The MlpProvider that opens it. @default - the stack's default mlp provider */
  readonly provider?: TerraformProvider;

  /** Resources to open it after. @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/** What the bindings use of cdktn's TerraformEphemeralResource (types only: cdktf 0.21 has none). */
export declare abstract class EphemeralResourceShape extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    config: {
      terraformResourceType: string;
      terraformGeneratorMetadata?: unknown;
      provider?: TerraformProvider;
      dependsOn?: ITerraformDependable[];
    },
  );
  getStringAttribute(terraformAttribute: string): string;
  getNumberAttribute(terraformAttribute: string): number;
  getBooleanAttribute(terraformAttribute: string): IResolvable;
  getListAttribute(terraformAttribute: string): string[];
  getNumberListAttribute(terraformAttribute: string): number[];
  getStringMapAttribute(terraformAttribute: string): { [key: string]: string };
  getNumberMapAttribute(terraformAttribute: string): { [key: string]: number };
  getBooleanMapAttribute(terraformAttribute: string): { [key: string]: boolean };
  protected synthesizeAttributes(): Record<string, unknown>;
  protected synthesizeHclAttributes(): Record<string, unknown>;
}

const NATIVE = (cdktf as unknown as { TerraformEphemeralResource?: typeof EphemeralResourceShape }).TerraformEphemeralResource;

function cdktfVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read only when a message names the cdktf version; a JSON import would load it with the module
    const pkg = require('cdktf/package.json') as { name?: string; version?: string };
    return `${pkg.name ?? 'cdktf'} ${pkg.version ?? ''}`.trim();
  } catch {
    return 'cdktf';
  }
}

/** On cdktf 0.21: a base that refuses at construction, before anything joins the tree. */
class NoEphemeralResources extends TerraformElement {
  constructor(scope: Construct, id: string) {
    if (NATIVE === undefined) throw errors.ephemeralUnsupported(`${scope.node.path}/${id}`, cdktfVersion());
    super(scope, id);
  }
}

/** cdktn's TerraformEphemeralResource, or the refusing stand-in on a cdktf without one. */
export const EphemeralResourceBase: typeof EphemeralResourceShape =
  NATIVE ?? (NoEphemeralResources as unknown as typeof EphemeralResourceShape);
