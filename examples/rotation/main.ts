/**
 * rotation: a token that rotates itself on a schedule, without downtime.
 *
 * - `ttl: '720h'`: the token lives 30 days.
 * - `rotateAfter: '168h'`: any plan run a week or more after creation replaces it.
 * - `earlyRotationWindow: '72h'`: a plan in the last three days before expiry replaces it too
 *   (a safety net for pipelines that do not run weekly).
 * - `namePrefix` + `createBeforeDestroy`: the new token (a fresh unique name) exists before the old
 *   one is deleted, so consumers can switch over.
 * - `rotationTriggers`: change `release` to rotate by hand at any time.
 *
 * Run `cdktf deploy rotation` on a schedule (e.g. a nightly CI job): nothing happens until a rotation
 * is due, then the plan shows the replacement.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { MlpAccessToken, MlpProvider } from '../../lib';

export class RotationStack extends TerraformStack {
  public readonly token: MlpAccessToken;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MlpProvider(this, 'mlp');

    const release = new TerraformVariable(this, 'release', {
      type: 'string',
      default: 'initial',
      description: 'Change to rotate the token by hand.',
    });

    this.token = new MlpAccessToken(this, 'inference', {
      namePrefix: 'inference-',
      role: 'user',
      ttl: '720h',
      rotateAfter: '168h',
      earlyRotationWindow: '72h',
      createBeforeDestroy: true,
      rotationTriggers: { release: release.stringValue },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new RotationStack(app, 'rotation');
  app.synth();
}
