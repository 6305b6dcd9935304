/**
 * How far the provider got, for the loader (`start.ts`): the code cache written at exit covers the
 * functions the process compiled, so a cache from a process that reached the API (resources, the
 * HTTP client) replaces one from a process that only served the handshake or validated.
 */
export const START_PROGRESS = Symbol.for('mlp-tokens.provider.start-progress');

/** In order: the handshake only; the provider (resources, codecs) loaded; configured for API calls. */
export const STAGES = ['start', 'provider', 'api'] as const;
export type Stage = (typeof STAGES)[number];

export interface StartProgress {
  stage: Stage;
  /** Set by the loader on Node 20: takes the code cache as it stands now, for writing at exit. */
  holdCache?: () => void;
}

/** Notes a stage reached; nothing happens when the loader is not in use (tests, the `tsc` output). */
export function noteStage(stage: Stage): void {
  const progress = (globalThis as Record<symbol, StartProgress | undefined>)[START_PROGRESS];
  if (progress && STAGES.indexOf(stage) > STAGES.indexOf(progress.stage)) progress.stage = stage;
}

/**
 * Called once before the first API call of a provider process run by the loader. Loads the HTTP
 * client now, so that the code cache taken next covers it, then has V8 compile WebAssembly (undici's
 * HTTP parser) with its baseline compiler only: TurboFan's second compile of it was the peak of the
 * provider's memory (~25 MiB; bench/RESULTS.md, P5). The flag is set here rather than on the command
 * line because any V8 flag there costs every start ~20 ms (Node's cache of its own modules is
 * rejected), and the cache is taken first because V8 rejects caches made under other flags.
 */
export function readyForApiCalls(): void {
  const progress = (globalThis as Record<symbol, StartProgress | undefined>)[START_PROGRESS];
  if (!progress) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded now so that the code cache taken next covers the client
  require('../../client/client');
  noteStage('api');
  // Without a way to take the cache first (Node's own compile cache, Node >= 22.1) the flag would
  // make every later start miss the cache: better to leave it.
  if (!progress.holdCache) return;
  progress.holdCache();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- needed only on this path, once per process
  const v8 = require('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--liftoff-only');
  // The young generation stays at its starting size instead of doubling up to 16 MiB per semi-space
  // under a burst of creates or refreshes: that growth was the largest part of the peak at 1,000
  // tokens (32 MiB of 133; bench/RESULTS.md, P5). Unlike --max-semi-space-size, V8 reads this one
  // whenever it would grow the space, so it works when set at run time.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
