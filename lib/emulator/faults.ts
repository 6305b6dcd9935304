/**
 * Fault injection: per route, a script of steps consumed one per request, or probabilities drawn
 * from a seeded PRNG. The same seed and the same requests give the same faults, so a failing soak
 * run can be replayed.
 *
 * Each route draws from its own PRNG stream, so the faults one route sees do not depend on how its
 * requests interleave with other routes' requests.
 */
import { z } from 'zod';
import { ROUTE_NAMES, type RouteName } from '../contract/routes';
import { EmulatorError } from './errors';

/** The statuses a fault can answer with (each with its `warnorCode` from `ERROR_CODES`). */
export const FAULT_STATUSES = [500, 502, 503, 504, 429] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

/** A fault step in object form. */
export type FaultAction =
  /** Answer with this status before processing; a 429 carries `Retry-After` (default 1 second). */
  | { readonly kind: 'status'; readonly status: FaultStatus; readonly retryAfterSeconds?: number }
  /** Destroy the connection without processing. */
  | { readonly kind: 'reset' }
  /** Process the request (the change is applied), then destroy the connection before answering. */
  | { readonly kind: 'lost' }
  /** Wait, then process normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** No fault. */
  | { readonly kind: 'ok' };

/**
 * A fault step as a string: `'500' | '502' | '503' | '504' | '429' | '429:<seconds>' | 'reset' |
 * 'delay:<ms>' | 'lost' | 'ok'`, or the same in object form.
 */
export type FaultStep = '500' | '502' | '503' | '504' | '429' | `429:${number}` | 'reset' | 'lost' | 'ok' | `delay:${number}` | FaultAction;

/**
 * Per-request probabilities. The status faults, `reset` and `lost` exclude each other (their sum
 * is at most 1); `delay` is drawn independently and comes before whichever outcome was drawn.
 */
export interface FaultProbabilities {
  readonly '500'?: number;
  readonly '502'?: number;
  readonly '503'?: number;
  readonly '504'?: number;
  readonly '429'?: number;
  readonly reset?: number;
  readonly lost?: number;
  readonly delay?: { readonly p: number; readonly ms: number };
  /** `Retry-After` on a drawn 429. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** Faults to start with (the `faults` option and the CLI's `--faults`). */
export interface FaultConfig {
  readonly scripts?: Partial<Record<RouteName, readonly FaultStep[]>>;
  /** Per route, or `'*'` for every route that has no probabilities of its own. */
  readonly probabilities?: Partial<Record<RouteName | '*', FaultProbabilities>>;
}

/** What happens to one request. */
export type FaultOutcome =
  | { readonly kind: 'process' }
  | { readonly kind: 'status'; readonly status: FaultStatus; readonly retryAfterSeconds: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'lost' };

export interface FaultDecision {
  /** Milliseconds to wait before the outcome. */
  readonly delayMs: number;
  readonly outcome: FaultOutcome;
}

/** A snapshot of the configured faults, for the control API and debugging. */
export interface FaultState {
  readonly seed: number;
  readonly scripts: Partial<Record<RouteName, FaultAction[]>>;
  readonly probabilities: Partial<Record<RouteName | '*', FaultProbabilities>>;
}

const DEFAULT_RETRY_AFTER_SECONDS = 1;
const PROCESS: FaultDecision = { delayMs: 0, outcome: { kind: 'process' } };
/** The mutually exclusive outcomes, in the fixed order a draw walks them. */
const EXCLUSIVE_KEYS = ['500', '502', '503', '504', '429', 'reset', 'lost'] as const;

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  #seed: number;
  #streams = new Map<RouteName, () => number>();
  readonly #scripts = new Map<RouteName, FaultAction[]>();
  readonly #probabilities = new Map<RouteName | '*', FaultProbabilities>();

  constructor(seed: number) {
    this.#seed = checkSeed(seed);
    this.#reseed();
  }

  get seed(): number {
    return this.#seed;
  }

