/**
 * The README's first command, `npm run demo`, as a test: the whole lifecycle passes, and no token value
 * it issued appears in anything it or Terraform printed.
 */
import { findSecrets } from '../../lib/testing/terraform';
import { runDemo } from '../../examples/demo';

jest.setTimeout(120_000);

test('GIVEN the built package WHEN the demo runs THEN it creates, checks, rotates and destroys a token, printing no value', async () => {
  const lines: string[] = [];

  const result = await runDemo((line) => lines.push(line));

  const out = lines.join('\n');
  expect(out).toMatch(/Init complete!/);
  expect(out).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
  expect(out).toMatch(/who-am-I with it: accepted: Token ci-pipeline: .*type: USER/);
  expect(out).toMatch(/No changes\. Your infrastructure matches the configuration\./);
  expect(out).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed\./);
  expect(out).toMatch(/old value: refused: .*403 Forbidden/);
  expect(out).toMatch(/new value: accepted/);
  expect(out).toMatch(/tokens left in the emulator: emulator-admin \(/);
  expect(out).toMatch(/none found/);
  // The admin token and the two values of the token: searched for in the demo's and Terraform's output.
  expect(result.secrets).toHaveLength(3);
  expect(result.leaks).toEqual([]);
  expect(findSecrets({ 'demo output': out }, result.secrets)).toEqual([]);
});
