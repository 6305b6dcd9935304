/**
 * `mlp-emulator`: runs the emulator as a process for the demo, CI jobs and tests in other languages.
 * stdout carries exactly one announcement once the server listens, so scripts need not scrape it:
 * by default the line `mlp-emulator listening on <url>`; with `--json` one JSON object
 * (`{"url","controlUrl","pid"}`); with `--print-env` shell-sourceable `MLP_ENDPOINT=<url>` lines.
 * Everything else (the fault seed, errors) goes to stderr. The admin token never goes to stdout: a
 * generated one is written to `--admin-token-file` (created with mode 0600 when it does not exist),
 * or, in the human mode only and without that flag, shown once on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { PACKAGE_VERSION } from '../constants';
import { EmulatorError } from './errors';
import { isLoopbackHost } from './control';
import type { FaultConfig } from './faults';
import { EMULATOR_DEFAULTS, startEmulator, type EmulatorOptions, type RunningEmulator } from './index';

/** The environment variable that can carry the admin token (kept out of `ps` output, unlike a flag). */
export const ENV_ADMIN_TOKEN = 'MLP_EMULATOR_ADMIN_TOKEN';

interface CliOptions {
  host: string;
  port: number;
  adminToken?: string;
  adminTokenFile?: string;
  adminTokenName?: string;
  issuerName?: string;
  state?: string;
  control?: boolean;
  faults?: FaultConfig;
  seed?: number;
  bearerTtl?: number;
  json?: boolean;
  printEnv?: boolean;
}

/** The variables `--print-env` prints, in this order (MLP_ENDPOINT is the provider's and the client's own). */
export const PRINTED_ENV = { endpoint: 'MLP_ENDPOINT', controlUrl: 'MLP_EMULATOR_CONTROL_URL', pid: 'MLP_EMULATOR_PID' } as const;

/** What `--json` prints: one line, once the server listens. */
export interface StartAnnouncement {
  /** The API's base URL (what MLP_ENDPOINT takes). */
  readonly url: string;
  /** The control API's base URL, or `null` without `--control`. */
  readonly controlUrl: string | null;
  /** The emulator's process id (SIGTERM stops it, exit 0). */
  readonly pid: number;
}

export function buildProgram(): Command {
  return new Command('mlp-emulator')
    .description('A local HTTP server that behaves like the VK Cloud ML Platform token API, with fault injection for tests.')
    .version(PACKAGE_VERSION)
    .option('--host <host>', 'address to listen on', EMULATOR_DEFAULTS.host)
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, EMULATOR_DEFAULTS.port)
    .addOption(
      new Option(
        '--admin-token <value>',
        'value of the Administrator access token to start with (at least 32 characters); generated and printed to stderr when absent',
      ).env(ENV_ADMIN_TOKEN),
    )
    .option(
      '--admin-token-file <file>',
      'read the admin token from this file (surrounding whitespace is ignored); when it does not exist, generate one and write it there (mode 0600)',
    )
    .option('--admin-token-name <name>', 'name of the admin token', EMULATOR_DEFAULTS.adminTokenName)
    .option('--issuer-name <name>', 'issuer_name of the admin token and of the tokens it mints', EMULATOR_DEFAULTS.issuerName)
    .option('--state <file>', 'persist tokens (hashes only) and the clock offset to this file, and load it on start')
    .option('--control', 'serve the control API under /_emulator/')
    .option(
      '--faults <json>',
      'initial faults as JSON, or @file: {"scripts":{"list":["429:1","ok"]},"probabilities":{"*":{"503":0.05}}}',
      parseFaults,
    )
    .option('--seed <n>', 'seed of the PRNG behind probabilistic faults', parseSeed)
    .option('--bearer-ttl <seconds>', 'lifetime of exchanged bearers', parsePositiveInt, EMULATOR_DEFAULTS.bearerTtlSeconds)
    .option('--json', 'once listening, print one JSON line to stdout: {"url","controlUrl","pid"} (never the admin token)')
    .option(
      '--print-env',
      `once listening, print ${PRINTED_ENV.endpoint}=<url> (and ${PRINTED_ENV.controlUrl}, ${PRINTED_ENV.pid}) to stdout, one per line (never the admin token)`,
    )
    .showHelpAfterError();
}

