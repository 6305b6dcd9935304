/**
 * The provider's only output channel besides the handshake line: hclog-style JSON lines on stderr,
 * which go-plugin reads and re-logs inside Terraform's log at the line's level (visible with
 * TF_LOG). Every line passes the redactor. stdout belongs to the handshake alone, so the console's
 * stdout methods are pointed here too: a stray `console.log` can never corrupt the protocol.
 */
import { format } from 'node:util';
import { redact } from '../client/redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Writes one log line (redacted). */
export function log(level: LogLevel, message: string, fields: Record<string, string | number | boolean> = {}): void {
  const line: Record<string, string | number | boolean> = {
    '@level': level,
    '@message': redact(message),
    '@module': 'provider.mlp',
    '@timestamp': timestamp(),
  };
  for (const [k, v] of Object.entries(fields)) line[k] = typeof v === 'string' ? redact(v) : v;
  try {
    process.stderr.write(`${JSON.stringify(line)}\n`);
  } catch {
    // stderr gone (Terraform exited): nothing to tell anyone.
  }
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
