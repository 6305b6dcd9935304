import * as path from 'node:path';
import type { Construct } from 'constructs';
import { TerraformStack, type ISynthesisSession } from 'cdktf';
import { MAX_RETRIES_LIMIT, endpointProblem } from '../contract/validation';
import { timeoutSchema } from '../contract/rule-schemas';
import { installProvider } from '../install/mirror';
import * as errors from './errors';
import { ProviderBase, type ProviderConfig } from './generated/provider';
import { checkSameCdktf } from './private/cdktf-release';
import { checkDuration, checkIdentifier, checkSecretIsReference, checkSecretSource, isReference, literal } from './private/validation';

/** Configuration of the `mlp` Terraform provider. Every field is optional. */
export interface MlpProviderProps extends ProviderConfig {
  /**
   * The ML Platform API base URL (`http://127.0.0.1:PORT` for the local emulator).
   *
   * @default - the `MLP_ENDPOINT` environment variable of the Terraform run, else
   * `https://msk.cloud.vk.com/infra/mlplatform` (Moscow)
   */
  readonly endpoint?: string;

  /**
   * The access token the provider authenticates with: an Administrator token to create, list and
   * delete tokens; none is needed to redeem a registration token. Must be a reference, never a literal: a literal would be written in clear text into
   * cdk.tf.json. Use a sensitive variable:
   * `new TerraformVariable(this, 'mlp_token', { type: 'string', sensitive: true }).stringValue`
   * (set with `TF_VAR_mlp_token`), or leave this out.
   *
   * @default - the `MLP_TOKEN` environment variable of the Terraform run
   */
  readonly token?: string;

  /**
   * The total time one API call may take, retries included, as a Go-style duration (`"30s"`, `"2m"`).
   *
   * @default - "30s" (the provider's default)
   */
  readonly requestTimeout?: string;

  /**
   * How many times a failed call that is safe to repeat is retried (429, 5xx, lost connection);
   * `0` turns retries off. The provider accepts at most 20.
   *
   * @default - 4 (the provider's default)
   */
  readonly maxRetries?: number;

  /**
   * An alias, to use several configurations (e.g. two projects) in one stack; pass the provider as
   * `provider` to the resources that should use it.
   *
   * @default - none: this is the stack's default mlp configuration
   */
  readonly alias?: string;

  /**
   * Lay the provider out in the synthesized stack's directory (`terraform.d/plugins/...`, Terraform's
   * implied local mirror) and record its hash in `.terraform.lock.hcl`, so `terraform init` finds it
   * without any registry. Turn it off if your Terraform CLI configuration has a
   * `provider_installation` block (which disables the implied mirror) and you lay out a
   * `filesystem_mirror` yourself (`npx mlp-tokens mirror DIR --filesystem-mirror`).
   *
   * @default true
   */
  readonly installMirror?: boolean;
}

const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/** Stack directories already laid out in a synthesis session: several aliases need one mirror. */
const laidOut = new WeakMap<object, Set<string>>();

/**
 * The `mlp` provider (source `terraform.local/mlp-tokens/mlp`). Declare one per stack; it reads
 * `MLP_ENDPOINT` and `MLP_TOKEN` from the environment unless given `endpoint` and `token`.
 *
 * @example
 * const token = new TerraformVariable(this, 'mlp_token', { type: 'string', sensitive: true });
 * new MlpProvider(this, 'mlp', { token: token.stringValue });
 */
export class MlpProvider extends ProviderBase {
  private _alias: string | undefined;

  constructor(scope: Construct, id: string, props: MlpProviderProps = {}) {
    super(scope, id, props);
    checkSameCdktf(this);
    const where = this.node.path;
    checkSecretIsReference(props.token, (length) => errors.literalProviderToken(where, length));
    checkEndpoint(where, props.endpoint);
    checkDuration(where, 'requestTimeout', props.requestTimeout, timeoutSchema);
    checkMaxRetries(where, props.maxRetries);
    checkIdentifier(where, 'alias', props.alias, 'other_project');
    this._alias = props.alias;

    if (props.installMirror !== false) {
      Object.defineProperty(this, CUSTOM_SYNTHESIS, {
        value: { onSynthesize: (session: ISynthesisSession) => this.installMirror(session) },
        enumerable: false,
      });
    }
  }

  public override get alias(): string | undefined {
    return this._alias;
  }

  public override set alias(value: string | undefined) {
    checkIdentifier(this.node.path, 'alias', value, 'other_project');
    this._alias = value;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    checkSecretSource(this, 'token', this.config.token);
    return super.synthesizeAttributes();
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    checkSecretSource(this, 'token', this.config.token);
    return super.synthesizeHclAttributes();
  }

  /** Runs during `app.synth()` (and `Testing.fullSynth`), after the stack's directory exists. */
  private installMirror(session: ISynthesisSession): void {
    const stack = TerraformStack.of(this);
    const workingDirectory = session.manifest?.forStack(stack).workingDirectory ?? path.join('stacks', stack.node.id);
    const stackDir = path.resolve(session.outdir, workingDirectory);
    const done = laidOut.get(session) ?? new Set<string>();
    laidOut.set(session, done);
    if (done.has(stackDir)) return;
    try {
      installProvider(stackDir);
    } catch (cause) {
      throw errors.mirrorFailed(this.node.path, stackDir, cause);
    }
    done.add(stackDir);
  }
}

function checkEndpoint(where: string, value: string | undefined): void {
  const endpoint = literal(value);
  if (endpoint === undefined) return;
  const problem = endpointProblem(endpoint);
  if (problem) throw errors.invalidEndpoint(where, problem);
}

function checkMaxRetries(where: string, value: number | undefined): void {
  if (value === undefined || isReference(value)) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_RETRIES_LIMIT) throw errors.invalidMaxRetries(where, value);
}
