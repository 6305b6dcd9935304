/**
 * The provider's loader keeps a V8 code cache per stage a process reached (handshake only, provider
 * loaded, API called: `lib/provider/bundle/progress.ts`), so the next start compiles less. The RPC
 * core knows nothing of the loader: `main.ts` hands it the loader's hooks. This runs real Terraform
 * against the emulator and checks that the hooks arrive: a plan that calls the API leaves the cache of
 * the `api` stage (Node 20; Node 22.1 and later use Node's own compile cache, which has no stages).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emulatorSuite, filesUnder } from './harness';

jest.setTimeout(120_000);

const suite = emulatorSuite();
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

test('GIVEN a private cache home WHEN a plan reads who-am-I through the real provider THEN the loader cached the process that reached the API', async () => {
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-code-cache-'));
  try {
    const w = suite.workdir('code-cache', { env: { XDG_CACHE_HOME: cacheHome } });
    w.writeConfig({ data: { mlp_token: { me: {} } }, output: { me: { value: '${data.mlp_token.me.name}' } } });
    await w.init();
    const plan = await w.plan();
    expect(plan.text).toMatch(/me\s*=\s*"/);
    const cached = filesUnder(path.join(cacheHome, 'mlp-tokens'));
    if (NODE_MAJOR >= 22) {
      expect(cached.length).toBeGreaterThan(0);
    } else {
      // One cache per stage reached: the plan's processes served the schema (provider) and called the API.
      expect(cached.filter((f) => f.endsWith('-api.cache'))).toHaveLength(1);
    }
  } finally {
    fs.rmSync(cacheHome, { recursive: true, force: true });
  }
});
