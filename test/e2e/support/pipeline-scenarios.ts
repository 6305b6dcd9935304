/**
 * The scenarios every example pipeline of examples/ci must pass, against the emulator and a real
 * PostgreSQL state (the pg backend): a pull/merge request plans and changes nothing; a push to main
 * plans, then applies that plan file in another job (after approval); the nightly job finds nothing
 * due, and eight days later rotates the token; no secret in any log, summary or trace; the stubs used
 * are exactly the listed ones. One test file per CI service calls {@link pipelineScenarios}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../lib/emulator';
import { assertNoSecrets } from '../harness';
import { report } from '../reliability/support';
import { CI_APP, pipelineTexts, type PipelineContext, type PipelineRun } from './pipeline';
import { postgresSuite } from './postgres';

export interface PipelineUnderTest {
  /** A label: `github-actions`, `gitlab-ci`. */
  readonly label: string;
  /** Runs the pipeline of one event. */
  run(event: 'change request' | 'push to main' | 'nightly', ctx: PipelineContext): Promise<PipelineRun>;
  /** The jobs each event starts, in order. */
  readonly jobs: Readonly<Record<'change request' | 'push to main' | 'nightly', readonly string[]>>;
  /** Every stub the runs use (sorted, unique). */
  readonly stubs: readonly string[];
}

interface StateToken {
  readonly id: string;
  readonly value: string;
}

export function pipelineScenarios(p: PipelineUnderTest): void {
  // One emulator for the file, never reset between tests: the runs carry on from each other, as a
  // project's pipelines do (emulatorSuite resets before each test).
  let emulator: RunningEmulator;
  const suite = {
    get emulator(): RunningEmulator {
      return emulator;
    },
  };
  const pg = postgresSuite();
  const database = p.label.replace(/-/g, '_');
  const runs: PipelineRun[] = [];
  const values = new Set<string>();
  let ctx: PipelineContext;

  /** The token in the pg state, read straight from the database (what the backend stored). */
  async function stateToken(): Promise<StateToken | undefined> {
    if ((await pg.server.sql(database, "SELECT to_regclass('mlp_tokens.states') IS NOT NULL")) !== 't') return undefined;
    const data = await pg.server.sql(database, "SELECT data FROM mlp_tokens.states WHERE name = 'default'");
    if (!data) return undefined;
    const state = JSON.parse(data) as { resources: { type: string; instances: { attributes: { id: string; value: string } }[] }[] };
    const attributes = state.resources.find((r) => r.type === 'mlp_access_token')?.instances[0]?.attributes;
    if (attributes) values.add(attributes.value);
    return attributes && { id: attributes.id, value: attributes.value };
  }

  async function run(event: 'change request' | 'push to main' | 'nightly'): Promise<PipelineRun> {
    const r = await p.run(event, ctx);
    runs.push(r);
    const failed = r.jobs.find((j) => !j.ok);
    if (failed)
      throw new Error(
        `${p.label} ${event}: job ${failed.job} failed:\n${failed.steps
          .map((s) => `## ${s.name} (${s.code})\n${s.output}`)
          .join('\n')
          .slice(-6000)}`,
      );
    expect(r.jobs.map((j) => j.job)).toEqual(p.jobs[event]);
    return r;
  }
  const logOf = (r: PipelineRun, job: string): string => {
    const j = r.jobs.find((x) => x.job === job)!;
    return `${j.steps.map((s) => s.output).join('\n')}\n${j.summary}`;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: 5 });
    if (!fs.existsSync(CI_APP)) throw new Error(`${CI_APP} is missing: run \`npm run build\` first (\`npm test\` does)`);
    const connString = await pg.server.createDatabase(database);
    ctx = {
      workRoot: fs.mkdtempSync(path.join(os.tmpdir(), `mlp-e2e-${p.label}-`)),
      secrets: { MLP_ADMIN_TOKEN: suite.emulator.adminToken, PG_CONN_STR: connString },
      vars: { MLP_ENDPOINT: suite.emulator.url },
    };
  });
  afterAll(async () => {
    await emulator?.close();
    if (ctx && !process.env.MLP_E2E_KEEP) fs.rmSync(ctx.workRoot, { recursive: true, force: true });
  });

  test(`GIVEN ${p.label} WHEN a change request runs THEN only the plan job runs: the log shows the plan summary, the API is untouched`, async () => {
    const r = await run('change request');
    const log = logOf(r, p.jobs['change request'][0]!);
    expect(log).toMatch(/# mlp_access_token\.deploy will be created/);
    expect(log).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy\./);
    expect(suite.emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    expect(await stateToken()).toBeUndefined();
  });

  test(`GIVEN ${p.label} WHEN main is pushed THEN the plan job saves the plan, and the apply job (another workspace, after approval) applies that file into the pg state`, async () => {
    const r = await run('push to main');
    const [planJob, applyJob] = p.jobs['push to main'];
    expect(logOf(r, planJob!)).toMatch(/Plan: 1 to add/);
    expect(logOf(r, applyJob!)).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    expect(r.jobs[0]!.workspace).not.toBe(r.jobs[1]!.workspace);
    const token = await stateToken();
    const api = suite.emulator.tokens().filter((t) => t.name === 'ci-deploy');
    expect(api.map((t) => t.id)).toEqual([token!.id]);
  });

  test(`GIVEN ${p.label} WHEN the nightly job runs THEN nothing is due the first night; eight days later it rotates the token (rotateAfter 168h)`, async () => {
    const before = await stateToken();
    expect(before).toBeDefined();
    const quiet = await run('nightly');
    expect(logOf(quiet, p.jobs.nightly[0]!)).toMatch(/No changes\./);
    expect((await stateToken())!.id).toBe(before!.id);

    suite.emulator.clock.advance('192h');
    const rotating = await run('nightly');
    const log = logOf(rotating, p.jobs.nightly[0]!);
    expect(log).toMatch(/# mlp_access_token\.deploy must be replaced/);
    expect(log).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed\./);
    const after = await stateToken();
    expect(after!.id).not.toBe(before!.id);
    expect(
      suite.emulator
        .tokens()
        .filter((t) => t.name === 'ci-deploy')
        .map((t) => t.id),
    ).toEqual([after!.id]);
  });

  test(`GIVEN every ${p.label} run above WHEN their logs, summaries and traces are searched THEN no log, summary or trace holds a secret, and the stubs used are exactly the listed ones`, () => {
    expect(runs).toHaveLength(4);
    assertNoSecrets(pipelineTexts(runs), [suite.emulator.adminToken, pg.server.password, ...values]);
    expect([...new Set(runs.flatMap((r) => r.stubbed))].sort()).toEqual([...p.stubs].sort());
    report(`ci-pipeline-${p.label}`, {
      runs: runs.length,
      jobs: runs.reduce((n, r) => n + r.jobs.length, 0),
      stubs: p.stubs.length,
      rotations: 1,
      secretHits: 0,
    });
  });
}
