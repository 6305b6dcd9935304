/**
 * P2: `terraform apply` then `destroy` of N `mlp_access_token` against the emulator, against N
 * built-in `terraform_data` in the same kind of working dir, both initialised beforehand, both with
 * `-parallelism=10`. For each size the two sides run back to back, in alternating order.
 *
 * P5 rides along: the provider processes of each N-token apply are watched and their peak RSS
 * (VmHWM) sampled; the figure is the largest peak of one apply, median over the runs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningEmulator } from '../lib/emulator';
import type { TerraformWorkdir } from '../lib/testing/terraform';
import { pluginEnv } from './lib/cert';
import { PROVIDER_MAIN, WORK, type BenchOptions } from './lib/env';
import { peakRssKiB } from './lib/proc';
import { type Figure, unmeasured } from './lib/figure';
import { ms, median, nowMs, ratio, spread } from './lib/stats';
import { ProviderWatch, dataDir, mlpDir } from './lib/tf';
import { readTrace } from './lib/trace';

const P2_TITLE = 'apply + destroy of N mlp_access_token vs N terraform_data';
const P2_GOAL = '<= 3.5x at N=100';
const P2_LIMIT = 3.5;
const P5_TITLE = 'Provider peak RSS during the N-token apply';
const P5_GOAL = '<= 80 MB';
const P5_LIMIT_MIB = 80;
/** P5's second size, measured by P7's applies (bench/p6-scale.ts). */
const P5_SCALE_TITLE = (n: number, m: number): string => `Provider peak RSS during the ${n}-token and ${m}-token applies`;
const P5_SCALE_GOAL = (n: number, m: number): string => `<= 80 MB at ${n}, <= 100 MB at ${m}`;
const P5_SCALE_LIMIT_MIB = 100;
const FLAGS = ['-parallelism=10'];

interface SideRuns {
  apply: number[];
  destroy: number[];
  total: number[];
  applyProcs: number[];
  destroyProcs: number[];
  peakMiB: number[];
}
const emptyRuns = (): SideRuns => ({ apply: [], destroy: [], total: [], applyProcs: [], destroyProcs: [], peakMiB: [] });

