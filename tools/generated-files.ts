/**
 * What the generators in `tools/` share about their output files: writing them (removing the stale
 * ones a schema no longer renders) and saying how the committed files drifted from what they render,
 * for the tests that catch a schema change made without `npm run generate`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes every rendered file (by path relative to `root`) after removing the files in `folders`
 * that are not rendered any more, and says each one it wrote.
 */
export function writeGenerated(root: string, rendered: ReadonlyMap<string, string>, folders: readonly string[]): void {
  for (const folder of folders) {
    const dir = path.join(root, folder);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      if (!rendered.has(`${folder}/${file}`)) fs.rmSync(path.join(dir, file));
    }
  }
  for (const [relative, text] of rendered) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${relative}\n`);
  }
}

/** How a drift message reads: each generator's tests word it for their own files. */
export interface DriftWording {
  /** The first line for a file that differs or is missing: its path, what is wrong and the fix. */
  readonly fix: (relative: string, missing: boolean) => string;
  /** Stands for a missing file's content in the comparison. */
  readonly missingFile: string;
  /** Before the committed file's first differing line. */
  readonly committedLabel: string;
  /** Before the rendered file's first differing line. */
  readonly renderedLabel: string;
}

/**
 * Why the committed files are not what `rendered` holds: one message per file that differs or is
 * missing, naming its first differing line and the fix; empty when they agree.
 */
export function generatedDrift(rendered: ReadonlyMap<string, string>, root: string, wording: DriftWording): string[] {
  const problems: string[] = [];
  for (const [relative, text] of rendered) {
    const file = path.join(root, relative);
    const onDisk = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (onDisk === text) continue;
    const [have, want] = [onDisk === undefined ? [wording.missingFile] : onDisk.split('\n'), text.split('\n')];
    const line = want.findIndex((t, i) => t !== have[i]);
    problems.push(
      `${wording.fix(relative, onDisk === undefined)}\n` +
        `first difference, line ${line + 1}:\n  ${wording.committedLabel}${have[line] ?? '(end of file)'}\n  ${wording.renderedLabel}${want[line] ?? '(end of file)'}`,
    );
  }
  return problems;
}
