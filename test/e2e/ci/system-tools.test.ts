/**
 * scripts/ensure-system-tools.sh, which `npm test` (pretest) and .ci/run call: silent when PostgreSQL
 * and age are here; where they are missing and cannot be installed (not root, or no apt-get), ONE
 * line saying how to get them, and the suites that need them fail with that same line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MissingSystemToolError,
  missingToolsMessage,
  postgresBinDir,
  requireAge,
  requirePostgres,
  runEnsureScript,
} from '../support/system-tools';

/** A PATH with only what the script itself needs: no apt-get, no age, no PostgreSQL. */
function barePath(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-bare-'));
  for (const tool of ['bash', 'id', 'ls', 'sort', 'dirname']) {
    const real = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (!real) throw new Error(`${tool} not found in /usr/bin or /bin`);
    fs.symlinkSync(real, path.join(dir, tool));
  }
  return { dir, env: { PATH: dir, MLP_PG_ROOT: path.join(dir, 'no-postgresql'), HOME: dir } };
}

test('GIVEN PostgreSQL and age on this machine WHEN the ensure script runs THEN it prints nothing and the harness finds both', () => {
  const r = runEnsureScript();
  expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(fs.existsSync(path.join(requirePostgres(), 'initdb'))).toBe(true);
  expect(fs.existsSync(requireAge())).toBe(true);
});

test('GIVEN no PostgreSQL, no age and no apt-get WHEN the ensure script runs THEN it prints one line saying how to get them, exits 0, and the harness fails with the same line', () => {
  const { dir, env } = barePath();
  try {
    const r = runEnsureScript(env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([missingToolsMessage(['postgresql', 'age'])]);
    expect(lines[0]).toMatch(/apt-get install -y postgresql age/);

    const saved = { PATH: process.env.PATH, MLP_PG_ROOT: process.env.MLP_PG_ROOT };
    Object.assign(process.env, env);
    try {
      expect(postgresBinDir()).toBeUndefined();
      expect(() => requirePostgres()).toThrow(new MissingSystemToolError(['postgresql']));
      expect(() => requireAge()).toThrow(missingToolsMessage(['age']));
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.MLP_PG_ROOT === undefined) delete process.env.MLP_PG_ROOT;
      else process.env.MLP_PG_ROOT = saved.MLP_PG_ROOT;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN no PostgreSQL and no age, as root with apt-get WHEN the ensure script runs THEN it runs apt-get update once and installs postgresql and age, then finds them: one progress line, no how-to line', () => {
  // The one stand-in: apt-get (this machine has the packages already, and the test must not remove
  // them). It records its arguments and lays out the executables the packages would.
  const { dir, env } = barePath();
  try {
    const calls = path.join(dir, 'apt-calls');
    fs.writeFileSync(
      path.join(dir, 'apt-get'),
      [
        '#!/bin/bash',
        `echo "$*" >> '${calls}'`,
        'if [ "$1" = install ]; then',
        `  for t in initdb pg_ctl psql age; do printf '#!/bin/sh\\n' > '${dir}'/$t; /bin/chmod +x '${dir}'/$t; done`,
        'fi',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    fs.rmSync(path.join(dir, 'id'));
    fs.writeFileSync(path.join(dir, 'id'), '#!/bin/sh\necho 0\n', { mode: 0o755 });
    const r = runEnsureScript(env);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('ensure-system-tools: installing postgresql age (apt-get)');
    expect(fs.readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends postgresql age',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
