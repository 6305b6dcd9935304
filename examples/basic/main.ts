/**
 * basic: an Administrator-minted `User` token with a lifetime, its value in a sensitive output.
 *
 *   MLP_ENDPOINT=... MLP_TOKEN=<an Administrator token> cdktf deploy basic
 *   terraform output -raw ci_value        # in cdktf.out/stacks/basic: the token, once you need it
 *
 * Changing the `rotation` variable replaces the token (a manual rotation):
 *   cdktf deploy basic --var rotation=2   (or terraform apply -var rotation=2)
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { MlpAccessToken, MlpProvider } from '../../lib';

export class BasicStack extends TerraformStack {
  /** The token, for stacks that build on this one. */
  public readonly token: MlpAccessToken;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Endpoint and token come from MLP_ENDPOINT / MLP_TOKEN at apply time: nothing secret is synthesized.
    new MlpProvider(this, 'mlp');

    const rotation = new TerraformVariable(this, 'rotation', {
      type: 'string',
      default: '1',
      description: 'Change this value to replace (rotate) the token.',
    });

    this.token = new MlpAccessToken(this, 'ci', {
      name: 'ci-pipeline',
      role: 'user',
      ttl: '720h',
      rotationTriggers: { rotation: rotation.stringValue },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new BasicStack(app, 'basic');
  app.synth();
}