export async function p2p5(options: BenchOptions, emulator: RunningEmulator): Promise<[Figure, Figure]> {
  const sizes = options.p2Sizes;
  const goalN = sizes[sizes.length - 1]!;
  const method = `terraform apply then destroy with -var n=N ${FLAGS.join(' ')}, each timed from spawn to exit; working dirs initialised beforehand; ${options.tfRuns} runs per side and N, the sides back to back in alternating order; medians. The mlp dir's mirror points at a counting launcher (one extra sh exec per provider process)`;
  const p5Method = `VmHWM of every provider process of the ${goalN}-token apply, read from /proc every 10 ms (pids written by the counting launcher); the largest per apply, median over ${options.tfRuns} applies`;
  let mlp: TerraformWorkdir;
  let data: TerraformWorkdir;
  try {
    [mlp, data] = [await mlpDir('p2-mlp', emulator), await dataDir('p2-data', emulator)];
  } catch (error) {
    return [unmeasured('P2', P2_TITLE, P2_GOAL, method, error), unmeasured('P5', P5_TITLE, P5_GOAL, p5Method, error)];
  }
  const watch = new ProviderWatch('p2');
  const baseline = emulator.tokens().length;

  async function side(kind: 'mlp' | 'data', n: number, runs: SideRuns | undefined, extraEnv: Record<string, string> = {}): Promise<void> {
    const tf = kind === 'mlp' ? mlp : data;
    const vars = ['-var', `n=${n}`, ...FLAGS];
    const env = kind === 'mlp' ? { ...watch.env(), ...extraEnv } : {};
    let applied: ReturnType<ProviderWatch['stop']> | undefined;
    let destroyed: ReturnType<ProviderWatch['stop']> | undefined;
    let t0: number;
    let t1: number;
    let t2: number;
    let t3: number;
    try {
      if (kind === 'mlp') watch.start();
      t0 = nowMs();
      await tf.apply(vars, { env });
      t1 = nowMs();
      if (kind === 'mlp') {
        applied = watch.stop();
        const have = emulator.tokens().length - baseline;
        if (have !== n) throw new Error(`after apply of ${n} tokens the emulator holds ${have} new tokens`);
        watch.start();
      }
      t2 = nowMs();
      await tf.destroy(vars, { env });
      t3 = nowMs();
      if (kind === 'mlp') {
        destroyed = watch.stop();
        if (emulator.tokens().length !== baseline)
          throw new Error(`after destroy the emulator still holds ${emulator.tokens().length - baseline} tokens`);
      }
    } finally {
      watch.stop();
    }
    if (!runs) return;
    runs.apply.push(t1 - t0);
    runs.destroy.push(t3 - t2);
    runs.total.push(t1 - t0 + (t3 - t2));
    if (applied && destroyed) {
      runs.applyProcs.push(applied.processes);
      runs.destroyProcs.push(destroyed.processes);
      if (applied.peakKiB !== undefined) runs.peakMiB.push(applied.peakKiB / 1024);
    }
  }

  const results = new Map<number, { mlp: SideRuns; data: SideRuns }>(sizes.map((n) => [n, { mlp: emptyRuns(), data: emptyRuns() }]));
  try {
    // Untimed warm-up of both sides (page cache, Terraform's own start).
    await side('mlp', sizes[0]!, undefined);
    await side('data', sizes[0]!, undefined);
    for (let i = 0; i < options.tfRuns; i++) {
      for (const n of sizes) {
        const r = results.get(n)!;
        const order: Array<'mlp' | 'data'> = i % 2 === 0 ? ['mlp', 'data'] : ['data', 'mlp'];
        for (const kind of order) await side(kind, n, r[kind]);
      }
    }
  } catch (error) {
    const partial = describe(results);
    return [unmeasured('P2', P2_TITLE, P2_GOAL, method, error, partial), unmeasured('P5', P5_TITLE, P5_GOAL, p5Method, error)];
  }

  // Not in the figures: what node flags in the launcher would do to the provider's peak RSS. The
  // launcher honours MLP_TOKENS_NODE, so a wrapper script can add flags NODE_OPTIONS does not allow.
  const experiments: string[] = [];
  // The provider itself sets --liftoff-only at run time before its first API call (lib/provider/bundle/progress.ts).
  const variants: Array<{ label: string; flags: string }> = [{ label: '--max-semi-space-size=1', flags: '--max-semi-space-size=1' }];
  for (const v of variants) {
    const runs = emptyRuns();
    try {
      const node = nodeWithFlags(v.flags);
      for (let i = 0; i < Math.max(1, Math.min(2, options.tfRuns)); i++) await side('mlp', goalN, runs, { MLP_TOKENS_NODE: node });
      experiments.push(
        `experiment (not the figure): provider run as \`node ${v.label}\`: largest VmHWM per ${goalN}-token apply ${spread(runs.peakMiB, (x) => `${x.toFixed(1)} MiB`)}; apply ${spread(runs.apply)}, destroy ${spread(runs.destroy)}`,
      );
    } catch (error) {
      experiments.push(`experiment ${v.label} failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  experiments.push(...(await idleRss()));
  // Where the mlp side's time goes: one traced apply and destroy (not in the figures; tracing slows Terraform).
  const breakdown: string[] = [];
  try {
    const vars = ['-var', `n=${goalN}`, ...FLAGS];
    for (const cmd of ['apply', 'destroy'] as const) {
      const log = path.join(WORK, `p2-${cmd}.trace.log`);
      await (cmd === 'apply' ? mlp.apply(vars, { traceLog: log }) : mlp.destroy(vars, { traceLog: log }));
      const b = readTrace(log);
      breakdown.push(
        `traced ${cmd} of ${goalN} (one run, TF_LOG=trace, not in the figure): ${b.processes} provider processes, one after another; summed over them: spawn to handshake ${ms(b.startToHandshakeMs)}, handshake to Terraform's Close ${ms(b.handshakeToCloseMs)} (provider load and all RPCs), Close to process exit ${ms(b.closeToExitMs)}; the whole command logged over ${ms(b.commandMs)}`,
      );
    }
  } catch (error) {
    breakdown.push(`traced breakdown failed: ${(error as Error).message.split('\n')[0]}`);
  }

  const goal = results.get(goalN)!;
  const value = median(goal.mlp.total) / median(goal.data.total);
  const p2: Figure = {
    id: 'P2',
    title: P2_TITLE.replace(/N/g, String(goalN)),
    goal: P2_GOAL,
    value: `${ratio(value)} (${ms(median(goal.mlp.total))} / ${ms(median(goal.data.total))})`,
    pass: goalN === 100 ? value <= P2_LIMIT : undefined,
    details: [...describe(results), ...breakdown],
    method,
  };
  const peak = median(goal.mlp.peakMiB);
  const p5: Figure = Number.isFinite(peak)
    ? {
        id: 'P5',
        title: P5_TITLE.replace(/N/g, String(goalN)),
        goal: P5_GOAL,
        value: `${peak.toFixed(1)} MiB`,
        pass: peak <= P5_LIMIT_MIB,
        details: [
          `largest provider VmHWM per ${goalN}-token apply: ${spread(goal.mlp.peakMiB, (v) => `${v.toFixed(1)} MiB`)}`,
          ...experiments,
        ],
        method: p5Method,
      }
    : unmeasured('P5', P5_TITLE, P5_GOAL, p5Method, 'no provider process was sampled (did the counting launcher run?)');
  return [p2, p5];
}

