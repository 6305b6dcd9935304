/**
 * Reads a `TF_LOG=trace` log for where a command's time goes around provider processes:
 * spawn -> handshake ("using plugin"), handshake -> Terraform's Close, Close -> process exit.
 * Terraform starts the providers of these commands one after another, so the k-th "using plugin"
 * and "Close" belong to the k-th process started.
 */
import * as fs from 'node:fs';

export interface TraceBreakdown {
  readonly processes: number;
  /** First to last log line. */
  readonly commandMs: number;
  /** Summed over processes. */
  readonly startToHandshakeMs: number;
  readonly handshakeToCloseMs: number;
  readonly closeToExitMs: number;
}

const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z)/;

export function readTrace(file: string): TraceBreakdown {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = (line: string): number | undefined => {
    const m = TIME.exec(line);
    return m ? Date.parse(m[1]!) : undefined;
  };
  const starts: number[] = [];
  const handshakes: number[] = [];
  const closes: number[] = [];
  const exits: number[] = [];
  let first: number | undefined;
  let last: number | undefined;
  for (const line of lines) {
    const t = at(line);
    if (t === undefined) continue;
    first ??= t;
    last = t;
    if (line.includes('provider: plugin started:') && line.includes('terraform-provider-mlp')) starts.push(t);
    else if (line.includes('provider: using plugin:')) handshakes.push(t);
    else if (line.includes('GRPCProvider.v6: Close')) closes.push(t);
    else if (line.includes('provider: plugin process exited:') && line.includes('terraform-provider-mlp')) exits.push(t);
  }
  const sum = (a: number[], b: number[]): number => a.reduce((acc, t, i) => acc + ((b[i] ?? t) - t), 0);
  return {
    processes: starts.length,
    commandMs: (last ?? 0) - (first ?? 0),
    startToHandshakeMs: sum(starts, handshakes),
    handshakeToCloseMs: sum(handshakes, closes),
    closeToExitMs: sum(closes, exits),
  };
}
