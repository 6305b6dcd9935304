/**
 * Runs the example pipelines of examples/ci on this machine, so they cannot rot: a GitHub Actions
 * workflow or a GitLab CI file is read as YAML, the jobs an event would start are chosen by their
 * own `if:`/`rules:`, and each job's shell steps run in order with bash, in a fresh workspace per job
 * (a runner of its own), with the job's environment and the secrets from a stand-in secret store.
 *
 * What only the CI service can do is stubbed, by name, and every stub is listed in
 * {@link PipelineRun.stubbed} (an unknown `uses:` fails the run instead of being skipped):
 * - the checkout: the workspace gets `cdktf.json` (the app: examples/ci, built in dist/) and this
 *   repository's node_modules; `npm ci` answers from those (a shim on PATH, for `ci` only);
 * - tool set-up (`actions/setup-node`, `hashicorp/setup-terraform`, GitLab's `image:`): this machine's
 *   node and terraform;
 * - artifacts (`actions/upload-artifact`/`download-artifact`, GitLab `artifacts:` + `needs:`): copied
 *   between the workspaces;
 * - approvals (`environment:`, GitLab `when: manual`): the test approves by running the job;
 * - concurrency/resource_group, cache: nothing to do when jobs run one at a time.
 * Every step's output, the job summaries and a `TF_LOG=trace` log per job are kept for leak searches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runProcess } from './process';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CI_APP = path.join(ROOT, 'dist', 'examples', 'ci', 'main.js');

/** Parses a pipeline file (merge keys on: GitLab files use `<<: *anchor`). */
export function parseYaml(text: string): unknown {
  return parse(text, { merge: true });
}

/** Where a pipeline runs and what its secret store holds. */
export interface PipelineContext {
  /** A temp directory for this file's runs (workspaces, artifacts, logs). */
  readonly workRoot: string;
  /** The CI's secret store (`secrets.X` / masked CI/CD variables). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Plain variables (`vars.X` / CI/CD variables). */
  readonly vars: Readonly<Record<string, string>>;
}

export interface StepRun {
  readonly name: string;
  /** Set when the step was stubbed: what the stub did instead. */
  readonly stub?: string;
  readonly code: number | null;
  readonly output: string;
}

export interface JobRun {
  readonly job: string;
  readonly workspace: string;
  readonly steps: StepRun[];
  /** `$GITHUB_STEP_SUMMARY` as the job left it (GitHub only). */
  summary: string;
  readonly traceLog: string;
  readonly ok: boolean;
}

export interface PipelineRun {
  readonly jobs: JobRun[];
  /** Every stub used, as "<job>: <what>". */
  readonly stubbed: string[];
}

/** Every text a run produced that must hold no secret, by label. */
export function pipelineTexts(runs: readonly PipelineRun[]): Record<string, string> {
  const out: Record<string, string> = {};
  runs.forEach((run, r) =>
    run.jobs.forEach((job) => {
      const label = `run ${r + 1} job ${job.job}`;
      out[`${label} log`] = job.steps.map((s) => `## ${s.name}\n${s.output}`).join('\n');
      out[`${label} summary`] = job.summary;
      if (fs.existsSync(job.traceLog)) out[`${label} trace log`] = fs.readFileSync(job.traceLog, 'utf8');
    }),
  );
  return out;
}

let counter = 0;

