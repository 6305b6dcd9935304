/**
 * A throw-away PostgreSQL server for Terraform's `pg` backend: `initdb` into a temp directory, `pg_ctl
 * start` on 127.0.0.1 at a free port (the Unix socket inside the temp directory, so nothing else on
 * the machine is touched), password authentication (scram-sha-256, a random password) for every
 * connection, and `pg_ctl stop` plus removal of the directory afterwards: in `afterAll` (which runs
 * when a test failed too) and, should the test process exit first, in an exit hook.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: there the server runs as the `postgres`
 * user Debian's package creates (`runuser -u postgres`), in a directory owned by it. As any other
 * user it runs as that user.
 *
 * Scenarios get a connection string through `PG_CONN_STR` (the pg backend reads it), never in a
 * file: the password is a secret like the tokens, and the suites search their output for it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess, type ProcessRun } from './process';
import { requirePostgres } from './system-tools';

/** The superuser the harness creates (its password is random per server). */
const SUPERUSER = 'tfstate';

/** A running server. */
export interface RunningPostgres {
  readonly port: number;
  /** The superuser's password: a secret; add it to every leak search. */
  readonly password: string;
  /** `postgres://…/<database>?sslmode=disable` (loopback: no TLS to set up). */
  connString(database: string): string;
  /** Creates a database (the pg backend needs it to exist) and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL through `psql` and returns its unaligned, tuples-only output. */
  sql(database: string, statement: string): Promise<string>;
  /** Stops the server (immediately) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return runProcess(command, args, { env });
}

/** A port nobody listens on right now (the server may still lose a race for it: start retries). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** How to run the server binaries: directly, or as `postgres` when we are root. */
function serverUser(): { readonly prefix: readonly string[]; readonly uid?: number; readonly gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) {
    throw new Error(
      "PostgreSQL refuses to run as root and there is no `postgres` user to run it as: install Debian's `postgresql` package (it creates the user) or run the tests as another user",
    );
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Starts a server; see the file's docblock. */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = requirePostgres();
  const user = serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-e2e-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined) {
    fs.chownSync(dir, user.uid, user.gid!);
    fs.chownSync(pwfile, user.uid, user.gid!);
  }
  fs.chmodSync(dir, 0o700);
  const as = (command: string, args: readonly string[]): Promise<ProcessRun> => {
    const [cmd, ...rest] = [...user.prefix, path.join(bin, command), ...args];
    return run(cmd!, rest, { ...process.env, LC_ALL: 'C' });
  };

  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    const [cmd, ...rest] = [...user.prefix, path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) spawnSync(cmd!, rest, { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    const init = await as('initdb', [
      '-D',
      data,
      '-U',
      SUPERUSER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--no-instructions',
    ]);
    if (init.code !== 0) throw new Error(`initdb exited with ${init.code}:\n${init.stderr}`);
    fs.rmSync(pwfile);
    let port = 0;
    let lastError = '';
    for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
      const candidate = await freePort();
      const options = `-c listen_addresses=127.0.0.1 -p ${candidate} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      const started = await as('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
      if (started.code === 0) port = candidate;
      else
        lastError = `${started.stderr}${fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000) : ''}`;
    }
    if (port === 0) throw new Error(`pg_ctl start failed three times:\n${lastError}`);

    const env = {
      ...process.env,
      PGPASSWORD: password,
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGUSER: SUPERUSER,
      PGCONNECT_TIMEOUT: '10',
    };
    const psql = async (database: string, statement: string): Promise<string> => {
      const r = await run(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', statement], env);
      if (r.code !== 0) throw new Error(`psql exited with ${r.code}: ${r.stderr}`);
      return r.stdout.trim();
    };
    const connString = (database: string): string =>
      `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?sslmode=disable`;
    return {
      port,
      password,
      connString,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name))
          throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
        await psql('postgres', `CREATE DATABASE ${name}`);
        return connString(name);
      },
      sql: psql,
      async stop() {
        process.removeListener('exit', stopSync);
        if (stopped) return;
        if (fs.existsSync(path.join(data, 'postmaster.pid'))) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        stopped = true;
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw error;
  }
}

/** One server per test file: started in `beforeAll`, stopped and removed in `afterAll`. */
export function postgresSuite(): { readonly server: RunningPostgres } {
  let running: RunningPostgres | undefined;
  beforeAll(async () => {
    running = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
  }, 60_000);
  return {
    get server(): RunningPostgres {
      if (!running) throw new Error('the PostgreSQL server starts in beforeAll; use it inside tests and hooks');
      return running;
    },
  };
}

/** The `backend.tf.json` of a working directory on the pg backend; the connection string comes from `PG_CONN_STR`. */
export function writePgBackend(dir: string, schemaName: string): void {
  fs.writeFileSync(
    path.join(dir, 'backend.tf.json'),
    `${JSON.stringify({ terraform: { backend: { pg: { schema_name: schemaName } } } }, null, 2)}\n`,
  );
}

/** Backend sessions holding an advisory lock (the pg backend's state lock), by pid. */
export async function advisoryLockHolders(server: RunningPostgres, database: string): Promise<number[]> {
  const out = await server.sql(database, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
  return out ? out.split('\n').map(Number) : [];
}
