/**
 * The provider's only output channel besides the handshake line: hclog-style JSON lines on stderr,
 * which go-plugin reads and re-logs inside Terraform's log at the line's level (visible with
 * TF_LOG). Every line passes the redactor. stdout belongs to the handshake alone, so the console's
 * stdout methods are pointed here too: a stray `console.log` can never corrupt the protocol.
 *
 * The sink is injected: `main.ts` points it at stderr when Terraform started the process. Until
 * then lines go nowhere, so unit tests that drive the provider in-process print nothing.
 *
 * Lines below the level Terraform logs at are not written at all, as terraform-plugin-log does for
 * Go providers: `TF_LOG_PROVIDER_MLP`, else `TF_LOG_PROVIDER`, else `TF_LOG` (Terraform passes its
 * environment to the plugin). Without any of them nobody sees a debug line, yet writing one per RPC
 * cost a 1,000-token plan ~10% of the provider's CPU (the redactor scans every known secret per
 * line, and Terraform parses every line it reads), so only warnings and errors are written then.
 */
import { format } from 'node:util';
import { redact } from '../contract/redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Where finished log lines go (each ends with a newline). */
export type LogSink = (line: string) => void;

/** Terraform reads the provider's stderr; a write after Terraform exited has no one to tell. */
export const stderrSink: LogSink = (line) => {
  try {
    process.stderr.write(line);
  } catch {
    // stderr gone (Terraform exited): nothing to tell anyone.
  }
};

let sink: LogSink | undefined;

const RANK: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
/** Above every level: nothing is written. */
const OFF = 5;
/** Written when no TF_LOG variable is set: what could explain a failure, nothing per RPC. */
const DEFAULT_RANK = RANK.warn;

/**
 * The lowest level written, from the environment: a level name in any case, `JSON` (Terraform's
 * trace in JSON) or any other non-empty value as trace (Terraform reads those as TRACE too), `OFF`.
 */
export function logThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TF_LOG_PROVIDER_MLP || env.TF_LOG_PROVIDER || env.TF_LOG;
  if (!raw) return DEFAULT_RANK;
  const level = raw.trim().toLowerCase();
  if (level === 'off') return OFF;
  return level in RANK ? RANK[level as LogLevel] : RANK.trace;
}

let threshold: number | undefined;

/** Whether a line at `level` would be written (reads the environment once); lets callers skip building it. */
export function logEnabled(level: LogLevel): boolean {
  if (sink === undefined) return false;
  threshold ??= logThreshold();
  return RANK[level] >= threshold;
}

/** Reads the level from the environment again (for tests that change it in-process). */
export function resetLogLevel(): void {
  threshold = undefined;
}

/** Sets where log lines go (`main.ts`: stderr); `undefined` silences the log. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next;
}

/** Writes one log line (redacted), if its level is logged. */
export function log(level: LogLevel, message: string, fields: Record<string, string | number | boolean> = {}): void {
  if (sink === undefined || !logEnabled(level)) return;
  const line: Record<string, string | number | boolean> = {
    '@level': level,
    '@message': redact(message),
    '@module': 'provider.mlp',
    '@timestamp': timestamp(),
  };
  for (const [k, v] of Object.entries(fields)) line[k] = typeof v === 'string' ? redact(v) : v;
  sink(`${JSON.stringify(line)}\n`);
}

/** Sends `console.*` to the log instead of stdout. */
export function captureConsole(): void {
  const to =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      log(level, format(...args));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
  console.trace = to('trace');
  console.warn = to('warn');
  console.error = to('error');
}

/** go-hclog's timestamp layout: microseconds and an offset. */
function timestamp(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}
