/**
 * P1: provider start to handshake line, against `node -e 0` (spawn to exit). Both sides are spawned
 * alternately in the same loop. Diagnostic variants ride in the same loop: the unbundled compiled
 * entry (what the launcher ran before the bundle) and the bundle without its code cache.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pluginEnv } from './lib/cert';
import { LAUNCHER, PROVIDER_BUNDLE, PROVIDER_MAIN, PROVIDER_START, WORK, type BenchOptions } from './lib/env';
import type { Figure } from './lib/figure';
import { timeToExit, timeToFirstLine } from './lib/proc';
import { median, ms, ratio, spread } from './lib/stats';

const TITLE = 'Provider start to handshake vs `node -e 0`';
const GOAL = '<= 1.5x';
const LIMIT = 1.5;

interface Variant {
  readonly label: string;
  readonly run: () => Promise<number>;
  readonly times: number[];
}

export async function p1(options: BenchOptions): Promise<Figure> {
  const socketDir = path.join(WORK, 'p1-sockets');
  fs.mkdirSync(socketDir, { recursive: true });
  const env = pluginEnv(socketDir);
  const handshake = async (command: string, args: string[]): Promise<number> => {
    const r = await timeToFirstLine(command, args, env);
    if (!r.line.startsWith('1|6|unix|')) throw new Error(`unexpected handshake line: ${r.line.slice(0, 80)}`);
    return r.ms;
  };

  const provider: Variant = { label: 'provider (bin/terraform-provider-mlp)', run: () => handshake(LAUNCHER, []), times: [] };
  const node: Variant = { label: 'node -e 0', run: () => timeToExit('node', ['-e', '0']), times: [] };
  const variants: Variant[] = [provider, node];
  const diagnostics: Variant[] = [
    {
      label: 'node dist/lib/provider/main.js (unbundled, no code cache: the launcher before the bundle)',
      run: () => handshake('node', [PROVIDER_MAIN]),
      times: [],
    },
    {
      label: 'node dist/lib/provider/bundle/terraform-provider-mlp.js (the bundle without its code cache)',
      run: () => handshake('node', [PROVIDER_BUNDLE]),
      times: [],
    },
    // What a V8 flag in the launcher would cost each start (P5's --max-semi-space-size=1): Node's
    // cache of its own modules is rejected under non-default V8 flags.
    {
      label: 'node --max-semi-space-size=1 dist/lib/provider/bundle/start.js (the launcher with a V8 flag)',
      run: () => handshake('node', ['--max-semi-space-size=1', PROVIDER_START]),
      times: [],
    },
  ];

  // One untimed round warms the page cache for every variant, and writes the launcher's code cache.
  for (const v of [...variants, ...diagnostics]) await v.run();
  const all = [...variants, ...diagnostics];
  for (let i = 0; i < options.fastRuns; i++) {
    // Rotate the order each round so no side always runs right after another.
    for (let j = 0; j < all.length; j++) {
      const v = all[(i + j) % all.length]!;
      v.times.push(await v.run());
    }
  }

  const value = median(provider.times) / median(node.times);
  const details = all.map((v) => `${v.label}: ${spread(v.times)}`);
  details.push(...(await probe(env)));
  return {
    id: 'P1',
    title: TITLE,
    goal: GOAL,
    value: `${ratio(value)} (${ms(median(provider.times))} / ${ms(median(node.times))})`,
    pass: value <= LIMIT,
    details,
    method: `spawn the launcher with TF_PLUGIN_MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS=6, PLUGIN_CLIENT_CERT (one generated PEM) until the first stdout line, then SIGTERM; against spawn-to-exit of \`node -e 0\`; ${options.fastRuns} interleaved runs each after one warm-up, medians`,
  };
}

/** One provider start with the start-up probe preloaded: where the time before the handshake goes. */
async function probe(env: NodeJS.ProcessEnv): Promise<string[]> {
  const preload = path.join(__dirname, 'lib', 'startup-probe.js');
  try {
    const r = await timeToFirstLine('node', ['--require', preload, PROVIDER_MAIN], env);
    const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH-PROBE '));
    if (!line) return ['start-up probe: no report'];
    const p = JSON.parse(line.slice('BENCH-PROBE '.length)) as {
      bootstrapMs: number;
      handshakeMs: number;
      modules: number;
      nodeModules: number;
      packagesMs: Record<string, number>;
    };
    const packages = Object.entries(p.packagesMs)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
      .join(', ');
    return [
      `start-up probe (one run, inside the provider process): Node bootstrap until the first user code ${ms(p.bootstrapMs)}, handshake written at ${ms(p.handshakeMs)} after process start; ${p.modules} modules loaded before the handshake (${p.nodeModules} from node_modules); inclusive load time of packages our code requires: ${packages || 'none'}`,
    ];
  } catch (error) {
    return [`start-up probe failed: ${(error as Error).message}`];
  }
}
