/**
 * P8: `terraform apply` of N (100) `mlp_access_token` with 50 ms added to every API request (the
 * emulator's `delay` fault on every route), against the latency floor: terraform_data's apply of N
 * (same run, side by side) plus the requests on the critical path x 50 ms, where the critical path
 * is every request made once per process (exchange, who-am-I, list: the others wait for them) plus
 * the per-token requests (mint, redeem, delete) divided by the parallelism.
 *
 * The provider reaches the emulator through a pass-through TCP proxy on loopback that counts the
 * connections it is given: with keep-alive, a provider process opens at most as many as it has
 * requests in flight (HTTP/1.1 serves one at a time per connection) and reuses them.
 */
import * as net from 'node:net';
import type { RunningEmulator } from '../lib/emulator';
import type { TerraformWorkdir } from '../lib/testing/terraform';
import type { BenchOptions } from './lib/env';
import { type Figure, unmeasured } from './lib/figure';
import { ms, median, nowMs, ratio, spread } from './lib/stats';
import { ProviderWatch, dataDir, mlpDir } from './lib/tf';

const TITLE = 'apply of N mlp_access_token with 50 ms added to every API request vs the latency floor';
const GOAL = '<= 1.3x of the floor';
const LIMIT = 1.3;
const DELAY_MS = 50;
const PARALLELISM = 10;
const FLAGS = [`-parallelism=${PARALLELISM}`];
/** Requests a provider process makes once, before or beside the per-token ones. */
const ONCE_PER_PROCESS = ['exchange', 'whoami', 'list'] as const;

/** A pass-through TCP proxy on 127.0.0.1 that counts connections. */
class CountingProxy {
  connections = 0;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  constructor(target: URL) {
    this.#server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`));
    });
  }
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

interface MlpRun {
  ms: number;
  requests: number;
  onceRequests: number;
  perTokenRequests: number;
  connections: number;
  processes: number;
  routes: string;
}

export async function p8(options: BenchOptions, emulator: RunningEmulator): Promise<Figure> {
  const n = options.latencyN;
  const title = TITLE.replace(/N/g, String(n));
  const method = `the emulator's delay fault (${DELAY_MS} ms, every route, probability 1) during the mlp apply only; \`terraform apply -var n=${n} ${FLAGS.join(' ')}\` from spawn to exit; floor = terraform_data's apply of ${n} (median, same run, no delay) + (requests made once per process + per-token requests / ${PARALLELISM}) x ${DELAY_MS} ms, from the emulator's counters of that apply; connections counted by a TCP proxy between provider and emulator; destroys untimed, without the delay; ${options.tfRuns} runs per side, alternating; medians`;
  const proxy = new CountingProxy(new URL(emulator.url));
  let mlp: TerraformWorkdir;
  let data: TerraformWorkdir;
  try {
    const url = await proxy.listen();
    [mlp, data] = [await mlpDir('p8-mlp', { url, adminToken: emulator.adminToken }), await dataDir('p8-data', emulator)];
  } catch (error) {
    await proxy.close();
    return unmeasured('P8', title, GOAL, method, error);
  }
  const watch = new ProviderWatch('p8');
  const vars = ['-var', `n=${n}`, ...FLAGS];
  const mlpRuns: MlpRun[] = [];
  const dataRuns: number[] = [];
  /** The same apply without the delay (not in the figure): what the latency itself adds. */
  const noDelay: number[] = [];
  const runMlpWithoutDelay = async (record: boolean): Promise<void> => {
    const t0 = nowMs();
    await mlp.apply(vars);
    const took = nowMs() - t0;
    await mlp.destroy(vars);
    if (record) noDelay.push(took);
  };
  const runMlp = async (record: boolean): Promise<void> => {
    emulator.resetCounters();
    proxy.connections = 0;
    emulator.faults.probabilities('*', { delay: { p: 1, ms: DELAY_MS } });
    watch.start();
    const t0 = nowMs();
    try {
      await mlp.apply(vars, { env: watch.env() });
    } finally {
      emulator.faults.clear();
    }
    const took = nowMs() - t0;
    const { processes } = watch.stop();
    const counters = emulator.counters();
    const connections = proxy.connections;
    const requests = Object.values(counters).reduce((a, b) => a + b, 0);
    const onceRequests = ONCE_PER_PROCESS.reduce((a, r) => a + (counters[r] ?? 0), 0);
    await mlp.destroy(vars);
    if (record) {
      mlpRuns.push({
        ms: took,
        requests,
        onceRequests,
        perTokenRequests: requests - onceRequests,
        connections,
        processes,
        routes: Object.entries(counters)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      });
    }
  };
  const runData = async (record: boolean): Promise<void> => {
    const t0 = nowMs();
    await data.apply(vars);
    const took = nowMs() - t0;
    await data.destroy(vars);
    if (record) dataRuns.push(took);
  };
  try {
    await runMlp(false);
    await runData(false);
    for (let i = 0; i < options.tfRuns; i++) {
      for (const side of i % 2 === 0 ? [runMlp, runData, runMlpWithoutDelay] : [runMlpWithoutDelay, runData, runMlp]) await side(true);
    }
  } catch (error) {
    return unmeasured('P8', title, GOAL, method, error);
  } finally {
    emulator.faults.clear();
    await proxy.close();
  }
  const applyMs = median(mlpRuns.map((r) => r.ms));
  const dataMs = median(dataRuns);
  const once = median(mlpRuns.map((r) => r.onceRequests));
  const perToken = median(mlpRuns.map((r) => r.perTokenRequests));
  const criticalPath = once + perToken / PARALLELISM;
  const floor = dataMs + criticalPath * DELAY_MS;
  const value = applyMs / floor;
  const last = mlpRuns[mlpRuns.length - 1]!;
  return {
    id: 'P8',
    title,
    goal: GOAL,
    value: `${ratio(value)} (${ms(applyMs)} / floor ${ms(floor)})`,
    pass: n === 100 ? value <= LIMIT : undefined,
    details: [
      `mlp apply with ${DELAY_MS} ms per request: ${spread(mlpRuns.map((r) => r.ms))}; terraform_data apply (no API): ${spread(dataRuns)}`,
      `requests per apply ${median(mlpRuns.map((r) => r.requests))} (last run: ${last.routes}); on the critical path ${criticalPath.toFixed(1)} = ${once} once per process + ${perToken} per-token / ${PARALLELISM}; floor ${ms(dataMs)} + ${criticalPath.toFixed(1)} x ${DELAY_MS} ms = ${ms(floor)}`,
      `the same mlp apply without the delay (not in the figure): ${spread(noDelay)}; the delay added ${ms(applyMs - median(noDelay))} against ${ms(criticalPath * DELAY_MS)} of latency on the critical path`,
      `connections to the API per apply ${median(mlpRuns.map((r) => r.connections))} (per run: ${mlpRuns.map((r) => r.connections).join(', ')}) over ${median(mlpRuns.map((r) => r.processes))} provider processes; ${(median(mlpRuns.map((r) => r.requests)) / Math.max(1, median(mlpRuns.map((r) => r.connections)))).toFixed(1)} requests per connection`,
    ],
    method,
  };
}
