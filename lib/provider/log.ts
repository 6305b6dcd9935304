/**
 * The provider's only output channel besides the handshake line: hclog-style JSON lines on stderr,
 * which go-plugin reads and re-logs inside Terraform's log at the line's level (visible with
 * TF_LOG). Every line passes the redactor. stdout belongs to the handshake alone, so the console's
 * stdout methods are pointed here too: a stray `console.log` can never corrupt the protocol.
 *
 * The sink is injected: `main.ts` points it at stderr when Terraform started the process. Until
 * then lines go nowhere, so unit tests that drive the provider in-process print nothing.
 */
import { format } from 'node:util';
import { redact } from '../client/redact';

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

/** Sets where log lines go (`main.ts`: stderr); `undefined` silences the log. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next;
}

/** Writes one log line (redacted). */
export function log(level: LogLevel, message: string, fields: Record<string, string | number | boolean> = {}): void {
  if (sink === undefined) return;
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
  const to = (level: LogLevel) => (...args: unknown[]): void => log(level, format(...args));
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