/** A `node` with extra flags, for MLP_TOKENS_NODE. */
function nodeWithFlags(flags: string): string {
  const file = path.join(WORK, 'launcher', `node-${flags.replace(/[^a-z0-9]+/gi, '_')}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\nexec node ${flags} "$@"\n`, { mode: 0o755 });
  return file;
}

/** Peak RSS of a provider that did no work (handshake, then 1.5 s idle: the provider is loaded by then), and of a bare node. */
async function idleRss(): Promise<string[]> {
  const socketDir = path.join(WORK, 'p1-sockets');
  fs.mkdirSync(socketDir, { recursive: true });
  const env = pluginEnv(socketDir);
  const measure = (command: string, args: string[], e: NodeJS.ProcessEnv): Promise<{ atLine: number; later: number }> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { env: e, stdio: ['ignore', 'pipe', 'ignore'] });
      child.on('error', reject);
      child.stdout.once('data', () => {
        const atLine = peakRssKiB(child.pid!) ?? Number.NaN;
        setTimeout(() => {
          const later = peakRssKiB(child.pid!) ?? Number.NaN;
          child.kill('SIGTERM');
          resolve({ atLine: atLine / 1024, later: later / 1024 });
        }, 1500);
      });
    });
  try {
    const node = await measure('node', ['-e', 'console.log(1); setTimeout(() => {}, 5000)'], process.env);
    const provider = await measure('node', [PROVIDER_MAIN], env);
    return [
      `idle RSS (one run each): bare node ${node.later.toFixed(1)} MiB; provider at its handshake ${provider.atLine.toFixed(1)} MiB, 1.5 s later with the provider loaded and no RPC ${provider.later.toFixed(1)} MiB`,
    ];
  } catch (error) {
    return [`idle RSS probe failed: ${(error as Error).message}`];
  }
}

function describe(results: Map<number, { mlp: SideRuns; data: SideRuns }>): string[] {
  const lines: string[] = [];
  for (const [n, r] of results) {
    if (r.mlp.total.length === 0 && r.data.total.length === 0) continue;
    lines.push(
      `N=${n}: mlp apply ${spread(r.mlp.apply)}, destroy ${spread(r.mlp.destroy)}, total ${ms(median(r.mlp.total))}; ` +
        `terraform_data apply ${spread(r.data.apply)}, destroy ${spread(r.data.destroy)}, total ${ms(median(r.data.total))}; ` +
        `ratio ${ratio(median(r.mlp.total) / median(r.data.total))}`,
    );
    if (r.mlp.applyProcs.length) {
      lines.push(`N=${n}: provider processes per apply ${median(r.mlp.applyProcs)}, per destroy ${median(r.mlp.destroyProcs)}`);
    }
  }
  return lines;
}

/** P5 with its second size: the largest provider VmHWM per M-token apply (P7's applies), median. */
export function withScalePeak(p5: Figure, n: number, m: number, peaksMiB: readonly number[]): Figure {
  const peak = median(peaksMiB);
  if (!Number.isFinite(peak)) return { ...p5, details: [...p5.details, `no provider process of the ${m}-token applies was sampled`] };
  const title = P5_SCALE_TITLE(n, m);
  const goal = P5_SCALE_GOAL(n, m);
  const line = `largest provider VmHWM per ${m}-token apply (P7's applies): ${spread(peaksMiB, (v) => `${v.toFixed(1)} MiB`)}`;
  if (p5.error) return { ...p5, title, goal, value: `${m}: ${peak.toFixed(1)} MiB`, details: [line, ...p5.details] };
  const small = p5.value;
  return {
    ...p5,
    title,
    goal,
    value: `${n}: ${small}, ${m}: ${peak.toFixed(1)} MiB`,
    pass: p5.pass === undefined ? undefined : p5.pass && peak <= P5_SCALE_LIMIT_MIB,
    details: [p5.details[0]!, line, ...p5.details.slice(1)],
    method: `${p5.method}; at ${m}: the same sampling over each of P7's ${m}-token applies`,
  };
}
