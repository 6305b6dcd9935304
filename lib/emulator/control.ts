/**
 * The control API under `/_emulator/`: what tests and CI scripts in other languages use to move the
 * clock, script faults, read counters and seed tokens over HTTP. Served only with `control: true`;
 * its requests are never counted and never faulted.
 *
 * It can mint an admin token, so a web page the developer visits must not reach it: every request
 * must name the emulator itself in `Host` (a DNS-rebinding page sends its own host name), and every
 * state-changing one must be `Content-Type: application/json`, which a cross-origin page cannot
 * send without a CORS preflight this server never answers (a `text/plain` form post is refused).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { RouteName } from '../contract/routes';
import { EmulatorError } from './errors';
import { parseProbabilities, parseStep, type FaultProbabilities, type FaultState, type FaultStep } from './faults';
import { errorResponse, json, type ApiResponse } from './handlers';
import type { RegisterTokenRecord, TokenRecord } from './records';

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
      throw EmulatorError.validation(
        'body',
        'send exactly one of {"advance":"1h"} (a duration or milliseconds) or {"set":"<ISO 8601 instant>"}',
      );
    }
    if (advance !== undefined) {
      if (typeof advance !== 'string' && typeof advance !== 'number')
        throw EmulatorError.validation('advance', 'expected a duration such as "1h" or a number of milliseconds');
      target.clock.advance(advance);
    } else {
      if (typeof set !== 'string' || Number.isNaN(Date.parse(set)))
        throw EmulatorError.validation('set', `${JSON.stringify(set)} is not an ISO 8601 instant`);
      target.clock.set(new Date(set));
    }
    return json(200, { now: target.clock.now().toISOString() });
  },

  'GET /faults': (_body, target) => json(200, target.faults.state()),

  'POST /faults': (body, target) => {
    const { route, script, probabilities, ...rest } = body;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined)
      throw EmulatorError.validation(unknownKey, 'unknown key; send {"route", "script"} and/or {"route", "probabilities"}');
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
    if (role !== 'user' && role !== 'admin')
      throw EmulatorError.validation('role', `${JSON.stringify(role)} is not a role: use "user" or "admin"`);
    if (ttl !== undefined && ttl !== null && typeof ttl !== 'string')
      throw EmulatorError.validation('ttl', 'expected a duration such as "2h", or leave it out');
    const created = target.createToken({ name, role, ...(typeof ttl === 'string' ? { ttl } : {}) });
    const record = target.tokens().find((t) => t.id === created.id);
    return json(201, { ...record, ...created });
  },

  'POST /reset': (_body, target) => {
    target.reset();
    return { status: 204 };
  },
};

/** Where the emulator listens, as the server socket reports it. */
export interface ListeningAddress {
  readonly address: string;
  readonly port: number;
}

/** Methods that only read; everything else changes the emulator's state. */
const READ_ONLY_METHODS = new Set(['GET', 'HEAD']);

/** `true` for 127.0.0.0/8, `::1` and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

/** `localhost` or a loopback IP literal. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/**
 * Splits a `Host` header into name and port (`[::1]:8080`, `127.0.0.1:8080`, `localhost`);
 * `undefined` when it is not of that shape.
 */
function parseHost(header: string): { name: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return undefined;
  const name = (match[1] ?? match[2]!).replace(/\.$/, '');
  return { name, port: match[3] === undefined ? 80 : Number(match[3]) };
}

/**
 * Whether `Host` names this emulator: its port, and a loopback name or address (or the address it
 * listens on; when it listens on every address, any IP literal). Host names other than `localhost`
 * are refused: they are what a DNS-rebinding page sends.
 */
function hostProblem(header: string | undefined, own: ListeningAddress): string | undefined {
  const ownHost = `${own.address.includes(':') ? `[${own.address}]` : own.address}:${own.port}`;
  const fix = `send the request to http://${isLoopbackAddress(own.address) ? ownHost : `127.0.0.1:${own.port}`}/_emulator/...`;
  if (header === undefined) return `Host: missing; ${fix}`;
  const host = parseHost(header);
  const shown = JSON.stringify(header.slice(0, 100));
  if (!host || host.port !== own.port) return `Host: ${shown} is not this emulator (${ownHost}); ${fix}`;
  const wildcard = own.address === '0.0.0.0' || own.address === '::';
  const allowed = isLoopbackHost(host.name) || host.name === own.address || (wildcard && isIP(host.name) !== 0);
  if (!allowed)
    return `Host: ${shown} is not this emulator's address (a DNS name other than localhost is refused, against DNS rebinding); ${fix}`;
  return undefined;
}

/** `application/json` (parameters such as `charset` allowed), the only type a state change is taken in. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * The refusal of a control request that does not come from a local client of this emulator, or
 * `undefined` to serve it (see the file's docblock).
 */
export function refuseControlRequest(method: string, headers: IncomingHttpHeaders, own: ListeningAddress): ApiResponse | undefined {
  const host = hostProblem(headers.host, own);
  if (host) return errorResponse(403, host);
  if (!READ_ONLY_METHODS.has(method) && !isJson(headers['content-type'])) {
    const got = headers['content-type'] === undefined ? 'none' : JSON.stringify(headers['content-type'].slice(0, 100));
    return errorResponse(
      400,
      `Content-Type: ${got}; the control API takes state changes only as application/json (send -H 'Content-Type: application/json', even with no body)`,
    );
  }
  return undefined;
}

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
