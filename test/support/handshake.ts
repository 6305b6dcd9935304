/**
 * Starting a provider executable as Terraform does, for tests that look at its start-up: the magic
 * cookie, protocol 6 and a client certificate in the environment; the first stdout line is the
 * handshake, after which the process gets SIGTERM (as after Shutdown). Resolves at exit.
 */
import { spawn } from 'node:child_process';
import { createServerCertificate } from '../../lib/provider/cert';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../lib/provider/server';

export interface HandshakeRun {
  /** The first stdout line ('' when the process wrote none). */
  readonly line: string;
  readonly code: number | null;
}

let clientCertificate: string | undefined;

/** Runs `command args` until its handshake line; `env` is the whole environment besides Terraform's three variables. */
export function runUntilHandshake(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<HandshakeRun> {
  clientCertificate ??= createServerCertificate().certPem;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...options.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', PLUGIN_CLIENT_CERT: clientCertificate },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ line: out.split('\n')[0]!, code }));
  });
}
