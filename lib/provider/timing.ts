/**
 * An internal timing hook for the benchmarks (bench/p9-rpc-cost.ts): where the provider's time per
 * RPC goes, measured inside the process. Off unless `MLP_TOKENS_TIMING` names a directory; then each
 * provider process writes `timing-<pid>.json` there at exit, with per-method medians of protobuf
 * decode/encode, msgpack and the handler, and the process's CPU time over the RPCs.
 *
 * Zero cost when off: {@link timing} is `undefined` and every hook is one `if` on it. No value is
 * recorded, only method names and durations, so the file can hold nothing secret.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/** The environment variable that turns the hook on: a directory for the summaries. */
export const ENV_TIMING = 'MLP_TOKENS_TIMING';

/** The part of one call the hook is timing. */
export type TimedPart = 'decode' | 'encode' | 'msgpack';

interface CallParts {
  msgpack: number;
}

interface MethodTimes {
  /** protobuf deserialize of each request, ms. */
  readonly decode: number[];
  /** protobuf serialize of each response, ms. */
  readonly encode: number[];
  /** The handler (runRpc: decode of values, our code, encode of values), ms. */
  readonly handler: number[];
  /** msgpack decode + encode inside each handler call, ms. */
  readonly msgpack: number[];
}

/** What a process writes at exit. */
export interface TimingSummary {
  readonly pid: number;
  /** Event-loop active time from the first ReadResource to exit, ms (wall time: grows when the machine is busy). */
  readonly activeMs: number;
  /** CPU time (user + system, all threads) of the process in the same window, ms: grpc-js, http2, TLS, ours, GC. */
  readonly cpuMs: number;
  /** Garbage collection in that window, ms (overlaps the parts: GC runs inside them). */
  readonly gcMs: number;
  /** Per method, from the first ReadResource on: call count, sums and medians (ms) of each part. */
  readonly methods: Record<string, { calls: number; sum: Record<keyof MethodTimes, number>; median: Record<keyof MethodTimes, number> }>;
}

export class RpcTiming {
  readonly #dir: string;
  readonly #methods = new Map<string, MethodTimes>();
  readonly #calls: AsyncLocalStorage<CallParts>;
  #window: { elu: ReturnType<typeof performance.eventLoopUtilization>; cpu: NodeJS.CpuUsage } | undefined;
  #gcMs = 0;

  constructor(dir: string) {
    this.#dir = dir;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when the timing hook is on; zero cost otherwise
    const { AsyncLocalStorage: Storage } = require('node:async_hooks') as typeof import('node:async_hooks');
    this.#calls = new Storage<CallParts>();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when the timing hook is on
    const { PerformanceObserver } = require('node:perf_hooks') as typeof import('node:perf_hooks');
    new PerformanceObserver((list) => {
      if (this.#window) for (const entry of list.getEntries()) this.#gcMs += entry.duration;
    }).observe({ entryTypes: ['gc'] });
    process.once('exit', () => this.#write());
  }

  /** Records a protobuf decode or encode of `method`'s message. */
  part(method: string, part: 'decode' | 'encode', ms: number): void {
    if (!this.#window) return;
    this.#times(method)[part].push(ms);
  }

  /** Adds msgpack time to the call running now (see {@link call}). */
  msgpack(ms: number): void {
    const parts = this.#calls.getStore();
    if (parts) parts.msgpack += ms;
  }

  /** Runs one handler call, timing it and the msgpack work inside it. */
  async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    if (!this.#window && method === 'ReadResource') this.#window = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
    const parts: CallParts = { msgpack: 0 };
    const started = performance.now();
    try {
      return await this.#calls.run(parts, run);
    } finally {
      if (this.#window) {
        const times = this.#times(method);
        times.handler.push(performance.now() - started);
        times.msgpack.push(parts.msgpack);
      }
    }
  }

  summary(): TimingSummary {
    const active = this.#window ? performance.eventLoopUtilization(this.#window.elu).active : 0;
    const cpu = this.#window ? process.cpuUsage(this.#window.cpu) : { user: 0, system: 0 };
    const methods: TimingSummary['methods'] = {};
    for (const [name, t] of this.#methods) {
      const keys = ['decode', 'encode', 'handler', 'msgpack'] as const;
      methods[name] = {
        calls: t.handler.length,
        sum: Object.fromEntries(keys.map((k) => [k, round(t[k].reduce((a, b) => a + b, 0))])) as Record<keyof MethodTimes, number>,
        median: Object.fromEntries(keys.map((k) => [k, round(median(t[k]), 4)])) as Record<keyof MethodTimes, number>,
      };
    }
    return { pid: process.pid, activeMs: round(active), cpuMs: round((cpu.user + cpu.system) / 1000), gcMs: round(this.#gcMs), methods };
  }

  #times(method: string): MethodTimes {
    let t = this.#methods.get(method);
    if (!t) {
      t = { decode: [], encode: [], handler: [], msgpack: [] };
      this.#methods.set(method, t);
    }
    return t;
  }

  #write(): void {
    try {
      fs.mkdirSync(this.#dir, { recursive: true });
      fs.writeFileSync(path.join(this.#dir, `timing-${process.pid}.json`), JSON.stringify(this.summary()));
    } catch {
      // A benchmark aid: failing to write it must not change how the provider exits.
    }
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** The hook, when `MLP_TOKENS_TIMING` is set; `undefined` (every hook skipped) otherwise. */
export const timing: RpcTiming | undefined = process.env[ENV_TIMING] ? new RpcTiming(process.env[ENV_TIMING]!) : undefined;
