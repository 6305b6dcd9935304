/**
 * What a saved plan file (`terraform plan -out`) holds, read as the zip archive it is: its entries,
 * and which of a list of secrets occur in which entry (never the values themselves). Terraform
 * stores the prior state (`tfstate`, `tfstate-prev`) and the planned values (`tfplan`) in it, so
 * today a plan file holds what the state holds: keep it as protected as the state.
 */
import * as yauzl from 'yauzl';

/** The archive's entries and their bytes. */
export function readPlanFile(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error(`cannot open ${file}`));
      const entries = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
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
