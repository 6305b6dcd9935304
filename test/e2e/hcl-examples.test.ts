/**
 * The HCL examples the generated docs show (examples/hcl) are valid against the real provider's
 * schema: all of them, in one configuration, pass `terraform validate` with the provider installed
 * the way `npx mlp-tokens mirror .` installs it. Needs `npm run build` first (the provider runs from dist/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installProvider } from '../../lib/install/mirror';
import { TerraformWorkdir } from '../../lib/testing/terraform';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples', 'hcl');

function tfFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tfFiles(path.join(dir, e.name)) : e.name.endsWith('.tf') ? [path.join(dir, e.name)] : []));
}

test('GIVEN every example of docs/ WHEN terraform validates them together THEN the provider accepts each attribute and block', async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'provider', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-hcl-examples-'));
  try {
    const files = tfFiles(EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) fs.copyFileSync(file, path.join(dir, path.relative(EXAMPLES, file).replace(/[/\\]/g, '--')));
    installProvider(dir);
    const tf = new TerraformWorkdir(dir, { cliConfigFile: path.join(dir, '.terraformrc') });
    await tf.run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
    const validate = await tf.run(['validate', '-no-color']);
    expect(validate.stdout).toContain('The configuration is valid');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
