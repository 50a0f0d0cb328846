import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SchemaDefinition } from './data-source.factory';

/**
 * Where `npm run build` leaves the pre-initialised embedded database (scripts/build-embedded-archive.mjs): a PGlite
 * data directory, migrated and holding the built-in reference data, as PGlite's own tarball. From dist/libs/database
 * this is dist/embedded; run from the TypeScript sources (tests) it is absent, and a new directory is initialised.
 */
export const EMBEDDED_ARCHIVE_DIR = path.resolve(__dirname, '..', '..', 'embedded');
export const EMBEDDED_ARCHIVE_FILE = 'pgdata.tar.gz';
export const EMBEDDED_MANIFEST_FILE = 'manifest.json';

/** What the archive was made with; it is used only when both match the running code exactly. */
export interface EmbeddedArchiveManifest {
  pglite: string;
  migrations: string[];
}

export type EmbeddedArchive = { file: string; manifest: EmbeddedArchiveManifest } | { unusable: string };

/** The migrations' names in order, as TypeORM records them (each class's name). */
export function migrationNames(schema: SchemaDefinition): string[] {
  const list = Array.isArray(schema.migrations) ? schema.migrations : Object.values(schema.migrations);
  return list.map((m) => (typeof m === 'function' ? m.name : String(m)));
}

/** The installed PGlite's version: a data directory from another PostgreSQL build may not open. */
export function pgliteVersion(): string {
  // The package's exports do not include package.json: find it beside the entry point.
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The build's archive if it exists and was made by this PGlite from exactly these migrations; else why not. */
export function findEmbeddedArchive(schema: SchemaDefinition, dir = EMBEDDED_ARCHIVE_DIR): EmbeddedArchive {
  const file = path.join(dir, EMBEDDED_ARCHIVE_FILE);
  let manifest: EmbeddedArchiveManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, EMBEDDED_MANIFEST_FILE), 'utf8')) as EmbeddedArchiveManifest;
  } catch {
    return { unusable: `no archive in ${dir} (npm run build makes it)` };
  }
  if (!fs.existsSync(file)) return { unusable: `${file} is missing` };
  if (manifest.pglite !== pgliteVersion()) return { unusable: `made by PGlite ${manifest.pglite}` };
  const expected = migrationNames(schema);
  if (JSON.stringify(manifest.migrations) !== JSON.stringify(expected)) {
    return { unusable: 'made from other migrations than this build' };
  }
  return { file, manifest };
}

/** A data directory PGlite has initialised holds PG_VERSION; anything else (empty, or our own files) is new. */
export function holdsDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** A field of a ustar header: text up to the first NUL. */
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * Writes the archive's files into `dataDir`. This is what PGlite's `loadDataDir` does, but PGlite unpacks through its
 * WebAssembly file system and the process keeps ~250 MB more afterwards; unpacked here, PGlite then opens the
 * directory as on any restart. PG_VERSION, which marks a directory as holding a database, is written last, so an
 * interrupted copy is made again at the next start. Only what PGlite's dumpDataDir writes is understood: plain
 * files and directories (ustar), relative to the data directory.
 */
export function extractArchive(file: string, dataDir: string): void {
  const tar = gunzipSync(fs.readFileSync(file));
  const root = path.resolve(dataDir);
  let last: { target: string; content: Buffer } | undefined;
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const target = path.resolve(root, name.replace(/^\/+/, ''));
    if (target !== root && !target.startsWith(root + path.sep)) throw new Error(`${file}: "${name}" is outside it`);
    const content = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === '5') fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type !== '0') throw new Error(`${file}: "${name}" is neither a file nor a directory`);
    else if (path.basename(target) === 'PG_VERSION' && path.dirname(target) === root) last = { target, content };
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, content, { mode: 0o600 });
    }
  }
  if (!last) throw new Error(`${file} holds no PG_VERSION: not a data directory`);
  fs.writeFileSync(last.target, last.content, { mode: 0o600 });
}
