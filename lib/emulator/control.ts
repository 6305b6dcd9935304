/**
 * The control API under `/_emulator/`: what tests and CI scripts in other languages use to move the
 * clock, script faults, read counters and seed tokens over HTTP. Served only with `control: true`;
 * its requests are never counted and never faulted.
 */
import type { RouteName } from '../client/routes';
import { EmulatorError } from './errors';
import { parseProbabilities, parseStep, type FaultProbabilities, type FaultState, type FaultStep } from './faults';
import { errorResponse, json, type ApiResponse } from './handlers';
import type { RegisterTokenRecord, TokenRecord } from './store';

export const CONTROL_PREFIX = '/_emulator';

/** What the control API drives: the running emulator's own test handles. */
export interface ControlTarget {
  readonly clock: { now(): Date; advance(by: string | number): void; set(at: Date): void };
  readonly faults: {
    script(route: RouteName, steps: FaultStep[] | string[]): void;
    probabilities(route: RouteName | '*', p: FaultProbabilities): void;
    clear(): void;
    state(): FaultState;
  };
  counters(): Record<RouteName, number>;
  resetCounters(): void;
  tokens(): TokenRecord[];
  registerTokens(): RegisterTokenRecord[];
  createToken(spec: { name: string; role: 'user' | 'admin'; ttl?: string }): { value: string; id: string; name: string };
  reset(): void;
}

type ControlHandler = (body: Record<string, unknown>, target: ControlTarget) => ApiResponse;

const ROUTES: Readonly<Record<string, ControlHandler>> = {
  'GET /clock': (_body, target) => json(200, { now: target.clock.now().toISOString() }),

  'POST /clock': (body, target) => {
    const { advance, set } = body;
    if ((advance === undefined) === (set === undefined)) {
      throw EmulatorError.validation('body', 'send exactly one of {"advance":"1h"} (a duration or milliseconds) or {"set":"<ISO 8601 instant>"}');
    }
    if (advance !== undefined) {
      if (typeof advance !== 'string' && typeof advance !== 'number') throw EmulatorError.validation('advance', 'expected a duration such as "1h" or a number of milliseconds');
      target.clock.advance(advance);
    } else {
      if (typeof set !== 'string' || Number.isNaN(Date.parse(set))) throw EmulatorError.validation('set', `${JSON.stringify(set)} is not an ISO 8601 instant`);
      target.clock.set(new Date(set));
    }
    return json(200, { now: target.clock.now().toISOString() });
  },

  'GET /faults': (_body, target) => json(200, target.faults.state()),

  'POST /faults': (body, target) => {
    const { route, script, probabilities, ...rest } = body;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) throw EmulatorError.validation(unknownKey, 'unknown key; send {"route", "script"} and/or {"route", "probabilities"}');
    if (script === undefined && probabilities === undefined) {
      throw EmulatorError.validation('body', 'send {"route":"list","script":["429:1","ok"]} or {"route":"*","probabilities":{"503":0.1}}');
    }
    // Validate both before applying either, so a bad half changes nothing.
    if (script !== undefined && !Array.isArray(script)) throw EmulatorError.validation('script', 'expected a list of steps');
    if (Array.isArray(script)) script.forEach((step: unknown, i) => parseStep(step, `script[${i}]`));
    if (probabilities !== undefined) parseProbabilities(probabilities, 'probabilities');
    if (script !== undefined) target.faults.script(route as RouteName, script as string[]);
    if (probabilities !== undefined) target.faults.probabilities(route as RouteName | '*', probabilities as FaultProbabilities);
    return json(200, target.faults.state());
  },

  'DELETE /faults': (_body, target) => {
    target.faults.clear();
    return { status: 204 };
  },

  'GET /counters': (_body, target) => json(200, target.counters()),

  'DELETE /counters': (_body, target) => {
    target.resetCounters();
    return { status: 204 };
  },

  'GET /tokens': (_body, target) => json(200, { tokens: target.tokens(), registerTokens: target.registerTokens() }),

  'POST /tokens': (body, target) => {
    const { name, role, ttl } = body;
    if (typeof name !== 'string') throw EmulatorError.validation('name', 'expected a string');
    if (role !== 'user' && role !== 'admin') throw EmulatorError.validation('role', `${JSON.stringify(role)} is not a role: use "user" or "admin"`);
    if (ttl !== undefined && ttl !== null && typeof ttl !== 'string') throw EmulatorError.validation('ttl', 'expected a duration such as "2h", or leave it out');
    const created = target.createToken({ name, role, ...(typeof ttl === 'string' ? { ttl } : {}) });
    const record = target.tokens().find((t) => t.id === created.id);
    return json(201, { ...record, ...created });
  },

  'POST /reset': (_body, target) => {
    target.reset();
    return { status: 204 };
  },
};

/** Answers a control request; `path` is the part after {@link CONTROL_PREFIX}. `undefined`: no such route. */
export function handleControl(method: string, path: string, rawBody: Buffer, target: ControlTarget): ApiResponse | undefined {
  const handler = ROUTES[`${method} ${path}`];
  if (!handler) return undefined;
  let body: Record<string, unknown> = {};
  if (rawBody.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return errorResponse(400, 'body: not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return errorResponse(400, 'body: expected a JSON object');
    body = parsed as Record<string, unknown>;
  }
  try {
    return handler(body, target);
  } catch (error) {
    if (error instanceof EmulatorError) {
      const status = error.code === 'conflict' ? 409 : error.code === 'not_found' ? 404 : error.code === 'validation' ? 400 : 500;
      return errorResponse(status, error.message);
    }
    throw error;
  }
}
