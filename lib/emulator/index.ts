/**
 * A local HTTP server that behaves like the MLP token API (the modeled contract v1), with a
 * settable clock, fault injection and request counters for tests.
 *
 * ```ts
 * const emulator = await startEmulator({ control: true });
 * // point a client at emulator.url with emulator.adminToken
 * emulator.faults.script('list', ['429:1', 'ok']);
 * emulator.clock.advance('1h');
 * await emulator.close();
 * ```
 *
 * @module mlp-tokens/emulator
 */
import { randomBytes } from 'node:crypto';
import type { RouteName } from '../contract/routes';
import { durationProblem, parseDuration } from '../contract/duration';
import { roleToApi } from '../contract/validation';
import { SettableClock, type EmulatorClock } from './clock';
import type { ControlTarget } from './control';
import { EmulatorError } from './errors';
import { FaultInjector, type FaultConfig, type FaultProbabilities, type FaultState, type FaultStep } from './faults';
import { EmulatorServer } from './server';
import type { RegisterTokenRecord, TokenRecord } from './records';
import { newSecret } from './secrets';
import { readStateFile, writeStateFile } from './state-file';
import { TokenStore } from './store';

export { ManualClock, SettableClock, type EmulatorClock } from './clock';
export { EmulatorError, type EmulatorErrorCode } from './errors';
export { mulberry32, type FaultAction, type FaultConfig, type FaultProbabilities, type FaultState, type FaultStep } from './faults';
export type { RegisterTokenRecord, TokenRecord } from './records';
export type { RouteName } from '../contract/routes';

export interface EmulatorOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 - a free port chosen by the OS */
  readonly port?: number;
  /** The value of the Administrator access token the emulator starts with (at least 32 characters). @default - a fresh random value, in `RunningEmulator.adminToken` */
  readonly adminToken?: string;
  /** @default 'emulator-admin' */
  readonly adminTokenName?: string;
  /** The issuer of the admin token, inherited by every token it mints. @default 'admin@example.ru' */
  readonly issuerName?: string;
  /** Serve the control API under `/_emulator/`. @default false - those paths answer 404 */
  readonly control?: boolean;
  /**
   * Persist tokens, registration tokens, bearers (hashes only) and the clock offset to this file,
   * rewritten atomically after each change, and load it on start. @default - in memory only
   */
  readonly statePath?: string;
  /** Faults to start with. @default - none */
  readonly faults?: FaultConfig;
  /** Seed of the PRNG behind probabilistic faults. @default - a random seed, in `RunningEmulator.seed` */
  readonly seed?: number;
  /**
   * The clock every time decision reads. When given, a state file's saved clock offset is ignored.
   * @default - real time plus an offset that `clock.advance`/`clock.set` move (restored from the state file)
   */
  readonly clock?: EmulatorClock;
  /** Lifetime of exchanged bearers, in seconds. @default 900 */
  readonly bearerTtlSeconds?: number;
}

/** The emulator's clock handle; changes are persisted with the state. */
export interface EmulatorClockHandle {
  now(): Date;
  /** A duration (`"1h"`) or milliseconds. */
  advance(by: string | number): void;
  set(at: Date): void;
}

export interface EmulatorFaults {
  /** Replaces the route's script: one step consumed per request, ahead of probabilities. */
  script(route: RouteName, steps: FaultStep[] | string[]): void;
  /** Sets probabilities for a route, or `'*'` for every route without its own. */
  probabilities(route: RouteName | '*', p: FaultProbabilities): void;
  /** No faults, and the PRNG back at the start of its sequence. */
  clear(): void;
  /** The configured faults (remaining script steps included). */
  state(): FaultState;
}

