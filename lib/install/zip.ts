/**
 * A zip archive of a few in-memory files, stored (not compressed), byte-for-byte the same for the
 * same files: every time stamp is 1980-01-01 00:00 (the earliest a zip can say), the entries keep
 * the order given. It is what a packed provider mirror holds
 * (`terraform-provider-<type>_<version>_<os>_<arch>.zip`), which Terraform extracts into
 * `.terraform/providers` or its plugin cache.
 *
 * fflate writes it: its `zipSync` works inside `app.synth()`, which is synchronous. The Unix mode
 * goes in the external attributes (made by "Unix"), so the launcher comes out executable.
 */
import { zipSync, type Zippable } from 'fflate';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative. */
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits, e.g. `0o755`. */
  readonly mode: number;
}

const MADE_BY_UNIX = 3;
const REGULAR_FILE = 0o100000;

/** The archive's bytes. */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  // Local time, as a zip's DOS time stamp is: the same bytes in every time zone.
  const mtime = new Date(1980, 0, 1);
  const files: Zippable = {};
  for (const entry of entries) {
    files[entry.name] = [entry.data, { level: 0, mtime, os: MADE_BY_UNIX, attrs: ((REGULAR_FILE | entry.mode) << 16) >>> 0 }];
  }
  const archive = zipSync(files);
  return Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
}
