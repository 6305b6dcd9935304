/**
 * `npm run bench`: the benchmark figures of mlp-tokens (P1-P9), printed as a table and written to
 * bench/RESULTS.md. A figure that cannot be measured says why; the run goes on.
 *
 *   npm run bench                 # the figures of record (about 15-25 minutes on 2 cores: P6/P7 apply 1,000 tokens)
 *   npm run bench -- --quick      # fewer runs, smaller N (RESULTS.md only with --write)
 *   npm run bench -- --only=P1,P4 --runs=7 --no-write --details
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../lib/emulator';
import { CACHE_HOME, ROOT, WORK, machine, parseOptions, snapshotPackage } from './lib/env';
import { type Figure, type FigureId, unmeasured } from './lib/figure';
import { table, writeResults } from './lib/report';
import { nowMs } from './lib/stats';
import { p1 } from './p1-startup';
import { p2p5, withScalePeak } from './p2-apply';
import { p3 } from './p3-requests';
import { p4 } from './p4-synth';
import { scale } from './p6-scale';
import { p8 } from './p8-latency';

function progress(line: string): void {
  process.stderr.write(`[bench +${((nowMs() - started) / 1000).toFixed(0)}s] ${line}\n`);
}
const started = nowMs();

async function attempt<T>(label: string, fn: () => Promise<T> | T, fallback: (error: unknown) => T): Promise<T> {
  progress(`${label}...`);
  try {
    return await fn();
  } catch (error) {
    progress(`${label} failed: ${(error as Error).message?.split('\n')[0]}`);
    return fallback(error);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  snapshotPackage();
  // Every provider process of the run (P1's spawns, Terraform's plugins) inherits this.
  process.env.XDG_CACHE_HOME = CACHE_HOME;
  const m = machine();
  progress(`${m.cpu}, ${m.cores} cores, node ${m.node}, terraform ${m.terraform}, load ${m.load}${options.quick ? ' (quick)' : ''}`);
  const figures = new Map<FigureId, Figure>();
  const notes: string[] = [];
  const want = (id: FigureId): boolean => options.only.has(id);

  if (want('P1')) {
    figures.set(
      'P1',
      await attempt(
        'P1 start-up',
        () => p1(options),
        (e) => unmeasured('P1', 'Provider start to handshake vs `node -e 0`', '<= 1.5x', 'see bench/p1-startup.ts', e),
      ),
    );
  }
  if (want('P4')) {
    figures.set(
      'P4',
      await attempt(
        'P4 synth',
        () => p4(options),
        (e) => unmeasured('P4', 'Synth of MlpAccessToken vs bare TerraformResource', '<= 1.2x', 'see bench/p4-synth.ts', e),
      ),
    );
  }
  if (['P2', 'P3', 'P5', 'P6', 'P7', 'P8', 'P9'].some((id) => want(id as FigureId))) {
    let emulator: RunningEmulator | undefined;
    try {
      emulator = await startEmulator({ control: true });
    } catch (error) {
      for (const id of ['P2', 'P3', 'P5', 'P6', 'P7', 'P8', 'P9'] as const)
        if (want(id)) figures.set(id, unmeasured(id, 'needs the emulator', '', '', error));
    }
    if (emulator) {
      try {
        if (want('P2') || want('P5')) {
          const [f2, f5] = await attempt(
            'P2 apply/destroy (and P5 RSS)',
            () => p2p5(options, emulator!),
            (e) => [
              unmeasured('P2', 'apply + destroy', '<= 3.5x at N=100', 'see bench/p2-apply.ts', e),
              unmeasured('P5', 'Provider peak RSS', '<= 80 MB', 'see bench/p2-apply.ts', e),
            ],
          );
          if (want('P2')) figures.set('P2', f2);
          if (want('P5')) figures.set('P5', f5);
        }
        if (want('P3')) {
          figures.set(
            'P3',
            await attempt(
              'P3 requests per provider process',
              () => p3(options, emulator!),
              (e) => unmeasured('P3', 'API requests per provider process', '<= 2, flat in N', 'see bench/p3-requests.ts', e),
            ),
          );
        }
        if (want('P8')) {
          figures.set(
            'P8',
            await attempt(
              'P8 apply with 50 ms per request',
              () => p8(options, emulator!),
              (e) =>
                unmeasured('P8', 'apply with 50 ms per request vs the latency floor', '<= 1.3x of the floor', 'see bench/p8-latency.ts', e),
            ),
          );
        }
        // P5's second size rides on P7's applies: `--only=P5` measures it at 100 tokens only.
        if (want('P6') || want('P7') || want('P9')) {
          const result = await attempt(
            `P6/P7/P9 at ${options.scaleN} tokens (and P5's second size)`,
            () => scale(options, emulator!),
            (e) => ({
              p6: unmeasured('P6', 'plan with nothing to do', '<= 1.5x', 'see bench/p6-scale.ts', e),
              p7: unmeasured('P7', 'apply and destroy', '<= 1.5x each', 'see bench/p6-scale.ts', e),
              p9: unmeasured('P9', 'provider RPC cost per token', 'report', 'see bench/p6-scale.ts', e),
              peaksMiB: [] as number[],
              n: options.scaleN,
            }),
          );
          if (want('P6')) figures.set('P6', result.p6);
          if (want('P7')) figures.set('P7', result.p7);
          if (want('P9')) figures.set('P9', result.p9);
          const p5 = figures.get('P5');
          if (p5) figures.set('P5', withScalePeak(p5, options.p2Sizes[options.p2Sizes.length - 1]!, result.n, result.peaksMiB));
        }
      } finally {
        await emulator.close();
      }
    }
  }

  const ordered = (['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'] as const)
    .map((id) => figures.get(id))
    .filter((f): f is Figure => f !== undefined);
  const elapsedMs = nowMs() - started;
  process.stdout.write(`\n${table(ordered)}\n\n`);
  for (const f of ordered) if (f.error) process.stdout.write(`${f.id} not measured: ${f.error}\n`);
  // --details: each figure's details under the table (what RESULTS.md gets), for runs with --no-write.
  if (argv.includes('--details')) for (const f of ordered) for (const d of f.details) process.stdout.write(`${f.id}: ${d}\n`);
  if (options.write) {
    const file = path.join(ROOT, 'bench', 'RESULTS.md');
    writeResults(file, { machine: m, figures: ordered, argv, quick: options.quick, elapsedMs, notes });
    process.stdout.write(`written to ${path.relative(process.cwd(), file)} (${(elapsedMs / 1000).toFixed(0)} s)\n`);
  }
}

main().then(
  // Exit even if a stray handle (a keep-alive socket, a timer) would keep the loop alive.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
