import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV_TIMING, RpcTiming, timing } from '../../lib/provider/timing';

describe('the internal timing hook', () => {
  test(`GIVEN ${ENV_TIMING} unset WHEN the hook is loaded THEN it is off (every hook is skipped)`, () => {
    expect(process.env[ENV_TIMING]).toBeUndefined();
    expect(timing).toBeUndefined();
  });

  test('GIVEN calls timed from the first ReadResource on WHEN summarised THEN each method has its calls, sums and medians, and no values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-timing-'));
    try {
      const t = new RpcTiming(dir);
      // Before the first ReadResource nothing counts (provider load, configure).
      await t.call('ConfigureProvider', async () => t.msgpack(5));
      for (let i = 0; i < 3; i++) {
        t.part('ReadResource', 'decode', 0.01);
        await t.call('ReadResource', async () => {
          t.msgpack(0.02);
          await Promise.resolve();
          t.msgpack(0.01);
          return 'new state (secret-looking value that must not be recorded)';
        });
        t.part('ReadResource', 'encode', 0.005);
      }
      const s = t.summary();
      expect(Object.keys(s.methods)).toEqual(['ReadResource']);
      expect(s.methods.ReadResource!.calls).toBe(3);
      expect(s.methods.ReadResource!.median.msgpack).toBeCloseTo(0.03, 4);
      expect(s.methods.ReadResource!.median.decode).toBeCloseTo(0.01, 4);
      expect(s.methods.ReadResource!.sum.encode).toBeCloseTo(0.015, 1);
      expect(s.activeMs).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(s)).not.toContain('secret');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
