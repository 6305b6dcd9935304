/**
 * The README's "The emulator in your CI" shell recipe, run as written (only `npx mlp-emulator` points
 * at this checkout's bin, and the pipeline's `cdktf deploy`/`destroy` lines become a step that uses
 * MLP_ENDPOINT and MLP_TOKEN the same way): it starts the emulator, reads where it listens, exports
 * the credentials, reaches the API with them, stops the emulator, and never prints the token.
 * Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readmeFiles } from './support/readme';

const ROOT = path.resolve(__dirname, '..', '..');

function recipe(): string {
  const block = readmeFiles('sh').get('ci-emulator.sh');
  if (block === undefined) throw new Error('README.md has no "# file: ci-emulator.sh" block');
  return block;
}

test('GIVEN the README CI recipe WHEN run by sh THEN the pipeline step reaches the emulator with MLP_ENDPOINT and MLP_TOKEN, the emulator stops, and the token is never printed', () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'emulator', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-ci-recipe-'));
  try {
    const seen = path.join(work, 'seen.json');
    // The pipeline's step: what cdktf deploy would do with the two variables (the provider reads them).
    const step = path.join(work, 'step.js');
    fs.writeFileSync(
      step,
      `const fs = require('node:fs');
       const { MlpClient } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'client'))});
       (async () => {
         const client = new MlpClient({ endpoint: process.env.MLP_ENDPOINT, token: process.env.MLP_TOKEN });
         const me = await client.whoAmI();
         await client.close();
         fs.writeFileSync(process.argv[2], JSON.stringify({ endpoint: process.env.MLP_ENDPOINT, token: process.env.MLP_TOKEN, role: me.role, pid: process.env.MLP_EMULATOR_PID }));
       })().catch((e) => { console.error(e.message); process.exit(1); });`,
    );
    const script = recipe()
      .replace('npx mlp-emulator', `node ${JSON.stringify(path.join(ROOT, 'bin', 'mlp-emulator.js'))}`)
      .replace(/^npx cdktf deploy .*$/m, `node ${JSON.stringify(step)} ${JSON.stringify(seen)}`)
      .replace(/^npx cdktf destroy .*$/m, '');
    expect(script).not.toContain('npx');
    const result = spawnSync('sh', ['-eu', '-c', `${script}\nwait`], {
      cwd: work,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, MLP_TOKEN: '', MLP_ENDPOINT: '' },
    });
    if (result.status !== 0) throw new Error(`the recipe exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
    const observed = JSON.parse(fs.readFileSync(seen, 'utf8')) as { endpoint: string; token: string; role: string; pid: string };
    expect(observed.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(observed.role).toBe('admin');
    expect(observed.token.length).toBeGreaterThanOrEqual(32);
    expect(result.stdout + result.stderr).not.toContain(observed.token);
    // `wait` returned: the emulator the recipe started in the background has exited.
    expect(() => process.kill(Number(observed.pid), 0)).toThrow();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 90_000);
