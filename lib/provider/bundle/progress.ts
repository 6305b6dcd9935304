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
}

/** Notes a stage reached; nothing happens when the loader is not in use (tests, the `tsc` output). */
export function noteStage(stage: Stage): void {
  const progress = (globalThis as Record<symbol, StartProgress | undefined>)[START_PROGRESS];
  if (progress && STAGES.indexOf(stage) > STAGES.indexOf(progress.stage)) progress.stage = stage;
}
