/**
 * distribute: after each rotation, hand the new token to its consumer.
 *
 * A `null_resource` triggered by the token's id runs a `local-exec` command whenever the token is
 * replaced. The value reaches the command through the environment (never the command line, which
 * other users of the machine can read in the process list, and which Terraform prints).
 *
 * `local-exec` hands the command Terraform's whole environment, and that holds the admin token the
 * provider runs with (`MLP_TOKEN`). The consumer needs only the new token, so the admin credentials
 * are cleared in the command's environment (set to empty: Terraform cannot unset a variable).
 *
 * Note: `hashicorp/null` must be installable for this stack to deploy; on a machine without registry
 * access (like this project's CI) the example is synthesized and checked, not applied.
 */
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { ENV_TOKEN, MlpAccessToken, MlpProvider } from '../../lib';

/** Admin credentials a Terraform run may hold, emptied for the consumer: the provider's and the emulator's. */
export const CLEARED_CREDENTIALS: Readonly<Record<string, string>> = { [ENV_TOKEN]: '', MLP_EMULATOR_ADMIN_TOKEN: '' };

export class DistributeStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new MlpProvider(this, 'mlp');
    new NullProvider(this, 'null');

    const token = new MlpAccessToken(this, 'worker', {
      namePrefix: 'worker-',
      ttl: '720h',
      rotateAfter: '168h',
      createBeforeDestroy: true,
    });

    new NullResource(this, 'hand_over', {
      triggers: { token_id: token.id },
      provisioners: [
        {
          type: 'local-exec',
          // Replace with your secret store's CLI, e.g. `vault kv put secret/mlp token="$MLP_NEW_TOKEN"`.
          command: 'printf %s "$MLP_NEW_TOKEN" | ./store-secret.sh mlp/worker',
          environment: { ...CLEARED_CREDENTIALS, MLP_NEW_TOKEN: token.value },
        },
      ],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new DistributeStack(app, 'distribute');
  app.synth();
}