/** A fresh workspace: what a checkout of a project using examples/ci would hold. */
function checkout(ctx: PipelineContext, job: string): string {
  const dir = path.join(ctx.workRoot, `ws-${String(++counter).padStart(2, '0')}-${job}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: `node ${JSON.stringify(CI_APP)}`,
      projectId: 'mlp-tokens-ci-example',
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
    }),
  );
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tokens', private: true }));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** PATH shims: `npm ci` answers from the linked node_modules; every other npm command is the real one. */
function shimDir(ctx: PipelineContext): string {
  const dir = path.join(ctx.workRoot, 'shims');
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const realNpm =
    (process.env.PATH ?? '')
      .split(path.delimiter)
      .map((d) => path.join(d, 'npm'))
      .find((p) => fs.existsSync(p)) ?? 'npm';
  fs.writeFileSync(
    path.join(dir, 'npm'),
    [
      '#!/bin/sh',
      'if [ "$1" = ci ]; then echo "npm ci: stubbed (node_modules linked from the mlp-tokens checkout)"; exit 0; fi',
      `exec '${realNpm}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return dir;
}

/** The environment every job starts from: this process's, without anything Terraform, cdktf, MLP, npm or PG. */
function baseEnv(ctx: PipelineContext): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TF_|CDKTF_|MLP_|npm_|PG|GITHUB_|CI_|GITLAB_)/i.test(k)));
  const home = path.join(ctx.workRoot, 'home');
  fs.mkdirSync(home, { recursive: true });
  const rc = path.join(ctx.workRoot, 'terraformrc');
  if (!fs.existsSync(rc)) fs.writeFileSync(rc, '');
  return { ...env, PATH: `${shimDir(ctx)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: home, CI: 'true', TF_CLI_CONFIG_FILE: rc };
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, file: string): Promise<{ code: number | null; output: string }> {
  fs.writeFileSync(file, script);
  return runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env }).then(({ code, output }) => ({
    code,
    output,
  }));
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

// ---- GitHub Actions ------------------------------------------------------------------------------

interface GithubStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly 'working-directory'?: string;
}
interface GithubJob {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly env?: Record<string, string>;
  readonly environment?: string | { name: string };
  readonly steps: GithubStep[];
}
export interface GithubWorkflow {
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, GithubJob>;
}

/** A GitHub event: its name and `github.ref`. */
export interface GithubEvent {
  readonly name: 'pull_request' | 'push' | 'schedule';
  readonly ref: string;
}

/** `${{ secrets.X }}`, `${{ vars.X }}`, `${{ github.event_name }}`, `${{ github.ref }}`; anything else is an error. */
function githubExpand(value: string, ctx: PipelineContext, event: GithubEvent): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    if (m) {
      const store = m[1] === 'secrets' ? ctx.secrets : ctx.vars;
      const v = store[m[2]!];
      if (v === undefined) throw new Error(`the workflow reads ${expr}, which the test's secret store does not hold`);
      return v;
    }
    if (expr === 'github.event_name') return event.name;
    if (expr === 'github.ref') return event.ref;
    throw new Error(`unsupported expression in the workflow: \${{ ${expr} }}`);
  });
}