export interface CreateTokenSpec {
  readonly name: string;
  readonly role: 'user' | 'admin';
  /** A duration; absent means the token never expires. */
  readonly ttl?: string;
  /** @default - the emulator's `issuerName` */
  readonly issuerName?: string;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`; clients append `/v1_0/...`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The value of the Administrator access token. */
  readonly adminToken: string;
  /** The PRNG seed in use (given or generated), to replay a probabilistic run. */
  readonly seed: number;
  readonly clock: EmulatorClockHandle;
  readonly faults: EmulatorFaults;
  /** Requests received per route, faulted ones included (control requests are not counted). */
  counters(): Record<RouteName, number>;
  resetCounters(): void;
  /** Creates an access token directly, as the console would. Throws `EmulatorError` (`validation`, `conflict`). */
  createToken(spec: CreateTokenSpec): { value: string; id: string; name: string };
  /** All access tokens' metadata (expired ones included), in creation order. */
  tokens(): TokenRecord[];
  /** Outstanding (unused, unexpired) registration tokens' metadata. */
  registerTokens(): RegisterTokenRecord[];
  /** Back to just the admin token (same value), no faults, PRNG reseeded, counters zero. The clock is left as it is. */
  reset(): void;
  close(): Promise<void>;
}

/** The defaults of {@link EmulatorOptions}, shared with the CLI's help. */
export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  adminTokenName: 'emulator-admin',
  issuerName: 'admin@example.ru',
  bearerTtlSeconds: 900,
} as const;
const MIN_SECRET_LENGTH = 32;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? EMULATOR_DEFAULTS.host;
  const port = options.port ?? EMULATOR_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw EmulatorError.validation('port', `${port} is not a port; use 0 to 65535 (0 picks a free one)`);
  const bearerTtlSeconds = options.bearerTtlSeconds ?? EMULATOR_DEFAULTS.bearerTtlSeconds;
  if (!Number.isSafeInteger(bearerTtlSeconds) || bearerTtlSeconds <= 0) {
    throw EmulatorError.validation('bearerTtlSeconds', `${bearerTtlSeconds} is not a lifetime; use a whole number of seconds above zero`);
  }
  const adminToken = options.adminToken ?? newSecret();
  if (typeof adminToken !== 'string' || adminToken.length < MIN_SECRET_LENGTH || /\s/.test(adminToken)) {
    throw EmulatorError.validation(
      'adminToken',
      `the admin token must be at least ${MIN_SECRET_LENGTH} characters without spaces (got ${String(adminToken?.length)} characters)`,
    );
  }
  const issuerName = options.issuerName ?? EMULATOR_DEFAULTS.issuerName;
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);

  const { statePath } = options;
  const saved = statePath === undefined ? undefined : readStateFile(statePath);
  const clock = options.clock ?? new SettableClock(saved?.clockOffsetMs ?? 0);
  let persist = (): void => undefined;
  const store = new TokenStore(clock, () => persist());
  if (saved) store.loadState(saved);
  store.ensureAdmin({ value: adminToken, name: options.adminTokenName ?? EMULATOR_DEFAULTS.adminTokenName, issuerName });
  if (statePath !== undefined) {
    const offset = () => (clock instanceof SettableClock ? clock.offsetMs : clock.now().getTime() - Date.now());
    persist = () => writeStateFile(statePath, store.toState(offset()));
    persist();
  }

  const injector = new FaultInjector(seed);
  if (options.faults) injector.configure(options.faults);

  const clockHandle: EmulatorClockHandle = {
    now: () => clock.now(),
    advance: (by) => {
      clock.advance(by);
      persist();
    },
    set: (at) => {
      clock.set(at);
      persist();
    },
  };
  const faults: EmulatorFaults = {
    script: (route, steps) => injector.script(route, steps),
    probabilities: (route, p) => injector.probabilities(route, p),
    clear: () => injector.clear(),
    state: () => injector.state(),
  };

  // The control API and the programmatic handle are the same object, so they cannot drift apart.
  // Its methods reach `server` (declared below) only when called, after it is set.
  const target: ControlTarget & Pick<RunningEmulator, 'createToken'> = {
    clock: clockHandle,
    faults,
    counters: () => server.counters(),
    resetCounters: () => server.resetCounters(),
    tokens: () => store.tokenRecords(),
    registerTokens: () => store.registerTokenRecords(),
    createToken: (spec) => createToken(store, spec, issuerName),
    reset: () => {
      store.reset();
      injector.clear();
      server.resetCounters();
    },
  };
  const server = new EmulatorServer({
    clock,
    faults: injector,
    contract: { store, bearerTtlSeconds },
    control: options.control ? target : undefined,
  });
  const address = await server.listen(host, port);
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;

  return {
    ...target,
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    adminToken,
    seed: injector.seed,
    close: () => server.close(),
  };
}

function createToken(store: TokenStore, spec: CreateTokenSpec, defaultIssuer: string): { value: string; id: string; name: string } {
  if (spec.role !== 'user' && spec.role !== 'admin')
    throw EmulatorError.validation('role', `${JSON.stringify(spec.role)} is not a role: use "user" or "admin"`);
  let lifetimeSeconds: number | null = null;
  if (spec.ttl !== undefined) {
    const problem = durationProblem(spec.ttl);
    if (problem) throw EmulatorError.validation('ttl', problem);
    lifetimeSeconds = parseDuration(spec.ttl);
  }
  const { value, token } = store.addAccessToken({
    name: spec.name,
    tokenType: roleToApi(spec.role),
    issuerName: spec.issuerName ?? defaultIssuer,
    lifetimeSeconds,
  });
  return { value, id: token.id, name: token.name };
}
