/**
 * P6, P7, P9 and P5 at scale: N (1,000) `mlp_access_token` against N `terraform_data`, in one
 * sequence per round: apply both sides (P7 apply; the mlp apply's provider processes are watched for
 * P5's peak RSS at N), `terraform plan` with nothing to do on both sides, alternating, several times
 * (P6), destroy both (P7 destroy). Both sides run `-parallelism=10`; within a round the sides
 * alternate which goes first.
 *
 * P9 comes from one more plan of the N applied tokens with the provider's internal timing hook on
 * (`MLP_TOKENS_TIMING`, lib/provider/timing.ts): each provider process writes per-method medians of
 * protobuf, msgpack and handler time and its event loop's active time; P9 is ReadResource +
 * PlanResourceChange per token. Not in the figures: the CPU time Terraform itself and the provider
 * processes spent in one plan of each side, and Terraform's trace of the RPCs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningEmulator } from '../lib/emulator';
import type { TerraformWorkdir } from '../lib/testing/terraform';
import type { TimingSummary } from '../lib/provider/timing';
import { WORK, type BenchOptions } from './lib/env';
import { type Figure, unmeasured } from './lib/figure';
import { cpuOfCommand } from './lib/proc';
import { ms, median, nowMs, ratio, spread } from './lib/stats';
import { ProviderWatch, dataDir, mlpDir, shapedDataDir } from './lib/tf';

const FLAGS = ['-parallelism=10'];
const P6_TITLE = '`terraform plan` with nothing to do, N mlp_access_token vs N terraform_data';
const P6_GOAL = '<= 1.5x';
const P6_LIMIT = 1.5;
const P7_TITLE = 'apply and destroy of N mlp_access_token vs N terraform_data (-parallelism=10)';
const P7_GOAL = '<= 1.5x each';
const P7_LIMIT = 1.5;
const P9_TITLE = 'Provider RPC cost per token: ReadResource + PlanResourceChange, inside the provider (N-token plan)';
const P9_GOAL = 'report (median, breakdown)';

export interface ScaleResult {
  readonly p6: Figure;
  readonly p7: Figure;
  readonly p9: Figure;
  /** Largest provider VmHWM (MiB) per N-token apply, for P5. */
  readonly peaksMiB: readonly number[];
  readonly n: number;
}

interface Side {
  apply: number[];
  plan: number[];
  destroy: number[];
  /** CPU of this (the bench's) process during each apply and destroy: the in-process emulator serving the API. */
  applyApiCpu: number[];
  destroyApiCpu: number[];
}
const emptySide = (): Side => ({ apply: [], plan: [], destroy: [], applyApiCpu: [], destroyApiCpu: [] });

