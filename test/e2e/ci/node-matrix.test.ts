/**
 * The provider on Node 22 and 24 (Node 20 is end of life; users are on 22 and 24): the e2e core
 * scenarios (create, an empty second plan, a rotation when `rotate_after` passes, destroy) with the
 * provider run by the real Node binary of that major (`MLP_TOKENS_NODE`, which the launcher uses
 * before anything else). On Node >= 22.1 the provider starts through Node's own compile cache
 * (`module.enableCompileCache`, lib/provider/bundle/start.ts): the test checks that cache was written
 * under the run's `XDG_CACHE_HOME`, by that Node, and that the second start used it (no new entries).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emulatorSuite, filesUnder } from '../harness';
import { reconcile, report } from '../reliability/support';
import { nodeBinary, versionOf } from '../support/node-versions';

jest.setTimeout(180_000);

const suite = emulatorSuite({ seed: 22 });

describe.each([22, 24])('the provider on Node %i', (major) => {
  let node: string;
  let cacheHome: string;

  beforeAll(async () => {
    node = await nodeBinary(major);
    cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), `mlp-e2e-node${major}-cache-`));
  }, 120_000);
  afterAll(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

  test(`GIVEN MLP_TOKENS_NODE = Node ${major} WHEN apply, plan, plan after rotate_after, apply, destroy THEN create, no changes, one rotation, nothing left; Node's compile cache written and reused`, async () => {
    const version = versionOf(node);
    expect(version).toMatch(new RegExp(`^v${major}\\.`));
    const w = suite.workdir(`node${major}`, { env: { MLP_TOKENS_NODE: node, XDG_CACHE_HOME: cacheHome } });
    w.writeConfig({ resource: { mlp_access_token: { app: { name: `node${major}-app`, ttl: '48h', rotate_after: '12h' } } } });
    await w.init();

    await w.apply();
    const created = await w.resource('mlp_access_token.app');
    const cache = path.join(cacheHome, 'mlp-tokens');
    const afterFirst = filesUnder(cache);
    // Node's compile cache keeps one directory per Node version and V8 flags, named from the version.
    expect(afterFirst.length).toBeGreaterThan(0);
    expect(afterFirst.some((f) => f.includes(version.slice(1)) || f.startsWith(version))).toBe(true);
    expect(afterFirst.some((f) => /^terraform-provider-mlp-.*\.cache$/.test(path.basename(f)))).toBe(false); // the Node 20 path's files

    expect((await w.plan()).changes).toBe(false);
    expect(filesUnder(cache)).toEqual(afterFirst);

    suite.emulator.clock.advance('13h');
    const due = await w.plan();
    expect(due).toMatchObject({ changes: true, add: 1, destroy: 1 });
    await w.apply();
    const rotated = await w.resource('mlp_access_token.app');
    expect(rotated!.id).not.toBe(created!.id);
    expect(await reconcile(suite.emulator, w)).toMatchObject({ orphans: [], duplicates: [], missing: [], inState: 1, inApi: 1 });
    const secrets = [String(created!.value), String(rotated!.value)];

    await w.destroy();
    expect(suite.emulator.tokens().map((t) => t.name)).toEqual(['emulator-admin']);
    const providerLog = fs.readFileSync(w.providerStderrFile, 'utf8');
    await w.assertNoSecrets([suite.emulator.adminToken, ...secrets]);
    report(`node-matrix-${major}`, {
      node: version,
      scenarios: ['create', 'empty plan', 'rotation', 'destroy'],
      compileCacheFiles: afterFirst.length,
      providerStderrBytes: providerLog.length,
    });
  });
});
