/**
 * The HTTP side: routes each request, counts it, lets the fault injector decide its fate, and
 * writes the answer with a `Date` header from the emulator's clock (clients take it as the API's time).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../contract/redact';
import { ROUTE_NAMES, type RouteName } from '../contract/routes';
import type { EmulatorClock } from './clock';
import { CONTROL_PREFIX, handleControl, refuseControlRequest, type ControlTarget } from './control';
import type { FaultInjector } from './faults';
import { errorResponse, handleApi, matchRoute, notFound, type ApiResponse, type ContractContext } from './handlers';

/** Bodies above this are refused: every modeled request is a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerDeps {
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  readonly contract: ContractContext;
  /** The control API's target; `undefined` keeps `/_emulator/` a 404 like any unknown path. */
  readonly control: ControlTarget | undefined;
}

export function zeroCounters(): Record<RouteName, number> {
  return Object.fromEntries(ROUTE_NAMES.map((route) => [route, 0])) as Record<RouteName, number>;
}

export class EmulatorServer {
  readonly #deps: ServerDeps;
  readonly #server: Server;
  #counters = zeroCounters();
  /** Pending `delay` faults, released (and their connections dropped) on close. */
  readonly #delays = new Set<() => void>();
  #closing: Promise<void> | undefined;

  constructor(deps: ServerDeps) {
    this.#deps = deps;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => this.#internalError(res, error));
    });
    // A client that opens connections and goes away must not keep the process (or close()) waiting.
    this.#server.keepAliveTimeout = 5_000;
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  counters(): Record<RouteName, number> {
    return { ...this.#counters };
  }

  resetCounters(): void {
    this.#counters = zeroCounters();
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const release of this.#delays) release();
      this.#delays.clear();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url);

    if (this.#deps.control && pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      const body = await readBody(req);
      const refused = refuseControlRequest(method, req.headers, this.#server.address() as AddressInfo);
      if (refused) return this.#send(res, refused);
      if (body === undefined) return this.#send(res, errorResponse(400, 'body: larger than 1 MiB'));
      const answer = handleControl(method, pathname.slice(CONTROL_PREFIX.length), body, this.#deps.control);
      return this.#send(res, answer ?? notFound(method, pathname));
    }

    const match = matchRoute(method, pathname);
    if (!match) {
      await readBody(req);
      return this.#send(res, notFound(method, pathname));
    }

    // Counted and decided on arrival, so the count includes faulted requests and the order of
    // decisions is the order of arrival.
    this.#counters[match.route] += 1;
    const decision = this.#deps.faults.decide(match.route);
    const body = await readBody(req);
    if (decision.delayMs > 0 && !(await this.#sleep(decision.delayMs))) {
      req.socket.destroy();
      return;
    }

    const { outcome } = decision;
    switch (outcome.kind) {
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'status':
        return this.#send(
          res,
          errorResponse(
            outcome.status,
            faultMessage(outcome.status, outcome.retryAfterSeconds),
            outcome.status === 429 ? { 'Retry-After': String(outcome.retryAfterSeconds) } : undefined,
          ),
        );
      case 'lost':
      case 'process': {
        const answer =
          body === undefined
            ? errorResponse(400, 'body: larger than 1 MiB')
            : handleApi({ route: match.route, params: match.params, headers: req.headers, body }, this.#deps.contract);
        if (outcome.kind === 'lost') {
          req.socket.destroy();
          return;
        }
        return this.#send(res, answer);
      }
    }
  }

  #send(res: ServerResponse, answer: ApiResponse): void {
    if (res.destroyed) return;
    res.statusCode = answer.status;
    res.setHeader('Date', this.#deps.clock.now().toUTCString());
    res.setHeader('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    if (answer.body === undefined) {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    res.end(answer.body);
  }

  #internalError(res: ServerResponse, error: unknown): void {
    // Never echo the error to the client: it could carry a request's secret. stderr gets it scrubbed of
    // every secret this process knows (the emulator registers none in plain form, so scrub patterns too).
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`mlp-emulator: internal error: ${redact(text)}\n`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.#send(res, errorResponse(500, 'the emulator failed to handle the request; see its stderr'));
  }

  /** Resolves `true` after `ms`, or `false` at once if the server closes first. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.#delays.delete(release);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#delays.delete(release);
        resolve(true);
      }, ms);
      this.#delays.add(release);
    });
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function faultMessage(status: number, retryAfterSeconds: number): string {
  return status === 429 ? `too many requests; retry after ${retryAfterSeconds}s` : `injected fault: the server answered ${status}`;
}

/** The whole body, or `undefined` when it exceeds {@link MAX_BODY_BYTES} (or the client went away). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Keep draining so the 400 can still be written, but stop buffering.
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', () => finish(undefined));
    req.on('close', () => finish(size > MAX_BODY_BYTES || !req.complete ? undefined : Buffer.concat(chunks)));
  });
}
