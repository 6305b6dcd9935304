/**
 * The README's file blocks: fenced code blocks whose first line is `// file: <name>` (or
 * `# file: <name>`), which the e2e tests write out and run as a reader would copy them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

/**
 * The README's fenced blocks that start with `// file: <name>` (or `# file:`), by name, without that
 * line; only the blocks fenced as `language` (e.g. `sh`) when it is given.
 */
export function readmeFiles(language?: string): Map<string, string> {
  const readme = fs.readFileSync(README, 'utf8');
  const files = new Map<string, string>();
  for (const [, fence, body] of readme.matchAll(/^```([a-z]*)\n([\s\S]*?)^```/gm)) {
    if (language !== undefined && fence !== language) continue;
    const header = /^(?:\/\/|#) file: (\S+)(.*)\n/.exec(body!);
    if (header) files.set(header[1]!, body!.slice(header[0].length));
  }
  return files;
}
