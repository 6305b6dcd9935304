/**
 * The provider executable's entry point (`dist/lib/provider/main.js`; the launcher
 * `bin/terraform-provider-mlp` runs it bundled, through `bundle/start.ts`). Refuses to run unless
 * Terraform started it; otherwise serves until Terraform says Shutdown.
 */
import { redact } from '../contract/redact';
import { noteStage, readyForApiCalls } from './bundle/progress';
import { captureConsole, log, setLogSink, stderrSink } from './log';
import { APP_PROTOCOL_VERSION, NOT_A_COMMAND, type RunningServer, hostProtocolVersions, serve, startedByTerraform } from './server';

function main(): void {
  if (!startedByTerraform()) {
    process.stderr.write(NOT_A_COMMAND);
    process.exitCode = 1;
    return;
  }
  const versions = hostProtocolVersions();
  if (versions && !versions.includes(APP_PROTOCOL_VERSION)) {
    process.stderr.write(
      `This provider speaks Terraform plugin protocol ${APP_PROTOCOL_VERSION}; the host offers ${versions.join(', ')}. Use Terraform 1.0 or newer.\n`,
    );
    process.exitCode = 1;
    return;
  }
  setLogSink(stderrSink);
  captureConsole();
  // Node's default report of a crash prints the error raw; ours is redacted like every other line.
  process.on('uncaughtException', (err) => {
    log(
      'error',
      `provider crashed: ${redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}`,
      err instanceof Error && err.stack ? { stack: err.stack } : {},
    );
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log('error', `unhandled rejection: ${redact(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))}`);
  });
  // Interrupts go to Terraform's whole process group; Terraform itself tells us when to stop
  // (StopProvider, then Shutdown), as go-plugin servers do.
  process.on('SIGINT', () => undefined);
  // Registered before the handshake goes out, so a SIGTERM right after it still ends in an orderly
  // exit (the 'exit' hooks remove the socket and write the code cache).
  let running: RunningServer | undefined;
  process.once('SIGTERM', () => {
    // As after Shutdown: stop serving and exit; exiting drops the API connections, nothing waits for them.
    void (running?.stopServing() ?? Promise.resolve()).then(() => process.exit(0));
  });
  // The code-cache loader's hooks: it counts how far the process got and prepares the first API call.
  serve({ onProviderLoaded: () => noteStage('provider'), providerOptions: { beforeFirstApiCall: readyForApiCalls } }).then(
    (server) => {
      running = server;
    },
    (err: unknown) => {
      process.stderr.write(`terraform-provider-mlp: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

main();
