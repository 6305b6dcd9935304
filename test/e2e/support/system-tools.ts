/**
 * The system tools some e2e suites drive besides Terraform: PostgreSQL's server binaries (a throw-away
 * server for Terraform's `pg` backend) and `age`. `scripts/ensure-system-tools.sh` installs them on a
 * fresh Debian machine (it runs before `npm test` and in .ci/run); where it could not, a suite that
 * needs them fails here with the same one line, never skips.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const ENSURE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'ensure-system-tools.sh');

/** The one line a suite fails with when a tool is missing (what the ensure script prints, too). */
export function missingToolsMessage(missing: readonly string[]): string {
  return (
    `mlp-tokens: the e2e tests need ${missing.join(' ')} (PostgreSQL's initdb/pg_ctl, and age): install with ` +
    '`sudo apt-get install -y postgresql age` (Debian/Ubuntu) or `brew install postgresql age` (macOS), then rerun'
  );
}

/** Thrown when a suite's system tool is not on this machine. */
export class MissingSystemToolError extends Error {
  readonly code = 'missing-system-tool';
  constructor(readonly missing: readonly string[]) {
    super(missingToolsMessage(missing));
    this.name = 'MissingSystemToolError';
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const at = path.join(dir, command);
    try {
      fs.accessSync(at, fs.constants.X_OK);
      return at;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The directory with PostgreSQL's `initdb` and `pg_ctl`: PATH first, then Debian's
 * `/usr/lib/postgresql/<major>/bin` (kept off PATH), newest major first. Undefined when none.
 */
export function postgresBinDir(root = process.env.MLP_PG_ROOT ?? '/usr/lib/postgresql'): string | undefined {
  // Links on PATH (/usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl) lead to the directory
  // that also holds psql, which the harness runs from the same place.
  const pgCtl = onPath('pg_ctl');
  if (pgCtl && onPath('initdb')) {
    const dir = path.dirname(fs.realpathSync(pgCtl));
    if (fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'psql'))) return dir;
  }
  let majors: string[];
  try {
    majors = fs
      .readdirSync(root)
      .filter((m) => /^\d+$/.test(m))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    return undefined;
  }
  for (const major of majors) {
    const bin = path.join(root, major, 'bin');
    if (['initdb', 'pg_ctl', 'psql'].every((c) => fs.existsSync(path.join(bin, c)))) return bin;
  }
  return undefined;
}

/** PostgreSQL's bin directory, or a {@link MissingSystemToolError} with the one line. */
export function requirePostgres(): string {
  const bin = postgresBinDir();
  if (!bin) throw new MissingSystemToolError(['postgresql']);
  return bin;
}

/** The `age` executable, or a {@link MissingSystemToolError} with the one line. */
export function requireAge(): string {
  const age = onPath('age');
  if (!age) throw new MissingSystemToolError(['age']);
  return age;
}

/** Runs the ensure script (as `npm test` does before jest); what it printed. */
export function runEnsureScript(env: NodeJS.ProcessEnv = process.env): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync('bash', [ENSURE_SCRIPT], { env, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}
