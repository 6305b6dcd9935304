/**
 * What the reliability scenarios share: token configurations, the reconciliation of the emulator's
 * tokens against the state, applies repeated until they converge, the faults the emulator injected
 * (replayed from its seed and request counters), retries counted from the provider's log, and the
 * figures each scenario reports (printed, and appended to `MLP_RELIABILITY_FIGURES` when set).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { EMULATOR_DEFAULTS, type RunningEmulator } from '../../../lib/emulator';
import { FaultInjector, type FaultConfig, type FaultProbabilities } from '../../../lib/emulator/faults';
import type { RouteName } from '../../../lib/contract/routes';
import type { TerraformResult } from '../../../lib/testing/terraform';
import type { E2EWorkdir } from '../harness';

/** The name of the emulator's own Administrator token. */
export const ADMIN_NAME = EMULATOR_DEFAULTS.adminTokenName;

/** `n` access tokens with fixed names `<prefix>-000`..., as separate resources (`count`-like). */
export function tokensConfig(n: number, prefix: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) resources[`t${String(i).padStart(3, '0')}`] = { name: `${prefix}-${String(i).padStart(3, '0')}`, ...extra };
  return { resource: { mlp_access_token: resources } };
}

export interface Reconciliation {
  /** In the API, not in the state. */
  readonly orphans: string[];
  /** In the state more than once, or in the API more than once. */
  readonly duplicates: string[];
  /** In the state, not in the API (or with another id). */
  readonly missing: string[];
  readonly inState: number;
  readonly inApi: number;
}

/** The emulator's tokens (but the admin's) against the state's access tokens, by name and id. */
export async function reconcile(emulator: RunningEmulator, w: E2EWorkdir): Promise<Reconciliation> {
  const state = await w.state();
  const held = (state.values?.root_module?.resources ?? [])
    .filter((r) => r.type === 'mlp_access_token')
    .map((r) => ({ name: String(r.values.name), id: String(r.values.id) }));
  const api = emulator.tokens().filter((t) => t.name !== ADMIN_NAME);
  const count = (names: string[]): Map<string, number> => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
  const duplicates = [...count(held.map((h) => h.name)), ...count(api.map((t) => t.name))].filter(([, c]) => c > 1).map(([n]) => n);
  const apiById = new Map(api.map((t) => [t.id, t.name]));
  const heldIds = new Set(held.map((h) => h.id));
  return {
    orphans: api
      .filter((t) => !heldIds.has(t.id))
      .map((t) => t.name)
      .sort(),
    duplicates: [...new Set(duplicates)].sort(),
    missing: held
      .filter((h) => apiById.get(h.id) !== h.name)
      .map((h) => h.name)
      .sort(),
    inState: held.length,
    inApi: api.length,
  };
}

/** Runs `apply` (or `destroy`) until one succeeds, at most `max` times; every run's result. */
export async function untilConverged(run: () => Promise<TerraformResult>, max = 3): Promise<TerraformResult[]> {
  const results: TerraformResult[] = [];
  while (results.length < max) {
    const r = await run();
    results.push(r);
    if (r.code === 0) return results;
  }
  const last = results[results.length - 1]!;
  throw new Error(`did not converge in ${max} runs; the last said:\n${errorsOf(last)}`);
}

/** The error blocks of a run's output (for failure messages: Terraform never prints a sensitive value). */
export function errorsOf(r: TerraformResult): string {
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => /Error|Warning|│/.test(l))
    .slice(0, 60)
    .join('\n');
}

/** The distinct error summaries of a failed run, counted. */
export function errorSummaries(r: TerraformResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of `${r.stdout}\n${r.stderr}`.matchAll(/Error: (.+)/g)) out[m[1]!.trim()] = (out[m[1]!.trim()] ?? 0) + 1;
  return out;
}

export type FaultKind = '500' | '502' | '503' | '504' | '429' | 'reset' | 'lost';

/**
 * The faults the emulator injected, by kind and route: its decisions depend only on the seed, the
 * probabilities and how many requests each route saw, so replaying them from the counters gives the
 * exact outcomes it drew (valid while no script was set and the faults were not cleared).
 */
export function injectedFaults(
  seed: number,
  probabilities: FaultConfig['probabilities'],
  counters: Record<RouteName, number>,
): {
  total: Record<FaultKind, number>;
  byRoute: Partial<Record<RouteName, Partial<Record<FaultKind, number>>>>;
  requests: number;
} {
  const replay = new FaultInjector(seed);
  replay.configure({ probabilities });
  const total: Record<FaultKind, number> = { '500': 0, '502': 0, '503': 0, '504': 0, '429': 0, reset: 0, lost: 0 };
  const byRoute: Partial<Record<RouteName, Partial<Record<FaultKind, number>>>> = {};
  let requests = 0;
  for (const [route, n] of Object.entries(counters) as [RouteName, number][]) {
    requests += n;
    for (let i = 0; i < n; i++) {
      const { outcome } = replay.decide(route);
      if (outcome.kind === 'process') continue;
      const kind = (outcome.kind === 'status' ? String(outcome.status) : outcome.kind) as FaultKind;
      total[kind]++;
      const r = (byRoute[route] ??= {});
      r[kind] = (r[kind] ?? 0) + 1;
    }
  }
  return { total, byRoute, requests };
}

/** The soak's fault mix: 20% 5xx/429 (429 with Retry-After 1 s), 5% connection resets, 1% lost answers. */
export const SOAK_FAULTS: FaultProbabilities = {
  '500': 0.02,
  '502': 0.04,
  '503': 0.05,
  '504': 0.03,
  '429': 0.06,
  reset: 0.05,
  lost: 0.01,
  retryAfterSeconds: 1,
};

/** Retries the provider's clients made, by the error that caused them, from the provider's stderr. */
export function retriesLogged(w: E2EWorkdir): { total: number; byCause: Record<string, number> } {
  const text = fs.existsSync(w.providerStderrFile) ? fs.readFileSync(w.providerStderrFile, 'utf8') : '';
  const byCause: Record<string, number> = {};
  let total = 0;
  for (const m of text.matchAll(/retrying in \d+ ms after ([a-z-]+)/g)) {
    total++;
    byCause[m[1]!] = (byCause[m[1]!] ?? 0) + 1;
  }
  return { total, byCause };
}

/** Descendants of `pid` (children first found, then theirs), from `ps`. */
export function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent && !out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** SIGKILLs `pid` and its {@link descendants} (found before the kill, while they still have a parent); the descendants killed. */
export function killTree(pid: number): number[] {
  const tree = descendants(pid);
  for (const p of [pid, ...tree]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return tree;
}

/** Whether a process is still alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` holds, polling; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Prints a scenario's figures (and appends them to MLP_RELIABILITY_FIGURES when set, for RELIABILITY.md). */
export function report(scenario: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, ...figures });
  process.stdout.write(`reliability figures: ${line}\n`);
  const file = process.env.MLP_RELIABILITY_FIGURES;
  if (file) fs.appendFileSync(file, `${line}\n`);
}
