/**
 * Every document the project links to lives in the project: each relative link in each Markdown
 * file of the repository resolves to a file or folder inside the repository (nothing above the repository root, no
 * page that was renamed away), and no document points at a path outside it in prose either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Folders that are not the project's own documents (installed packages, build and tool output). */
const SKIPPED = new Set(['node_modules', 'dist', 'cdktf.out', '.terraform', '.git', '.work', 'coverage', 'api']);

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** `[text](target)` and `[text]: target` links, outside fenced code blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const inline = [...prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

const files = markdownFiles(ROOT);

test('GIVEN the repository WHEN its documents are listed THEN it has the ones the README and the docs index point to', () => {
  const relative = files.map((f) => path.relative(ROOT, f));
  expect(relative).toEqual(expect.arrayContaining(['README.md', 'docs/api-contract.md', 'lib/emulator/README.md', 'docs/index.md']));
});

test.each(files.map((f) => [path.relative(ROOT, f), f]))(
  'GIVEN %s WHEN its relative links are followed THEN each resolves to a file in the repository',
  (_name, file) => {
    const broken = linksOf(fs.readFileSync(file, 'utf8'))
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
      .map((target) => ({ target, resolved: path.resolve(path.dirname(file), decodeURIComponent(target.split('#')[0]!)) }))
      .filter(({ resolved }) => !resolved.startsWith(ROOT + path.sep) || !fs.existsSync(resolved))
      .map(({ target }) => target);
    expect(broken).toEqual([]);
  },
);

test("GIVEN the project's documents WHEN they are searched for the session-shared folder THEN none points at it", () => {
  expect(
    files.filter((f) => /(^|[\s`(/])shared\/(docs|seeds)\//.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f)),
  ).toEqual([]);
});