export async function scale(options: BenchOptions, emulator: RunningEmulator): Promise<ScaleResult> {
  const n = options.scaleN;
  const rounds = options.scaleRuns;
  const plansPerRound = 2;
  const vars = ['-var', `n=${n}`, ...FLAGS];
  const p6Method = `after an apply of ${n} on both sides, \`terraform plan -detailed-exitcode\` (exit 0 required: nothing to do) ${FLAGS.join(' ')}, timed from spawn to exit, ${plansPerRound} plans per side per round, the sides alternating; ${rounds} rounds; medians`;
  const p7Method = `\`terraform apply\` then (after P6's plans) \`terraform destroy\` of ${n} ${FLAGS.join(' ')}, timed from spawn to exit; per round both sides, alternating which goes first; ${rounds} rounds; medians; the emulator's token count checked after each`;
  const p9Method = `one \`terraform plan\` of ${n} applied tokens with MLP_TOKENS_TIMING set: each provider process writes, at exit, per-method medians (ms) of protobuf decode and encode, of its handler (runRpc), and of msgpack inside the handler, and its CPU time from the first ReadResource on (lib/provider/timing.ts); per token = the ReadResource median + the PlanResourceChange median; "gRPC" = (CPU time - the medians x calls of every method) / calls, per call: grpc-js, Node's http2 and TLS, the event loop, and GC outside the timed parts`;
  const fail = (error: unknown, partial: string[] = []): ScaleResult => ({
    p6: unmeasured('P6', P6_TITLE.replace(/N/g, String(n)), P6_GOAL, p6Method, error, partial),
    p7: unmeasured('P7', P7_TITLE.replace(/N/g, String(n)), P7_GOAL, p7Method, error, partial),
    p9: unmeasured('P9', P9_TITLE.replace(/N/g, String(n)), P9_GOAL, p9Method, error),
    peaksMiB: [],
    n,
  });
  let mlp: TerraformWorkdir;
  let data: TerraformWorkdir;
  try {
    [mlp, data] = [await mlpDir('p6-mlp', emulator), await dataDir('p6-data', emulator)];
  } catch (error) {
    return fail(error);
  }
  const watch = new ProviderWatch('p6');
  const baseline = emulator.tokens().length;
  const sides = { mlp: emptySide(), data: emptySide() };
  const peaksMiB: number[] = [];
  const checkCount = (want: number, when: string): void => {
    const have = emulator.tokens().length - baseline;
    if (have !== want) throw new Error(`${when}: the emulator holds ${have} bench tokens, expected ${want}`);
  };
  let lastCpuMs = 0;
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const t0 = nowMs();
    await fn();
    const took = nowMs() - t0;
    const cpu = process.cpuUsage(cpu0);
    lastCpuMs = (cpu.user + cpu.system) / 1000;
    return took;
  };
  const apply = async (kind: 'mlp' | 'data', runs: Side | undefined): Promise<void> => {
    const tf = kind === 'mlp' ? mlp : data;
    if (kind === 'mlp') {
      watch.start();
      emulator.resetCounters();
    }
    let took: number;
    try {
      took = await timed(() => tf.apply(vars, { env: kind === 'mlp' ? watch.env() : {} }));
      if (kind === 'mlp') countRoutes('apply');
    } finally {
      if (kind === 'mlp') {
        const w = watch.stop();
        if (runs && w.peakKiB !== undefined) peaksMiB.push(w.peakKiB / 1024);
      }
    }
    if (kind === 'mlp') checkCount(n, `after the apply of ${n}`);
    runs?.apply.push(took);
    runs?.applyApiCpu.push(lastCpuMs);
  };
  const plan = async (kind: 'mlp' | 'data', runs: Side | undefined): Promise<void> => {
    const tf = kind === 'mlp' ? mlp : data;
    let code: number | null = null;
    const took = await timed(async () => {
      code = (await tf.plan(vars)).code;
    });
    if (code !== 0) throw new Error(`the ${kind} plan of ${n} applied resources showed changes (exit ${code})`);
    runs?.plan.push(took);
  };
  const routes: Record<'apply' | 'destroy', string> = { apply: '', destroy: '' };
  const countRoutes = (step: 'apply' | 'destroy'): void => {
    routes[step] = Object.entries(emulator.counters())
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  };
  const destroy = async (kind: 'mlp' | 'data', runs: Side | undefined): Promise<void> => {
    const tf = kind === 'mlp' ? mlp : data;
    if (kind === 'mlp') emulator.resetCounters();
    const took = await timed(() => tf.destroy(vars));
    if (kind === 'mlp') countRoutes('destroy');
    if (kind === 'mlp') checkCount(0, `after the destroy of ${n}`);
    runs?.destroy.push(took);
    runs?.destroyApiCpu.push(lastCpuMs);
  };

  try {
    // Untimed warm-up at a small N: Terraform's own start, the page cache, the provider's code cache.
    const small = ['-var', 'n=10', ...FLAGS];
    await mlp.apply(small);
    await mlp.destroy(small);
    await data.apply(small);
    await data.destroy(small);
    for (let i = 0; i < rounds; i++) {
      const order: Array<'mlp' | 'data'> = i % 2 === 0 ? ['mlp', 'data'] : ['data', 'mlp'];
      for (const kind of order) await apply(kind, sides[kind]);
      for (let j = 0; j < plansPerRound; j++) for (const kind of j % 2 === 0 ? order : [...order].reverse()) await plan(kind, sides[kind]);
      for (const kind of order) await destroy(kind, sides[kind]);
    }
  } catch (error) {
    return { ...fail(error, describe(sides, n)), peaksMiB };
  }

  // Diagnostics and P9, on one more apply of both sides.
  const details6: string[] = [];
  const details7: string[] = [];
  let p9: Figure;
  try {
    await apply('mlp', undefined);
    await apply('data', undefined);
    details6.push(...(await cpuSplit(mlp, data, vars)));
    details6.push(...(await traceRpcs(mlp, vars)));
    p9 = await timedPlan(mlp, vars, n, p9Method);
    await destroy('mlp', undefined);
    await destroy('data', undefined);
    const shaped = await shapedComparison(emulator, vars, n);
    details6.push(shaped.plan);
    details7.push(shaped.applyDestroy);
  } catch (error) {
    p9 = unmeasured('P9', P9_TITLE.replace(/N/g, String(n)), P9_GOAL, p9Method, error);
    await mlp.destroy(vars, { check: false });
    await data.destroy(vars, { check: false });
  }

  const planRatio = median(sides.mlp.plan) / median(sides.data.plan);
  const applyRatio = median(sides.mlp.apply) / median(sides.data.apply);
  const destroyRatio = median(sides.mlp.destroy) / median(sides.data.destroy);
  const p6: Figure = {
    id: 'P6',
    title: P6_TITLE.replace(/N/g, String(n)),
    goal: P6_GOAL,
    value: `${ratio(planRatio)} (${ms(median(sides.mlp.plan))} / ${ms(median(sides.data.plan))})`,
    pass: n === 1000 ? planRatio <= P6_LIMIT : undefined,
    details: [`mlp plan ${spread(sides.mlp.plan)}; terraform_data plan ${spread(sides.data.plan)}`, ...details6],
    method: p6Method,
  };
  const p7: Figure = {
    id: 'P7',
    title: P7_TITLE.replace(/N/g, String(n)),
    goal: P7_GOAL,
    value: `apply ${ratio(applyRatio)} (${ms(median(sides.mlp.apply))} / ${ms(median(sides.data.apply))}), destroy ${ratio(destroyRatio)} (${ms(median(sides.mlp.destroy))} / ${ms(median(sides.data.destroy))})`,
    pass: n === 1000 ? applyRatio <= P7_LIMIT && destroyRatio <= P7_LIMIT : undefined,
    details: [
      ...describe(sides, n),
      `API requests of the last mlp apply: ${routes.apply || 'n/a'}; of the last mlp destroy: ${routes.destroy || 'n/a'}`,
      ...details7,
    ],
    method: p7Method,
  };
  return { p6, p7, p9, peaksMiB, n };
}

