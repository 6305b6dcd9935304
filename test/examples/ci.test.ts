import { Testing } from 'cdktf';
import { CiStack } from '../../examples/ci/main';
import { MlpAccessToken } from '../../lib/constructs';
import { canariesIn, synthWithCanaries, type SynthesizedStack } from './helpers';

Testing.setupJest();

/** The state backends' secrets, planted in the environment at synth: none may be written. */
const BACKEND_CANARIES = {
  PG_CONN_STR: 'postgres://canary:canary-pg-password-5e6f@db.invalid/state',
  AWS_SECRET_ACCESS_KEY: 'canary-aws-secret-7a8b9c',
};

function synth(build: () => CiStack): string {
  const saved = Object.fromEntries(Object.keys(BACKEND_CANARIES).map((k) => [k, process.env[k]]));
  Object.assign(process.env, BACKEND_CANARIES);
  try {
    return synthWithCanaries(build);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const backendOf = (json: string): unknown => (JSON.parse(json) as SynthesizedStack & { terraform: { backend: unknown } }).terraform.backend;

describe('examples/ci', () => {
  test('GIVEN the default (pg) backend WHEN synthesized THEN conn_str is left to PG_CONN_STR and no credential is written', () => {
    const json = synth(() => new CiStack(Testing.app(), 'tokens'));

    expect(backendOf(json)).toEqual({ pg: { conn_str: '', schema_name: 'mlp_tokens' } });
    expect(canariesIn(json)).toEqual([]);
    expect(Object.values(BACKEND_CANARIES).filter((v) => json.includes(v))).toEqual([]);
  });

  test('GIVEN the s3 backend and a bucket WHEN synthesized THEN it points at VK Cloud Object Storage with a lock file, and no credential is written', () => {
    const json = synth(() => new CiStack(Testing.app(), 'tokens', { backend: 's3', bucket: 'team-tfstate' }));

    expect(backendOf(json)).toEqual({
      s3: {
        bucket: 'team-tfstate',
        key: 'tokens/terraform.tfstate',
        region: 'ru-msk',
        endpoints: { s3: 'https://hb.ru-msk.vkcloud-storage.ru' },
        use_path_style: true,
        use_lockfile: true,
        encrypt: true,
        skip_credentials_validation: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_s3_checksum: true,
      },
    });
    expect(Object.values(BACKEND_CANARIES).filter((v) => json.includes(v))).toEqual([]);
  });

  test('GIVEN the s3 backend without a bucket WHEN the stack is built THEN it says which variable to set', () => {
    expect(() => new CiStack(Testing.app(), 'tokens', { backend: 's3' })).toThrow('the s3 backend needs a bucket: set TF_STATE_BUCKET');
  });

  test('GIVEN the stack WHEN synthesized THEN the deploy token rotates weekly, in its last 3 days, and by the release variable', () => {
    const json = synth(() => new CiStack(Testing.app(), 'tokens'));

    expect(json).toHaveResourceWithProperties(MlpAccessToken, {
      name: 'ci-deploy',
      role: 'user',
      ttl: '720h',
      rotate_after: '168h',
      early_rotation_window: '72h',
      rotation_triggers: { release: '${var.release}' },
    });
  });
});