/** Runs the CLI; resolves once the server is listening (signals then stop it). */
export async function main(argv: readonly string[] = process.argv): Promise<RunningEmulator | undefined> {
  const program = buildProgram();
  program.parse([...argv]);
  const opts = program.opts<CliOptions>();

  let emulator: RunningEmulator | undefined;
  try {
    if (opts.adminToken !== undefined && opts.adminTokenFile !== undefined) {
      throw EmulatorError.validation(
        '--admin-token-file',
        `give the admin token once: either --admin-token (or ${ENV_ADMIN_TOKEN}) or --admin-token-file`,
      );
    }
    const machine = opts.json === true || opts.printEnv === true;
    if (opts.json === true && opts.printEnv === true) throw EmulatorError.validation('--print-env', 'choose one of --json and --print-env');
    const tokenFile = opts.adminTokenFile === undefined ? undefined : readTokenFile(opts.adminTokenFile);
    const adminToken = tokenFile?.token ?? opts.adminToken;
    if (machine && adminToken === undefined && tokenFile === undefined) {
      throw EmulatorError.validation(
        '--admin-token-file',
        `--json and --print-env never print the admin token: give --admin-token-file FILE (a generated token is written there with mode 0600) or set ${ENV_ADMIN_TOKEN}`,
      );
    }
    const options: EmulatorOptions = {
      host: opts.host,
      port: opts.port,
      ...(adminToken === undefined ? {} : { adminToken }),
      ...(opts.adminTokenName === undefined ? {} : { adminTokenName: opts.adminTokenName }),
      ...(opts.issuerName === undefined ? {} : { issuerName: opts.issuerName }),
      ...(opts.state === undefined ? {} : { statePath: opts.state }),
      control: opts.control === true,
      ...(opts.faults === undefined ? {} : { faults: opts.faults }),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.bearerTtl === undefined ? {} : { bearerTtlSeconds: opts.bearerTtl }),
    };
    // Before listening: the warning is worth the most when the bind then fails or the user stops at once.
    if (!isLoopbackHost(opts.host)) {
      process.stderr.write(
        `mlp-emulator: warning: listening on ${opts.host}, which is not a loopback address: other machines can reach ` +
          'the API (and, with --control, the control API, which mints admin tokens). Use --host 127.0.0.1 unless you mean it.\n',
      );
    }
    emulator = await startEmulator(options);
    if (tokenFile !== undefined && tokenFile.token === undefined) {
      writeTokenFile(tokenFile.path, emulator.adminToken);
      process.stderr.write(`mlp-emulator admin token (generated) written to ${tokenFile.path}\n`);
    } else if (adminToken === undefined) {
      process.stderr.write(`mlp-emulator admin token (generated, shown once; pass --admin-token to choose it): ${emulator.adminToken}\n`);
    }
  } catch (error) {
    process.stderr.write(`mlp-emulator: ${describe(error)}\n`);
    process.exitCode = error instanceof EmulatorError ? 2 : 1;
    await emulator?.close();
    return undefined;
  }
  const running = emulator;

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`mlp-emulator: ${signal}, stopping\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`mlp-emulator: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Handlers first: whoever reads the URL line may signal at once, and the first signal listener
  // takes Node a few milliseconds to set up.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  if (opts.faults !== undefined) process.stderr.write(`mlp-emulator fault seed: ${running.seed}\n`);
  if (opts.control) process.stderr.write(`mlp-emulator control API at ${running.url}/_emulator/\n`);
  // One write: a script polling the redirected file for content sees all of it.
  process.stdout.write(announcement(running, opts));
  return running;
}

function announcement(emulator: RunningEmulator, opts: CliOptions): string {
  const started: StartAnnouncement = { url: emulator.url, controlUrl: opts.control ? `${emulator.url}/_emulator` : null, pid: process.pid };
  if (opts.json) return `${JSON.stringify(started)}\n`;
  if (opts.printEnv) {
    const lines = [
      `${PRINTED_ENV.endpoint}=${started.url}`,
      ...(started.controlUrl === null ? [] : [`${PRINTED_ENV.controlUrl}=${started.controlUrl}`]),
      `${PRINTED_ENV.pid}=${started.pid}`,
    ];
    return `${lines.join('\n')}\n`;
  }
  return `mlp-emulator listening on ${emulator.url}\n`;
}

/** The token in an existing file, or just the path when there is no file yet (one is generated and written there). */
function readTokenFile(path: string): { path: string; token?: string } {
  try {
    return { path, token: readFileSync(path, 'utf8').trim() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path };
    throw EmulatorError.validation('--admin-token-file', `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Creates the file only if it still does not exist (`wx`: no symlink or other file is followed or overwritten), readable by its owner only. */
function writeTokenFile(path: string, token: string): void {
  try {
    writeFileSync(path, `${token}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    throw EmulatorError.validation('--admin-token-file', `cannot create ${path}: ${(error as Error).message}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof EmulatorError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `the address is in use: ${(error as Error).message}; pick another --port (0 picks a free one)`;
  return error instanceof Error ? error.message : String(error);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError('use a whole number from 0 to 65535 (0 picks a free port)');
  return port;
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new InvalidArgumentError('use a whole number from 0 to 4294967295');
  return Number(text);
}

function parsePositiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text)))
    throw new InvalidArgumentError('use a whole number above zero');
  return Number(text);
}

function parseFaults(text: string): FaultConfig {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`cannot read ${text.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(source) as FaultConfig;
  } catch (error) {
    throw new InvalidArgumentError(`not JSON (${(error as Error).message}); e.g. {"scripts":{"list":["429:1","ok"]}}`);
  }
}
