/** Spawning and timing child processes. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { nowMs } from './stats';

/** Milliseconds from spawn to the process's exit (it must exit 0). */
export function timeToExit(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('exit', (code) => {
      const elapsed = nowMs() - start;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
  });
}

export interface FirstLine {
  /** Milliseconds from spawn to the first complete stdout line. */
  readonly ms: number;
  readonly line: string;
  readonly stderr: string;
}

/**
 * Spawns, waits for the first stdout line, then stops the process (SIGTERM, SIGKILL after 3 s) and
 * waits for it to be gone, so runs never overlap.
 */
export function timeToFirstLine(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
  lingerMs = 0,
): Promise<FirstLine> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const err: Buffer[] = [];
    let result: FirstLine | undefined;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new Error(`no stdout line from ${command} within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      if (result) return;
      out += b.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      result = { ms: nowMs() - start, line: out.slice(0, nl), stderr: '' };
      clearTimeout(timer);
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }, lingerMs);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (result) resolve({ ...result, stderr });
      else reject(failure ?? new Error(`${command} exited (${code ?? signal}) before printing a line: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/** Peak resident set (VmHWM) of a live process in KiB, or undefined once it is gone. */
export function peakRssKiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface CommandCpu {
  readonly wallMs: number;
  /** The command's own CPU (user + system). */
  readonly selfCpuMs: number;
  /** CPU of the children it waited for (for Terraform: its provider processes). */
  readonly childrenCpuMs: number;
}

/**
 * Runs a command to its exit and reads its CPU times from /proc/<pid>/stat, sampled every 5 ms
 * until it is gone (the last sample is taken at most 5 ms before the exit).
 */
export function cpuOfCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandCpu> {
  return new Promise((resolve, reject) => {
    const start = nowMs();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let last: number[] | undefined;
    const tick = (): void => {
      try {
        const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        last = fields.slice(11, 15).map(Number);
      } catch {
        // Gone (or not yet there).
      }
    };
    const timer = setInterval(tick, 5);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      const wallMs = nowMs() - start;
      if (code !== 0 && code !== 2)
        return reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString().trim().slice(0, 500)}`));
      if (!last) return reject(new Error(`no /proc sample of ${command}`));
      const tickMs = 1000 / 100; // USER_HZ is 100 on Linux.
      resolve({ wallMs, selfCpuMs: (last[0]! + last[1]!) * tickMs, childrenCpuMs: (last[2]! + last[3]!) * tickMs });
    });
  });
}
