import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// The built module (`npm test` builds first): the flags are process-wide, so each case runs in a child.
const PROGRESS = path.join(__dirname, '../../dist/lib/provider/bundle/progress.js');

/**
 * Allocates like a burst of creates (most objects die young, some survive) and reports the young
 * generation's size before the burst and its largest size during it, MiB.
 */
function youngGeneration(beforeAllocating: string): { before: number; peak: number } {
  const script = `
    const v8 = require('node:v8');
    ${beforeAllocating}
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const before = size();
    const keep = [];
    let peak = 0;
    for (let round = 0; round < 200; round++) {
      const batch = [];
      for (let i = 0; i < 20000; i++) batch.push({ a: 'x' + i, b: [i, i + 1] });
      keep.push(batch.slice(0, 200));
      if (keep.length > 50) keep.shift();
      peak = Math.max(peak, size());
    }
    process.stdout.write(JSON.stringify({ before, peak }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: number; peak: number };
}

describe('readyForApiCalls (the loader, before the first API call)', () => {
  // The loader's progress record, with a holdCache that only notes it was called (the cache itself is the loader's business).
  const underLoader = `globalThis[Symbol.for('mlp-tokens.provider.start-progress')] = { stage: 'start', holdCache: () => undefined };
    require(${JSON.stringify(PROGRESS)}).readyForApiCalls();`;

  test('GIVEN the loader WHEN the provider gets ready for API calls THEN the young generation no longer grows under an allocation burst', () => {
    const plain = youngGeneration('');
    expect(plain.peak).toBeGreaterThan(plain.before);
    const loaded = youngGeneration(underLoader);
    expect(loaded.peak).toBe(loaded.before);
    expect(loaded.peak).toBeLessThan(plain.peak);
  });

  test('GIVEN no loader (tests, the tsc output) WHEN called THEN no V8 flag changes', () => {
    const r = youngGeneration(`require(${JSON.stringify(PROGRESS)}).readyForApiCalls();`);
    expect(r.peak).toBeGreaterThan(r.before);
  });
});
