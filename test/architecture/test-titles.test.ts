/**
 * The one naming style for tests: `eslint .` holds every `it`/`test` title (test/e2e included) to
 * `GIVEN <setup> WHEN <action> THEN <outcome>` (`eslint.config.mjs`). jest's valid-title covers string
 * titles and `.each` format strings; it skips template literals with `${}` parts and local aliases of
 * `test` (`writeTest`), which the config's no-restricted-syntax covers. This lints one sample file, as
 * if it were a unit test, and checks that each kind of title is flagged when it strays, and only then.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** One title per line; the lines that must be flagged say so in a trailing comment. */
const SAMPLE = [
  'const x = 1;',
  'const writeTest = test;',
  "test('GIVEN a WHEN b THEN c', () => {});",
  "test('returns c for a', () => {}); // flagged",
  "test('GIVEN a THEN c', () => {}); // flagged",
  "it('throws when a is missing', () => {}); // flagged",
  'test(`GIVEN ${x} WHEN b THEN c`, () => {});',
  'test(`GIVEN ${x} WHEN b then c`, () => {}); // flagged',
  'test(`is ${x} when b`, () => {}); // flagged',
  "test.each([1])('GIVEN %s WHEN b THEN c', () => {});",
  "test.each([1])('%s gives c', () => {}); // flagged",
  'it.each([1])(`GIVEN %s WHEN ${x} THEN c`, () => {});',
  'it.each([1])(`%s WHEN ${x} THEN c`, () => {}); // flagged',
  "writeTest('GIVEN a WHEN b THEN c', () => {});",
  "writeTest('throws when b', () => {}); // flagged",
  'writeTest(`GIVEN a WHEN b THEN ${x}`, () => {});',
  'writeTest(`b ${x}`, () => {}); // flagged',
  "describe('any words at all', () => {});",
].join('\n');

interface LintResult {
  readonly messages: readonly { readonly line: number; readonly ruleId: string | null }[];
}

/** Lints `text` as the file `name` with the repository's config; returns the lines flagged by a title rule. */
function flaggedLines(text: string, name: string): number[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', name, '--format', 'json'], {
      cwd: ROOT,
      input: text,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    if (!e.stdout) throw new Error(`eslint failed: ${e.stderr ?? String(error)}`, { cause: error });
    out = e.stdout;
  }
  const [result] = JSON.parse(out) as LintResult[];
  return result!.messages
    .filter((m) => m.ruleId === 'jest/valid-title' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.line)
    .sort((a, b) => a - b);
}

describe('the test title rule', () => {
  test('GIVEN a sample of good and bad titles WHEN linted as a unit test THEN exactly the bad ones are flagged', () => {
    const expected = SAMPLE.split('\n')
      .map((line, i) => (line.endsWith('// flagged') ? i + 1 : 0))
      .filter((n) => n > 0);
    expect(flaggedLines(SAMPLE, 'test/client/title-sample.test.ts')).toEqual(expected);
  });
});
