/**
 * What a saved plan file (`terraform plan -out`) holds, read as the zip archive it is: its entries,
 * and which of a list of secrets occur in which entry (never the values themselves). Terraform
 * stores the prior state (`tfstate`, `tfstate-prev`) and the planned values (`tfplan`) in it, so
 * today a plan file holds what the state holds: keep it as protected as the state.
 */
import * as fs from 'node:fs';
import { unzipSync } from 'fflate';

/** The archive's entries (directories left out) and their bytes, in the archive's order. */
export function planFileEntries(file: string): Map<string, Buffer> {
  const archive = unzipSync(fs.readFileSync(file), { filter: (entry) => !entry.name.endsWith('/') });
  return new Map(Object.entries(archive).map(([name, bytes]) => [name, Buffer.from(bytes)]));
}

/** The archive's entries and their bytes. */
export function readPlanFile(file: string): Promise<Map<string, Buffer>> {
  return Promise.resolve().then(() => planFileEntries(file));
}

/** For each labelled secret, the plan file's entries that contain it (empty: nowhere). */
export async function secretsInPlanFile(file: string, secrets: Readonly<Record<string, string>>): Promise<Record<string, string[]>> {
  const entries = await readPlanFile(file);
  const out: Record<string, string[]> = {};
  for (const [label, value] of Object.entries(secrets)) {
    out[label] = [...entries]
      .filter(([, bytes]) => bytes.includes(Buffer.from(value, 'utf8')))
      .map(([name]) => name)
      .sort();
  }
  return out;
}