function describe(sides: { mlp: Side; data: Side }, n: number): string[] {
  return (['apply', 'destroy'] as const).map(
    (step) =>
      `N=${n} ${step}: mlp ${spread(sides.mlp[step])}; terraform_data ${spread(sides.data[step])}; ratio ${ratio(median(sides.mlp[step]) / median(sides.data[step]))}; ` +
      `CPU of the bench process (the emulator answering the API, on the same 2 cores) during the mlp ${step}: ${ms(median(sides.mlp[step === 'apply' ? 'applyApiCpu' : 'destroyApiCpu']))}`,
  );
}

/**
 * One apply, plan and destroy of N terraform_data shaped like mlp_access_token's state (not in the
 * figures): Terraform's own cost for values of that size and marks, without any provider.
 */
async function shapedComparison(emulator: RunningEmulator, vars: string[], n: number): Promise<{ plan: string; applyDestroy: string }> {
  const tf = await shapedDataDir('p6-shaped', emulator);
  const t0 = nowMs();
  await tf.apply(vars);
  const applyMs = nowMs() - t0;
  const planned = await cpuOfCommand('terraform', ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...vars], {
    cwd: tf.dir,
    env: tf.env,
  });
  const t1 = nowMs();
  await tf.destroy(vars);
  const destroyMs = nowMs() - t1;
  const what = `${n} terraform_data with an input of mlp_access_token's shape (14 attributes, 2 sensitive; bench/lib/tf.ts shapedDataDir), one run, not in the figure`;
  return {
    plan: `${what}: plan ${ms(planned.wallMs)} wall, Terraform CPU ${ms(planned.selfCpuMs)}`,
    applyDestroy: `${what}: apply ${ms(applyMs)}, destroy ${ms(destroyMs)}`,
  };
}

/** CPU time of Terraform itself and of the provider processes it waited for, in one plan per side. */
async function cpuSplit(mlp: TerraformWorkdir, data: TerraformWorkdir, vars: string[]): Promise<string[]> {
  const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...vars];
  const m = await cpuOfCommand('terraform', args, { cwd: mlp.dir, env: mlp.env });
  const d = await cpuOfCommand('terraform', args, { cwd: data.dir, env: data.env });
  return [
    `CPU time of one plan (not in the figure; /proc, Terraform's own vs the provider processes it waited for): mlp ${ms(m.wallMs)} wall, Terraform ${ms(m.selfCpuMs)}, providers ${ms(m.childrenCpuMs)}; terraform_data ${ms(d.wallMs)} wall, Terraform ${ms(d.selfCpuMs)}`,
  ];
}

