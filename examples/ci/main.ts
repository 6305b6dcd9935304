/**
 * ci: the stack the example pipelines (`github-actions.yml`, `gitlab-ci.yml` here) plan on a pull
 * request, apply on the main branch after approval, and redeploy every night to rotate.
 *
 * - The state lives in a remote backend, chosen at synth by `TF_STATE_BACKEND`:
 *   `pg` (default; the connection string comes from `PG_CONN_STR` at init, never synthesized) or
 *   `s3` for VK Cloud Object Storage (`TF_STATE_BUCKET`; credentials from `AWS_ACCESS_KEY_ID` /
 *   `AWS_SECRET_ACCESS_KEY`; locking with `use_lockfile`, Terraform >= 1.10).
 * - `deploy`: rotates every `rotateAfter` (a nightly job picks it up) and in its last 3 days.
 * - `release`: change it to rotate by hand (`terraform plan -var release=...`).
 *
 *   cdktf synth && cd cdktf.out/stacks/tokens && terraform init && terraform plan -out plan.tfplan
 */
import { App, PgBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { MlpAccessToken, MlpProvider } from '../../lib';

/** The state backends this example can use. */
export type StateBackend = 'pg' | 's3';

export interface CiStackProps {
  /** Where the state lives. @default 'pg' */
  readonly backend?: StateBackend;
  /** The Object Storage bucket, for `s3`. */
  readonly bucket?: string;
}

export class CiStack extends TerraformStack {
  public readonly deploy: MlpAccessToken;

  constructor(scope: Construct, id: string, props: CiStackProps = {}) {
    super(scope, id);
    const backend = props.backend ?? 'pg';
    if (backend === 'pg') {
      // An empty conn_str makes Terraform read PG_CONN_STR: the password stays in the CI's secret store.
      new PgBackend(this, { connStr: '', schemaName: 'mlp_tokens' });
    } else {
      if (!props.bucket) throw new Error('the s3 backend needs a bucket: set TF_STATE_BUCKET');
      const s3 = new S3Backend(this, {
        bucket: props.bucket,
        key: `${id}/terraform.tfstate`,
        region: 'ru-msk',
        endpoints: { s3: 'https://hb.ru-msk.vkcloud-storage.ru' },
        usePathStyle: true,
        encrypt: true,
        // Object Storage is S3-compatible, not AWS: skip the AWS-only checks.
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
      });
      // The lock is an object beside the state (Terraform >= 1.10); cdktf 0.21 has no property for it yet.
      s3.addOverride('use_lockfile', true);
    }

    new MlpProvider(this, 'mlp');
    const release = new TerraformVariable(this, 'release', {
      type: 'string',
      default: '1',
      description: 'Change to rotate the token by hand.',
    });
    this.deploy = new MlpAccessToken(this, 'deploy', {
      name: 'ci-deploy',
      role: 'user',
      ttl: '720h',
      rotateAfter: '168h',
      earlyRotationWindow: '72h',
      rotationTriggers: { release: release.stringValue },
    });
  }
}

if (require.main === module) {
  const backend = process.env.TF_STATE_BACKEND ?? 'pg';
  if (backend !== 'pg' && backend !== 's3') throw new Error(`TF_STATE_BACKEND=${JSON.stringify(backend)}: use pg or s3`);
  const app = new App();
  new CiStack(app, 'tokens', { backend, bucket: process.env.TF_STATE_BUCKET });
  app.synth();
}