/** A job's `if:`: `github.event_name`/`github.ref` compared with `==`/`!=` to strings, joined by && and ||. */
function githubIf(condition: string | undefined, event: GithubEvent): boolean {
  if (condition === undefined) return true;
  const values: Record<string, string> = { 'github.event_name': event.name, 'github.ref': event.ref };
  return condition.split('||').some((any) =>
    any.split('&&').every((term) => {
      const m = /^\s*([\w.]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(term);
      if (!m || values[m[1]!] === undefined) throw new Error(`unsupported if: ${JSON.stringify(term.trim())}`);
      return (values[m[1]!] === m[3]) === (m[2] === '==');
    }),
  );
}

/** Runs the jobs `event` starts, in `needs` order; stops at the first failing job. */
export async function runGithubWorkflow(file: string, event: GithubEvent, ctx: PipelineContext): Promise<PipelineRun> {
  const workflow = parseYaml(fs.readFileSync(file, 'utf8')) as GithubWorkflow;
  const artifacts = path.join(ctx.workRoot, `artifacts-${++counter}`);
  const run: PipelineRun = { jobs: [], stubbed: [] };
  const done = new Set<string>();
  const pending = Object.entries(workflow.jobs).filter(([, job]) => githubIf(job.if, event));
  while (pending.length > 0) {
    const index = pending.findIndex(([, job]) => [job.needs ?? []].flat().every((n) => done.has(n)));
    if (index < 0) throw new Error(`jobs wait for jobs that do not run: ${pending.map(([n]) => n).join(', ')}`);
    const [name, job] = pending.splice(index, 1)[0]!;
    const workspace = path.join(ctx.workRoot, `pending-${name}`);
    const traceLog = path.join(ctx.workRoot, `trace-${++counter}-${name}.log`);
    const summaryFile = path.join(ctx.workRoot, `summary-${counter}-${name}.md`);
    fs.writeFileSync(summaryFile, '');
    const jobRun: JobRun = { job: name, workspace, steps: [], summary: '', traceLog, ok: true };
    run.jobs.push(jobRun);
    if (job.environment)
      run.stubbed.push(
        `${name}: environment ${JSON.stringify(typeof job.environment === 'string' ? job.environment : job.environment.name)} (approval: the test approves by running the job)`,
      );
    let ws = '';
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(ctx),
      TF_LOG: 'trace',
      TF_LOG_PATH: traceLog,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event.name,
      GITHUB_REF: event.ref,
      GITHUB_STEP_SUMMARY: summaryFile,
    };
    for (const [k, v] of Object.entries({ ...workflow.env, ...job.env })) env[k] = githubExpand(String(v), ctx, event);
    for (const [i, step] of job.steps.entries()) {
      const stepName = step.name ?? step.uses ?? `step ${i + 1}`;
      if (step.uses) {
        const action = step.uses.split('@')[0]!;
        const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, githubExpand(String(v), ctx, event)]));
        let stub: string;
        if (action === 'actions/checkout') {
          ws = checkout(ctx, name);
          env.GITHUB_WORKSPACE = ws;
          stub = 'workspace laid out: cdktf.json (examples/ci from dist/), node_modules linked';
        } else if (action === 'actions/setup-node')
          stub = `node ${withs['node-version']} requested: this machine's node ${process.version} is used`;
        else if (action === 'hashicorp/setup-terraform')
          stub = `terraform ${withs.terraform_version} requested: this machine's terraform is used`;
        else if (action === 'actions/upload-artifact') {
          copyInto(path.join(ws, withs.path!), path.join(artifacts, withs.name!, path.basename(withs.path!)));
          stub = `artifact ${withs.name}: ${withs.path} kept`;
        } else if (action === 'actions/download-artifact') {
          const from = path.join(artifacts, withs.name!);
          if (!fs.existsSync(from)) throw new Error(`${name}: artifact ${withs.name} was never uploaded`);
          for (const entry of fs.readdirSync(from)) copyInto(path.join(from, entry), path.join(ws, withs.path ?? '.', entry));
          stub = `artifact ${withs.name}: restored into ${withs.path ?? '.'}`;
        } else throw new Error(`${name}: no stub for ${step.uses}; add one to test/e2e/support/pipeline.ts and list it`);
        run.stubbed.push(`${name}: ${action}`);
        jobRun.steps.push({ name: stepName, stub, code: 0, output: '' });
        continue;
      }
      if (step.run === undefined) throw new Error(`${name}: step ${stepName} has neither uses nor run`);
      if (!ws) throw new Error(`${name}: a run step before the checkout`);
      const stepEnv = { ...env };
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = githubExpand(String(v), ctx, event);
      const cwd = step['working-directory'] ? path.join(ws, step['working-directory']) : ws;
      const r = await runBash(githubExpand(step.run, ctx, event), cwd, stepEnv, path.join(ctx.workRoot, `step-${++counter}.sh`));
      jobRun.steps.push({ name: stepName, code: r.code, output: r.output });
      if (r.code !== 0) {
        (jobRun as { ok: boolean }).ok = false;
        break;
      }
    }
    (jobRun as { workspace: string }).workspace = ws;
    jobRun.summary = fs.readFileSync(summaryFile, 'utf8');
    if (!jobRun.ok) break;
    done.add(name);
  }
  return run;
}

// ---- GitLab CI -----------------------------------------------------------------------------------

interface GitlabRule {
  readonly if?: string;
  readonly when?: string;
}
interface GitlabJob {
  readonly stage?: string;
  readonly rules?: GitlabRule[];
  readonly needs?: string[];
  readonly variables?: Record<string, string>;
  readonly before_script?: string[];
  readonly script: string[];
  readonly artifacts?: { paths?: string[] };
  readonly environment?: { name: string } | string;
  readonly resource_group?: string;
}
const GITLAB_KEYWORDS = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
]);

/** A GitLab pipeline: its source and branch. */
export interface GitlabEvent {
  readonly source: 'merge_request_event' | 'push' | 'schedule';
  readonly branch: string;
  readonly defaultBranch: string;
}

