/**
 * A zip archive of a few in-memory files, stored (not compressed), byte-for-byte the same for the
 * same files: every time stamp is 1980-01-01, the entries keep the order given. It is what a packed
 * provider mirror holds (`terraform-provider-<type>_<version>_<os>_<arch>.zip`), which Terraform
 * extracts into `.terraform/providers` or its plugin cache.
 *
 * Written here rather than with a zip package because the layout runs inside `app.synth()`, which is
 * synchronous (the zip packages in reach, `archiver`, stream asynchronously), and a stored archive of
 * a handful of files is a few fixed headers. The Unix mode goes in the external attributes (made by
 * "Unix"), so the launcher comes out executable.
 */
import { crc32 } from 'node:zlib';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative. */
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits, e.g. `0o755`. */
  readonly mode: number;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 10;
const REGULAR_FILE = 0o100000;
const UTF8_NAMES = 1 << 11;

/** The archive's bytes. Zip64 is not written: every size must stay under 4 GiB. */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const size = entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time 00:00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal attributes: 0
    central.writeUInt32LE(((REGULAR_FILE | entry.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + size;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
