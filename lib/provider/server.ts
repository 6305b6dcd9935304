/**
 * The plugin process: go-plugin's handshake, the gRPC server on a unix socket with AutoMTLS, and
 * the services Terraform expects (`tfplugin6.Provider`, `plugin.GRPCController`, `plugin.GRPCStdio`,
 * the health check).
 *
 * Start-up is paid several times per `terraform plan`/`apply` (one process per phase and more), so
 * only what the handshake needs is loaded before it: grpc-js, the protocol descriptor and the
 * certificate code. The provider itself (resources, codecs) is loaded on the first Provider RPC, and
 * the HTTP client (undici, zod) on the first API call: 4 of the 9 processes of an apply and destroy
 * make none.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as grpcTypes from '@grpc/grpc-js';
import type { Provider, ProviderOptions } from './provider';
import { describeThrown, diag, toProtoDiagnostic } from './diagnostics';
import { log } from './log';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
/** go-plugin's core protocol version, and the Terraform plugin protocol we speak. */
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

/** The message for a person who ran the provider by hand. */
export const NOT_A_COMMAND = `This is the Terraform provider plugin of mlp-tokens (terraform.local/mlp-tokens/mlp), not a command.
Terraform starts it by itself. To use it, lay it out where Terraform finds it and run Terraform:

  npx mlp-tokens mirror          # in your Terraform working directory
  terraform init && terraform plan

See the mlp-tokens README for the provider's configuration.
`;

export interface ServeOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Builds the provider on the first RPC. @default the mlp provider with every resource */
  readonly createProvider?: () => Provider;
  /**
   * Options for the default provider (its hooks), when `createProvider` is not given. The provider
   * itself loads only on the first Provider RPC, after the handshake.
   */
  readonly providerOptions?: Partial<ProviderOptions>;
  /** Called once the provider is loaded (the code-cache loader counts it as progress; wired in main.ts). */
  readonly onProviderLoaded?: () => void;
  /** Where the handshake line goes. @default process.stdout */
  readonly stdout?: NodeJS.WritableStream;
  /** Called once the server stopped (default: exits the process). */
  readonly onExit?: (code: number) => void;
}

export interface RunningServer {
  readonly socketPath: string;
  readonly handshake: string;
  /** Stops serving and closes the provider's HTTP clients gracefully (for in-process use). */
  shutdown(): Promise<void>;
  /** Stops serving only: for a process about to exit, whose exit destroys the HTTP connections anyway. */
  stopServing(): Promise<void>;
}

/** `true` when Terraform (go-plugin) started us. */
export function startedByTerraform(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/** Which app protocol versions the host accepts (`PLUGIN_PROTOCOL_VERSIONS`); undefined: any. */
export function hostProtocolVersions(env: NodeJS.ProcessEnv = process.env): number[] | undefined {
  const raw = env.PLUGIN_PROTOCOL_VERSIONS;
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isInteger(v));
}

/** The handshake line (without newline): `1|6|unix|<socket>|grpc|<base64 DER, no padding>`. */
export function handshakeLine(socketPath: string, certDer: Buffer | undefined): string {
  const parts = [CORE_PROTOCOL_VERSION, APP_PROTOCOL_VERSION, 'unix', socketPath, 'grpc'].map(String);
  if (certDer) parts.push(certDer.toString('base64').replace(/=+$/, ''));
  return parts.join('|');
}