  /** Replaces the route's script; it is consumed one step per request, before any probabilities. */
  script(route: RouteName, steps: readonly (FaultStep | string)[]): void {
    checkRoute(route, false);
    if (!Array.isArray(steps)) throw EmulatorError.validation('script', 'expected a list of steps');
    this.#scripts.set(
      route,
      steps.map((step, i) => parseStep(step, `script[${i}]`)),
    );
  }

  /** Sets the route's probabilities (`'*'`: every route without its own), replacing earlier ones. */
  probabilities(route: RouteName | '*', p: FaultProbabilities): void {
    checkRoute(route, true);
    this.#probabilities.set(route, parseProbabilities(p, 'probabilities'));
  }

  /** No scripts, no probabilities, and the PRNG back at the start of its sequence. */
  clear(): void {
    this.#scripts.clear();
    this.#probabilities.clear();
    this.#reseed();
  }

  /** Clears, then applies a whole configuration; nothing changes when it is invalid. */
  configure(config: FaultConfig): void {
    const parsed = parseFaultConfig(config);
    this.clear();
    for (const [route, steps] of parsed.scripts) this.#scripts.set(route, steps);
    for (const [route, p] of parsed.probabilities) this.#probabilities.set(route, p);
  }

  /** Decides the fate of one request to `route`, consuming a script step or two PRNG draws. */
  decide(route: RouteName): FaultDecision {
    const script = this.#scripts.get(route);
    if (script && script.length > 0) {
      const step = script.shift()!;
      if (script.length === 0) this.#scripts.delete(route);
      return decisionOf(step);
    }
    const p = this.#probabilities.get(route) ?? this.#probabilities.get('*');
    if (!p) return PROCESS;
    const next = this.#streams.get(route)!;
    // Always two draws per request, so a route's sequence depends only on how many requests it saw.
    const outcomeDraw = next();
    const delayDraw = next();
    const delayMs = p.delay && delayDraw < p.delay.p ? p.delay.ms : 0;
    let cumulative = 0;
    for (const key of EXCLUSIVE_KEYS) {
      cumulative += p[key] ?? 0;
      if (outcomeDraw < cumulative) return { delayMs, outcome: outcomeOf(key, p.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) };
    }
    return { delayMs, outcome: { kind: 'process' } };
  }

  state(): FaultState {
    return {
      seed: this.#seed,
      scripts: Object.fromEntries([...this.#scripts].map(([route, steps]) => [route, [...steps]])),
      probabilities: Object.fromEntries(this.#probabilities),
    };
  }

  #reseed(): void {
    this.#streams = new Map(ROUTE_NAMES.map((route, i) => [route, mulberry32((this.#seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0)]));
  }
}

function outcomeOf(key: (typeof EXCLUSIVE_KEYS)[number], retryAfterSeconds: number): FaultOutcome {
  if (key === 'reset' || key === 'lost') return { kind: key };
  const status = Number(key) as FaultStatus;
  return { kind: 'status', status, retryAfterSeconds: status === 429 ? retryAfterSeconds : 0 };
}

function decisionOf(step: FaultAction): FaultDecision {
  switch (step.kind) {
    case 'ok':
      return PROCESS;
    case 'delay':
      return { delayMs: step.ms, outcome: { kind: 'process' } };
    case 'reset':
    case 'lost':
      return { delayMs: 0, outcome: { kind: step.kind } };
    case 'status':
      return {
        delayMs: 0,
        outcome: {
          kind: 'status',
          status: step.status,
          retryAfterSeconds: step.retryAfterSeconds ?? (step.status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : 0),
        },
      };
  }
}

// ---- parsing (shared by the programmatic API, the control API and the CLI) ----

const STEP_PATTERN = /^(?:(500|502|503|504)|429(?::(\d{1,6}))?|(reset|lost|ok)|delay:(\d{1,7}))$/;
const STEP_GRAMMAR = `use one of "500", "502", "503", "504", "429", "429:<seconds>", "reset", "delay:<ms>", "lost", "ok"`;

const nonNegativeInt = z.number().int().min(0);
const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('status'), status: z.literal([...FAULT_STATUSES]), retryAfterSeconds: nonNegativeInt.optional() }),
  z.strictObject({ kind: z.literal('reset') }),
  z.strictObject({ kind: z.literal('lost') }),
  z.strictObject({ kind: z.literal('ok') }),
  z.strictObject({ kind: z.literal('delay'), ms: nonNegativeInt }),
]);

