/**
 * A `--require` preload for the provider process (diagnostics for P1, not timed with the figure):
 * reports, when the handshake line is written, how long Node's own bootstrap took, how many
 * modules were loaded, and the inclusive load time of each package our code requires directly.
 * It writes one `BENCH-PROBE {json}` line to stderr.
 */
import Module from 'node:module';
import { performance } from 'node:perf_hooks';

interface Loader {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: unknown): string;
}

const preloadAt = performance.now();
const loader = Module as unknown as Loader;
const originalLoad = loader._load;
const packages = new Map<string, number>();

function packageOf(file: string): string | undefined {
  const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
  return m?.[1];
}

loader._load = function load(this: unknown, request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown {
  const start = performance.now();
  try {
    return originalLoad.call(this, request, parent, isMain);
  } finally {
    const elapsed = performance.now() - start;
    const from = parent?.filename ?? '';
    if (!request.startsWith('node:') && !packageOf(from)) {
      let resolved = '';
      try {
        resolved = loader._resolveFilename(request, parent);
      } catch {
        // Builtins resolve to themselves; failures are the caller's business.
      }
      const pkg = packageOf(resolved);
      if (pkg) packages.set(pkg, (packages.get(pkg) ?? 0) + elapsed);
    }
  }
};

const originalWrite = process.stdout.write.bind(process.stdout);
let reported = false;
process.stdout.write = function write(this: unknown, ...args: unknown[]): boolean {
  if (!reported) {
    reported = true;
    const files = Object.keys(require.cache);
    const report = {
      bootstrapMs: preloadAt,
      handshakeMs: performance.now(),
      modules: files.length,
      nodeModules: files.filter((f) => packageOf(f)).length,
      packagesMs: Object.fromEntries([...packages].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    };
    process.stderr.write(`BENCH-PROBE ${JSON.stringify(report)}\n`);
  }
  return (originalWrite as (...a: unknown[]) => boolean)(...args);
} as typeof process.stdout.write;
