import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { buildCrossStackApp } from '../../examples/cross-stack/main';
import { MlpAccessToken, MlpRegisterToken } from '../../lib/constructs';
import { CANARIES, canariesIn, whereReferenced, type SynthesizedStack } from './helpers';

Testing.setupJest();

describe('examples/cross-stack', () => {
  let outdir: string;
  let admin: SynthesizedStack & { output?: Record<string, { value: unknown; sensitive?: boolean }> };
  let team: SynthesizedStack & { data?: Record<string, Record<string, { backend?: string; config?: { path?: string } }>> };
  let texts: string[];

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-cross-stack-'));
    const saved = { ...process.env };
    Object.assign(process.env, CANARIES);
    try {
      const app = new App({ outdir });
      buildCrossStackApp(app);
      app.synth();
    } finally {
      for (const key of Object.keys(CANARIES)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    const read = (stack: string) => fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
    texts = [read('cross-stack-admin'), read('cross-stack-team')];
    admin = JSON.parse(texts[0]!);
    team = JSON.parse(texts[1]!);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("GIVEN the team stack references the admin stack's registration token WHEN the app is synthesized THEN the admin stack gets a sensitive output of its value", () => {
    expect(JSON.stringify(admin)).toHaveResourceWithProperties(MlpRegisterToken, { name: 'team-reports', ttl: '1h' });
    const outputs = Object.entries(admin.output ?? {});
    expect(outputs).toHaveLength(1);
    const [, output] = outputs[0]!;
    expect(output).toMatchObject({ sensitive: true, value: '${mlp_register_token.handoff.value}' });
  });

  test('GIVEN the same app WHEN synthesized THEN the team stack redeems through terraform_remote_state of the admin stack, with no credentials in its provider', () => {
    const outputName = Object.keys(admin.output ?? {})[0]!;
    const remote = Object.entries(team.data?.terraform_remote_state ?? {});
    expect(remote).toHaveLength(1);
    const [remoteId, remoteState] = remote[0]!;
    expect(remoteState).toMatchObject({ backend: 'local' });
    expect(remoteState.config?.path).toMatch(/terraform\.cross-stack-admin\.tfstate$/);
    expect(JSON.stringify(team)).toHaveResourceWithProperties(MlpAccessToken, {
      register_token: `\${sensitive(data.terraform_remote_state.${remoteId}.outputs.${outputName})}`,
    });
    expect(team.provider!.mlp).toEqual([{}]);
    expect(whereReferenced(team, `outputs.${outputName}`)).toEqual(['resource.mlp_access_token.team.register_token']);
  });

  test('GIVEN credentials in the environment at synth WHEN the app is synthesized THEN neither stack contains them', () => {
    expect(texts.flatMap(canariesIn)).toEqual([]);
  });
});
