/**
 * One command run to its end with its output collected, for the e2e tests that start a tool
 * themselves (npm, cdktf, pg_ctl, ...): stdin closed, stdout and stderr kept apart and also merged in
 * the order they arrived (what a terminal would show), and, when a
 * timeout is given, SIGTERM once it passes (the run then ends with whatever exit the tool makes).
 */
import { spawn } from 'node:child_process';

export interface ProcessRunOptions {
  /** The working directory. @default - this process's */
  readonly cwd?: string;
  /** The whole environment of the command. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Milliseconds after which the command gets SIGTERM. @default - no limit */
  readonly timeoutMs?: number;
}

export interface ProcessRun {
  /** The exit code (`null` when a signal ended it). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as their chunks arrived. */
  readonly output: string;
}

/** Runs `command args` and resolves once it closed; rejects only when it could not start. */
export function runProcess(command: string, args: readonly string[], options: ProcessRunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const both: Buffer[] = [];
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      both.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      both.push(b);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        output: Buffer.concat(both).toString('utf8'),
      });
    });
  });
}
