/**
 * cross-stack: one app, two stacks. The admin stack mints a registration token; the team stack
 * redeems it through a cdktf cross-stack reference (`registerToken: admin.handoff.value`), with no
 * admin credentials in its provider. cdktf turns the reference into a sensitive output of the admin
 * stack and a `terraform_remote_state` data source in the team stack, and deploys the admin stack
 * first:
 *
 *   cdktf deploy cross-stack-admin cross-stack-team      # MLP_TOKEN: an Administrator token
 *   cdktf diff cross-stack-team                          # with several stacks, diff needs a name
 *
 * The team stack reads the admin stack's state (that is where the output lives), so this fits one
 * pipeline that runs both stacks. To hand a token to another team, which must not read the admin's
 * state, pass it through a variable instead: examples/registration.
 */
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { MlpAccessToken, MlpProvider, MlpRegisterToken } from '../../lib';

/** The admin's side: mints the registration token (no output of its own: the reference makes one). */
export class CrossStackAdminStack extends TerraformStack {
  public readonly handoff: MlpRegisterToken;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MlpProvider(this, 'mlp');
    this.handoff = new MlpRegisterToken(this, 'handoff', {
      name: 'team-reports',
      role: 'user',
      accessTokenTtl: '2160h',
      ttl: '1h',
      output: false,
    });
  }
}

export interface CrossStackTeamStackProps {
  /** The registration token, as a reference to the admin stack's `MlpRegisterToken.value`. */
  readonly registerToken: string;
}

/** The team's side: its provider has no credentials; the token comes from the admin stack. */
export class CrossStackTeamStack extends TerraformStack {
  public readonly token: MlpAccessToken;

  constructor(scope: Construct, id: string, props: CrossStackTeamStackProps) {
    super(scope, id);
    new MlpProvider(this, 'mlp');
    this.token = new MlpAccessToken(this, 'team', { registerToken: props.registerToken });
  }
}

/** Both stacks, wired by the reference. */
export function buildCrossStackApp(app: App): { admin: CrossStackAdminStack; team: CrossStackTeamStack } {
  const admin = new CrossStackAdminStack(app, 'cross-stack-admin');
  const team = new CrossStackTeamStack(app, 'cross-stack-team', { registerToken: admin.handoff.value });
  return { admin, team };
}

if (require.main === module) {
  const app = new App();
  buildCrossStackApp(app);
  app.synth();
}