const probability = z.number().min(0).max(1);
const probabilitiesSchema = z
  .strictObject({
    '500': probability.optional(),
    '502': probability.optional(),
    '503': probability.optional(),
    '504': probability.optional(),
    '429': probability.optional(),
    reset: probability.optional(),
    lost: probability.optional(),
    delay: z.strictObject({ p: probability, ms: nonNegativeInt }).optional(),
    retryAfterSeconds: nonNegativeInt.optional(),
  })
  .superRefine((p, ctx) => {
    const sum = EXCLUSIVE_KEYS.reduce((total, key) => total + (p[key] ?? 0), 0);
    if (sum > 1 + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        message: `the status, reset and lost probabilities add up to ${sum}; they exclude each other, so their sum must be at most 1`,
      });
    }
  });

/** Parses one step (string or object form); `where` prefixes the error, e.g. `script[2]`. */
export function parseStep(step: unknown, where: string): FaultAction {
  if (typeof step === 'string') {
    const m = STEP_PATTERN.exec(step);
    if (!m) throw EmulatorError.validation(where, `${JSON.stringify(step)} is not a fault step; ${STEP_GRAMMAR}`);
    if (m[1] !== undefined) return { kind: 'status', status: Number(m[1]) as FaultStatus };
    if (m[3] !== undefined) return { kind: m[3] as 'reset' | 'lost' | 'ok' };
    if (m[4] !== undefined) return { kind: 'delay', ms: Number(m[4]) };
    return { kind: 'status', status: 429, retryAfterSeconds: m[2] === undefined ? DEFAULT_RETRY_AFTER_SECONDS : Number(m[2]) };
  }
  const parsed = actionSchema.safeParse(step);
  if (!parsed.success)
    throw EmulatorError.validation(
      where,
      `${issueText(parsed.error)}; ${STEP_GRAMMAR}, or the same as an object such as {"kind":"status","status":503}`,
    );
  return parsed.data;
}

export function parseProbabilities(p: unknown, where: string): FaultProbabilities {
  const parsed = probabilitiesSchema.safeParse(p);
  if (!parsed.success) throw EmulatorError.validation(where, issueText(parsed.error));
  return parsed.data;
}

/** Validates a whole fault configuration (as the `faults` option or `--faults` JSON gives it). */
export function parseFaultConfig(config: unknown): {
  scripts: Map<RouteName, FaultAction[]>;
  probabilities: Map<RouteName | '*', FaultProbabilities>;
} {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw EmulatorError.validation('faults', 'expected an object like {"scripts":{"list":["429","ok"]},"probabilities":{"*":{"503":0.1}}}');
  }
  const { scripts = {}, probabilities = {}, ...rest } = config as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw EmulatorError.validation(`faults.${unknownKey}`, 'unknown key; use "scripts" and "probabilities"');
  const result = { scripts: new Map<RouteName, FaultAction[]>(), probabilities: new Map<RouteName | '*', FaultProbabilities>() };
  for (const [route, steps] of entriesOf(scripts, 'faults.scripts')) {
    checkRoute(route, false, `faults.scripts.${route}`);
    if (!Array.isArray(steps)) throw EmulatorError.validation(`faults.scripts.${route}`, 'expected a list of steps');
    result.scripts.set(
      route as RouteName,
      steps.map((step: unknown, i) => parseStep(step, `faults.scripts.${route}[${i}]`)),
    );
  }
  for (const [route, p] of entriesOf(probabilities, 'faults.probabilities')) {
    checkRoute(route, true, `faults.probabilities.${route}`);
    result.probabilities.set(route as RouteName | '*', parseProbabilities(p, `faults.probabilities.${route}`));
  }
  return result;
}

function entriesOf(value: unknown, where: string): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw EmulatorError.validation(where, 'expected an object keyed by route');
  return Object.entries(value);
}

function checkRoute(route: unknown, allowStar: boolean, where = 'route'): asserts route is RouteName | '*' {
  if ((allowStar && route === '*') || ROUTE_NAMES.includes(route as RouteName)) return;
  const choices = [...ROUTE_NAMES, ...(allowStar ? ['*'] : [])].map((r) => `"${r}"`).join(', ');
  throw EmulatorError.validation(where, `${JSON.stringify(route)} is not a route; use one of ${choices}`);
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw EmulatorError.validation('seed', `${seed} is not a whole number`);
  return seed >>> 0;
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
