/**
 * The one wrapper around every RPC (aws-cdk's `cfn-response.ts` habit): whatever the handler throws
 * becomes an error diagnostic in a normal response, never a gRPC error and never a crash, and every
 * diagnostic and log line is redacted on the way out.
 */
import type * as grpc from '@grpc/grpc-js';
import { type Diagnostic, DiagnosticError, diag, describeThrown, toProtoDiagnostic } from './diagnostics';
import { log, logEnabled } from './log';
import type * as proto from './protocol';
import { timing } from './timing';

/** A handler's answer: the response fields, with diagnostics in the provider's own form. */
export type Reply<R extends proto.WithDiagnostics> = Omit<R, 'diagnostics'> & { diagnostics?: readonly Diagnostic[] };

/** What to answer when the handler failed before it produced a response. */
export type FallbackReply<R extends proto.WithDiagnostics> = Omit<R, 'diagnostics'>;

/**
 * Runs `handle` for one call and always answers with a response: a thrown `DiagnosticError` adds
 * its diagnostics, anything else adds an internal-error diagnostic, both on top of `fallback`
 * (e.g. "keep the prior state").
 */
export async function runRpc<Req, R extends proto.WithDiagnostics>(
  name: string,
  request: Req,
  handle: (request: Req) => Promise<Reply<R>> | Reply<R>,
  fallback: (request: Req) => FallbackReply<R> = () => ({}) as FallbackReply<R>,
): Promise<R> {
  const started = performance.now();
  let reply: Reply<R>;
  try {
    reply = await (timing ? timing.call(name, async () => handle(request)) : handle(request));
  } catch (err) {
    let diagnostics: readonly Diagnostic[];
    if (err instanceof DiagnosticError) {
      diagnostics = err.diagnostics;
    } else {
      log('error', `${name} failed: ${describeThrown(err)}`, err instanceof Error && err.stack ? { stack: err.stack } : {});
      diagnostics = [diag.internal(name, err)];
    }
    let base: FallbackReply<R>;
    try {
      base = fallback(request);
    } catch (fallbackErr) {
      log('error', `${name} fallback failed: ${describeThrown(fallbackErr)}`);
      base = {} as FallbackReply<R>;
    }
    reply = { ...base, diagnostics };
  }
  const diagnostics = reply.diagnostics?.length ? reply.diagnostics.map((d) => toProtoDiagnostic(d)) : [];
  if (logEnabled('debug')) {
    const errors = diagnostics.filter((d) => d.severity === 1).length;
    log(
      'debug',
      `${name} done in ${Math.round(performance.now() - started)} ms${diagnostics.length ? ` (${errors} error(s), ${diagnostics.length - errors} warning(s))` : ''}`,
    );
  }
  return { ...reply, diagnostics } as unknown as R;
}

/** Adapts {@link runRpc} to a grpc-js unary handler; the callback never receives an error. */
export function unary<Req, R extends proto.WithDiagnostics>(
  name: string,
  handle: (request: Req) => Promise<Reply<R>> | Reply<R>,
  fallback?: (request: Req) => FallbackReply<R>,
): grpc.handleUnaryCall<Req, R> {
  return (call, callback) => {
    runRpc(name, call.request, handle, fallback).then(
      (response) => callback(null, response),
      // runRpc does not reject; this is the last line of defence, and still answers normally.
      (err: unknown) => callback(null, { diagnostics: [toProtoDiagnostic(diag.internal(name, err))] } as unknown as R),
    );
  };
}