/** RPC counts and the span of the RPC phase from Terraform's trace of one plan. */
async function traceRpcs(mlp: TerraformWorkdir, vars: string[]): Promise<string[]> {
  const log = path.join(WORK, 'p6-plan.trace.log');
  await mlp.plan(vars, { traceLog: log });
  const counts = new Map<string, number>();
  let first: number | undefined;
  let last: number | undefined;
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const m = /^(\S+) \[TRACE\] GRPCProvider\.v6: (\w+)$/.exec(line.trimEnd());
    if (!m) continue;
    counts.set(m[2]!, (counts.get(m[2]!) ?? 0) + 1);
    if (m[2] === 'ReadResource' || m[2] === 'PlanResourceChange') {
      const t = Date.parse(m[1]!);
      first ??= t;
      last = t;
    }
  }
  fs.rmSync(log, { force: true });
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [
    `traced plan (one run, TF_LOG=trace, not in the figure): ${total} RPCs (${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}); first ReadResource to last PlanResourceChange ${ms((last ?? 0) - (first ?? 0))}`,
  ];
}

/** P9: one plan with the timing hook on; the summaries of its provider processes. */
async function timedPlan(mlp: TerraformWorkdir, vars: string[], n: number, method: string): Promise<Figure> {
  const dir = path.join(WORK, 'p9-timing');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const r = await mlp.plan(vars, { env: { MLP_TOKENS_TIMING: dir } });
  if (r.code !== 0) throw new Error(`the timed plan showed changes (exit ${r.code})`);
  const summaries = fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as TimingSummary);
  const s = summaries.find((x) => (x.methods.ReadResource?.calls ?? 0) > 0);
  if (!s) throw new Error(`no provider process of the plan recorded a ReadResource (${summaries.length} summaries)`);
  const read = s.methods.ReadResource!;
  const planned = s.methods.PlanResourceChange;
  if (!planned) throw new Error('no PlanResourceChange recorded');
  const us = (v: number): string => `${(v * 1000).toFixed(0)} µs`;
  const per = (m: { median: Record<string, number> }) => ({
    protobuf: m.median.decode! + m.median.encode!,
    msgpack: m.median.msgpack!,
    ours: Math.max(0, m.median.handler! - m.median.msgpack!),
  });
  let measured = 0;
  let calls = 0;
  for (const m of Object.values(s.methods)) {
    measured += m.calls * (m.median.decode + m.median.encode + m.median.handler);
    calls += m.calls;
  }
  const grpcPerCall = calls ? Math.max(0, (s.cpuMs - measured) / calls) : 0;
  const r1 = per(read);
  const p1 = per(planned);
  const parts = {
    gRPC: 2 * grpcPerCall,
    protobuf: r1.protobuf + p1.protobuf,
    msgpack: r1.msgpack + p1.msgpack,
    ours: r1.ours + p1.ours,
  };
  const total = parts.gRPC + parts.protobuf + parts.msgpack + parts.ours;
  return {
    id: 'P9',
    title: P9_TITLE.replace(/N/g, String(n)),
    goal: P9_GOAL,
    value: `${us(total)} per token (gRPC ${us(parts.gRPC)}, protobuf ${us(parts.protobuf)}, msgpack ${us(parts.msgpack)}, our code ${us(parts.ours)})`,
    pass: undefined,
    details: [
      `ReadResource: ${read.calls} calls, median handler ${us(read.median.handler)} (msgpack ${us(read.median.msgpack)}), protobuf decode ${us(read.median.decode)} + encode ${us(read.median.encode)}`,
      `PlanResourceChange: ${planned.calls} calls, median handler ${us(planned.median.handler)} (msgpack ${us(planned.median.msgpack)}), protobuf decode ${us(planned.median.decode)} + encode ${us(planned.median.encode)}`,
      `the plan process: CPU ${ms(s.cpuMs)} (event loop active ${ms(s.activeMs)}) from its first ReadResource on, over ${calls} calls (${Object.entries(
        s.methods,
      )
        .map(([k, v]) => `${k} ${v.calls}`)
        .join(', ')}); GC ${ms(s.gcMs)} in that window; gRPC and Node per call ${us(grpcPerCall)}`,
    ],
    method,
  };
}
