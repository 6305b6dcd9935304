/**
 * registration: an Administrator mints a one-time registration token; a second stack, configured with
 * no admin credentials, redeems it into an access token whose name, role and lifetime the admin fixed.
 *
 *   # as the admin (MLP_TOKEN = an Administrator token)
 *   cdktf deploy registration-admin
 *   terraform -chdir=cdktf.out/stacks/registration-admin output -raw handoff_value > handoff.txt
 *   # hand handoff.txt to the team over a secure channel; then, as the team (no MLP_TOKEN at all):
 *   cdktf deploy registration-team --var register_token="$(cat handoff.txt)"
 *
 * The team needs no credentials to create (and refresh) its token; destroying it later needs an
 * Administrator token, since only admins can delete tokens.
 *
 * The registration token is one-time: it is never recreated because it expired or was redeemed.
 * To re-issue, the admin changes the `issue` variable (it feeds `rotationTriggers`) and hands over the
 * new registration token; the team applies with it, which replaces its token, the new one first (the
 * old one's deletion needs an Administrator token, as above). The registration token has a
 * `namePrefix`, not a fixed name: each one names a new access token (the prefix and 12 random
 * characters), so it can be minted while the previous issue's token still holds its name. A re-issue
 * is an in-place update (its `generation` goes up by one), so the new one is minted before the old
 * one is forgotten.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { MlpAccessToken, MlpProvider, MlpRegisterToken } from '../../lib';

/** The admin's side: mints the registration token. */
export class RegistrationAdminStack extends TerraformStack {
  public readonly handoff: MlpRegisterToken;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MlpProvider(this, 'mlp');
    const issue = new TerraformVariable(this, 'issue', {
      type: 'string',
      default: '1',
      description: 'Change to mint a new registration token (a re-issue).',
    });
    this.handoff = new MlpRegisterToken(this, 'handoff', {
      // Names are unique, and the previous issue's token still exists when the new registration token
      // is minted: a prefix gives every issue a name of its own.
      namePrefix: 'team-analytics-',
      role: 'user',
      accessTokenTtl: '2160h',
      ttl: '48h',
      rotationTriggers: { issue: issue.stringValue },
      createBeforeDestroy: true,
    });
  }
}

/** The team's side: no admin credentials; redeems the registration token it was handed. */
export class RegistrationTeamStack extends TerraformStack {
  public readonly token: MlpAccessToken;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MlpProvider(this, 'mlp');
    const registerToken = new TerraformVariable(this, 'register_token', {
      type: 'string',
      sensitive: true,
      description: 'The registration token the admin handed over.',
    });
    // Each issue names a new token, so the new one can be created before the old one is deleted.
    this.token = new MlpAccessToken(this, 'team', { registerToken: registerToken.stringValue, createBeforeDestroy: true });
  }
}

if (require.main === module) {
  const app = new App();
  new RegistrationAdminStack(app, 'registration-admin');
  new RegistrationTeamStack(app, 'registration-team');
  app.synth();
}