/** Starts serving; resolves once the handshake line is written. */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by serve(), so importing this module for its constants loads no gRPC
  const grpc = require('@grpc/grpc-js') as typeof grpcTypes;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- with grpc-js, only when serving
  const { loadServiceDefinitions, SERVICE_NAMES } = require('./protocol') as typeof import('./protocol');
  const definitions = loadServiceDefinitions();

  const clientCertPem = env.PLUGIN_CLIENT_CERT;
  let credentials: grpcTypes.ServerCredentials;
  let certDer: Buffer | undefined;
  if (clientCertPem) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the certificate code, only with AutoMTLS
    const { createServerCertificate } = require('./cert') as typeof import('./cert');
    const cert = createServerCertificate();
    certDer = cert.der;
    // Require a client certificate and trust exactly the one Terraform gave us.
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCertPem),
      [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
      true,
    );
  } else {
    log('warn', 'PLUGIN_CLIENT_CERT is not set: serving without TLS (AutoMTLS disabled by the host)');
    credentials = grpc.ServerCredentials.createInsecure();
  }

  const socketDir = fs.mkdtempSync(path.join(env.PLUGIN_UNIX_SOCKET_DIR || os.tmpdir(), 'plugin'));
  const socketPath = path.join(socketDir, 'plugin.sock');
  const removeSocket = (): void => {
    try {
      fs.rmSync(socketDir, { recursive: true, force: true });
    } catch {
      // Already gone.
    }
  };

  let provider: Provider | undefined;
  const getProvider = (): Provider => {
    if (!provider) {
      const started = performance.now();
      provider = options.createProvider
        ? options.createProvider()
        : // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider (resources, codecs) loads on the first Provider RPC, after the handshake
          (require('./registry') as typeof import('./registry')).createProvider(options.providerOptions);
      providerImpl = provider.service();
      options.onProviderLoaded?.();
      log('debug', `provider loaded in ${Math.round(performance.now() - started)} ms`);
    }
    return provider;
  };
  let providerImpl: grpcTypes.UntypedServiceImplementation | undefined;

  // channelz (grpc-js's per-call statistics for a debugging service we do not serve) is off: it
  // wraps every call in bookkeeping that a 1,000-token plan pays 4,000 times.
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.enable_channelz': 0,
  });

  // Each Provider method defers to the provider built on first use.
  const providerService: grpcTypes.UntypedServiceImplementation = {};
  for (const method of Object.keys(definitions[SERVICE_NAMES.provider])) {
    providerService[method] = ((call: unknown, callback: grpcTypes.sendUnaryData<unknown>) => {
      try {
        getProvider();
      } catch (err) {
        log('error', `could not load the provider: ${describeThrown(err)}`);
        callback(null, { diagnostics: [toProtoDiagnostic(diag.internal(method, err))] });
        return;
      }
      const impl = providerImpl![method] as (call: unknown, callback: unknown) => void;
      impl(call, callback);
    }) as grpcTypes.UntypedHandleCall;
  }
  server.addService(definitions[SERVICE_NAMES.provider], providerService);

  const stdioStreams = new Set<grpcTypes.ServerWritableStream<unknown, unknown>>();
  server.addService(definitions[SERVICE_NAMES.stdio], {
    StreamStdio: (call: grpcTypes.ServerWritableStream<unknown, unknown>) => {
      // Nothing to mirror (we log to stderr directly); hold the stream open until shutdown.
      stdioStreams.add(call);
      call.on('cancelled', () => stdioStreams.delete(call));
    },
  });
  server.addService(definitions[SERVICE_NAMES.health], {
    Check: (_call: unknown, callback: grpcTypes.sendUnaryData<{ status: number }>) => callback(null, { status: 1 }),
  });

  // Stops serving: ends the stdio streams, lets the calls in flight (the Shutdown reply) finish,
  // removes the socket. Quick: Terraform calls Shutdown only when it is done with us, and a
  // connection it keeps open must not hold up the exit (each exit delays Terraform's next step).
  let serving: Promise<void> | undefined;
  const stopServing = (): Promise<void> => {
    serving ??= (async () => {
      log('debug', 'shutting down');
      for (const call of stdioStreams) call.end();
      stdioStreams.clear();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, GRACE_MS);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      removeSocket();
    })();
    return serving;
  };
  /** Stops serving and closes the provider's HTTP clients (for in-process use; the process itself just exits). */
  const shutdown = async (): Promise<void> => {
    await stopServing();
    await provider?.stop().catch(() => undefined);
  };
  server.addService(definitions[SERVICE_NAMES.controller], {
    Shutdown: (_call: unknown, callback: grpcTypes.sendUnaryData<object>) => {
      callback(null, {});
      // Answer first, then stop. Exiting closes the API connections too: nothing is waited for.
      setImmediate(() => void stopServing().then(() => (options.onExit ?? defaultExit)(0)));
    },
  });

  process.once('exit', removeSocket);

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, credentials, (err) => (err ? reject(err) : resolve()));
  });

  const handshake = handshakeLine(socketPath, certDer);
  (options.stdout ?? process.stdout).write(`${handshake}\n`);
  log('debug', `serving plugin protocol ${APP_PROTOCOL_VERSION} on ${socketPath}, ${Math.round(performance.now())} ms after process start`);
  // The message types are needed by the first RPC, not by the handshake: built now, while Terraform
  // reads the line and connects.
  setImmediate(() => definitions.prepare());
  return { socketPath, handshake, shutdown, stopServing };
}

/** How long a stop waits for connections to close before it closes them (the replies are written by then). */
const GRACE_MS = 25;

function defaultExit(code: number): void {
  process.exit(code);
}