/** A rule's `if:`: `$VAR == "x"`, `$VAR == $OTHER`, `!=`, joined by && and ||. */
function gitlabIf(condition: string, vars: Readonly<Record<string, string>>): boolean {
  const operand = (s: string): string => {
    const t = s.trim();
    if (t.startsWith('$')) return vars[t.slice(1)] ?? '';
    const m = /^"([^"]*)"$|^'([^']*)'$/.exec(t);
    if (!m) throw new Error(`unsupported rules:if operand ${JSON.stringify(t)}`);
    return m[1] ?? m[2]!;
  };
  return condition.split('||').some((any) =>
    any.split('&&').every((term) => {
      const m = /^(.+?)(==|!=)(.+)$/.exec(term);
      if (!m) throw new Error(`unsupported rules:if ${JSON.stringify(term.trim())}`);
      return (operand(m[1]!) === operand(m[3]!)) === (m[2] === '==');
    }),
  );
}

/** Runs the jobs the pipeline starts, stage by stage (manual jobs approved by the test); stops at the first failure. */
export async function runGitlabPipeline(file: string, event: GitlabEvent, ctx: PipelineContext): Promise<PipelineRun> {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const stages = (doc.stages as string[] | undefined) ?? ['build', 'test', 'deploy'];
  const defaults = (doc.default as { before_script?: string[]; image?: string } | undefined) ?? {};
  const ciVars: Record<string, string> = {
    ...ctx.vars,
    ...ctx.secrets,
    ...(doc.variables as Record<string, string> | undefined),
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: event.source,
    CI_COMMIT_BRANCH: event.branch,
    CI_DEFAULT_BRANCH: event.defaultBranch,
  };
  const run: PipelineRun = { jobs: [], stubbed: [] };
  if (defaults.image) run.stubbed.push(`all jobs: image ${defaults.image} (this machine's node and terraform are used)`);
  const jobs = Object.entries(doc)
    .filter(([k]) => !GITLAB_KEYWORDS.has(k) && !k.startsWith('.'))
    .map(([k, v]) => [k, v as GitlabJob] as const)
    .map(([k, job]) => {
      const rule = (job.rules ?? [{}]).find((r) => r.if === undefined || gitlabIf(r.if, ciVars));
      return { name: k, job, rule };
    })
    .filter((j) => j.rule !== undefined && j.rule.when !== 'never')
    .sort((x, y) => stages.indexOf(x.job.stage ?? 'test') - stages.indexOf(y.job.stage ?? 'test'));
  const artifacts = path.join(ctx.workRoot, `artifacts-${++counter}`);
  for (const { name, job, rule } of jobs) {
    if (rule!.when === 'manual') run.stubbed.push(`${name}: when: manual (the test starts it, as an approver would)`);
    if (job.environment)
      run.stubbed.push(
        `${name}: environment ${JSON.stringify(typeof job.environment === 'string' ? job.environment : job.environment.name)}`,
      );
    if (job.resource_group) run.stubbed.push(`${name}: resource_group ${job.resource_group} (jobs run one at a time here)`);
    const ws = checkout(ctx, name);
    run.stubbed.push(`${name}: checkout (GitLab clones the project)`);
    for (const needed of job.needs ?? []) {
      const from = path.join(artifacts, needed);
      if (fs.existsSync(from)) {
        copyInto(from, ws);
        run.stubbed.push(`${name}: artifacts of ${needed} restored`);
      }
    }
    const traceLog = path.join(ctx.workRoot, `trace-${++counter}-${name}.log`);
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(ctx),
      ...ciVars,
      ...job.variables,
      CI_PROJECT_DIR: ws,
      TF_LOG: 'trace',
      TF_LOG_PATH: traceLog,
    };
    const lines = [...(job.before_script ?? defaults.before_script ?? []), ...job.script];
    const r = await runBash(`${lines.join('\n')}\n`, ws, env, path.join(ctx.workRoot, `job-${++counter}.sh`));
    const jobRun: JobRun = {
      job: name,
      workspace: ws,
      steps: [{ name: 'before_script + script', code: r.code, output: r.output }],
      summary: '',
      traceLog,
      ok: r.code === 0,
    };
    run.jobs.push(jobRun);
    if (!jobRun.ok) break;
    for (const p of job.artifacts?.paths ?? []) {
      copyInto(path.join(ws, p), path.join(artifacts, name, p));
      run.stubbed.push(`${name}: artifacts ${p} kept`);
    }
  }
  return run;
}
