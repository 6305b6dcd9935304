/**
 * Where the repository is, for the generators in `tools/`: they run from `tools/` under ts-jest and
 * from `dist/tools/` when built, and read and write files relative to the root either way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The nearest directory at or above `from` that holds a `package.json`. */
export function repositoryRoot(from: string = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}
