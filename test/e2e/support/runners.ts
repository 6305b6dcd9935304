/**
 * CI "runners" for the e2e suites: each a fresh working directory (as a fresh checkout on another
 * machine would be) with the provider installed, the same configuration, and the state in one
 * Terraform `pg` backend, initialized. The connection string goes in `PG_CONN_STR`, never in a file.
 * Used by the shared-state, saved-plan and pipeline suites, and by any suite that needs jobs on
 * remote state (a month of nightly jobs, say).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2EWorkdir, EmulatorSuite } from '../harness';
import { writePgBackend } from './postgres';

/** Makes runners of one suite on one database. */
export interface RunnerFactory {
  /** A new runner named `name` on the pg state `schema` with `config` (`main.tf.json`), `terraform init` done. */
  (name: string, schema: string, config: Record<string, unknown>): Promise<E2EWorkdir>;
}

export function pgRunners(suite: EmulatorSuite, connString: () => string, env: Readonly<Record<string, string>> = {}): RunnerFactory {
  return async (name, schema, config) => {
    const w = suite.workdir(name, { env: { PG_CONN_STR: connString(), ...env } });
    w.writeConfig(config);
    writePgBackend(w.dir, schema);
    await w.init();
    return w;
  };
}

/** Copies a file between runners (what a CI's artifact upload and download do). */
export function carry(from: E2EWorkdir, to: E2EWorkdir, file: string): void {
  fs.copyFileSync(path.join(from.dir, file), path.join(to.dir, file));
}
