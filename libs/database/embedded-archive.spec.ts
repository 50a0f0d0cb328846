import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SchemaDefinition } from './data-source.factory';
import {
  EMBEDDED_ARCHIVE_FILE,
  EMBEDDED_MANIFEST_FILE,
  extractArchive,
  findEmbeddedArchive,
  holdsDatabase,
  migrationNames,
  pgliteVersion,
} from './embedded-archive';

class CreateThings1 {}
class AddMore2 {}
const schema: SchemaDefinition = { entities: [], migrations: [CreateThings1, AddMore2] };

/** A ustar archive of the given entries, as PGlite's dumpDataDir writes them (paths from the data directory's root). */
function tarball(entries: { name: string; content?: string; type?: '0' | '5' | '2' }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, content = '', type = '0' } of entries) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000600\0', 100);
    header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
    header.write(type, 156);
    header.write('ustar\0', 257);
    blocks.push(header);
    const body = Buffer.alloc(Math.ceil(Buffer.byteLength(content) / 512) * 512);
    body.write(content);
    blocks.push(body);
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe('the embedded database archive', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-archive-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeArchive(manifest: object): void {
    fs.writeFileSync(path.join(dir, EMBEDDED_ARCHIVE_FILE), tarball([{ name: '/PG_VERSION', content: '18\n' }]));
    fs.writeFileSync(path.join(dir, EMBEDDED_MANIFEST_FILE), JSON.stringify(manifest));
  }

  it('names the migrations as TypeORM records them', () => {
    expect(migrationNames(schema)).toEqual(['CreateThings1', 'AddMore2']);
  });

  it('is used only when made by this PGlite from exactly these migrations', () => {
    const current = { pglite: pgliteVersion(), migrations: ['CreateThings1', 'AddMore2'] };
    expect(findEmbeddedArchive(schema, dir)).toEqual({ unusable: expect.stringMatching(/no archive/) });
    writeArchive(current);
    expect(findEmbeddedArchive(schema, dir)).toEqual({
      file: path.join(dir, EMBEDDED_ARCHIVE_FILE),
      manifest: current,
    });
    writeArchive({ ...current, migrations: ['CreateThings1'] }); // an older build: one migration behind
    expect(findEmbeddedArchive(schema, dir)).toEqual({ unusable: 'made from other migrations than this build' });
    writeArchive({ ...current, migrations: ['CreateThings1', 'AddMore2', 'FromTheFuture3'] });
    expect(findEmbeddedArchive(schema, dir)).toHaveProperty('unusable');
    writeArchive({ ...current, pglite: '0.0.1' });
    expect(findEmbeddedArchive(schema, dir)).toEqual({ unusable: 'made by PGlite 0.0.1' });
    writeArchive(current);
    fs.rmSync(path.join(dir, EMBEDDED_ARCHIVE_FILE));
    expect(findEmbeddedArchive(schema, dir)).toEqual({ unusable: expect.stringMatching(/is missing/) });
  });

  it('unpacks into a data directory that already holds our own files', () => {
    const archive = path.join(dir, 'a.tar.gz');
    fs.writeFileSync(
      archive,
      tarball([
        { name: '/PG_VERSION', content: '18\n' },
        { name: '/base', type: '5' },
        { name: '/base/5/1259', content: 'catalog' },
        { name: '/pg_wal/000000010000000000000003', content: 'wal' },
      ]),
    );
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'scrutiny.pid'), '1');
    expect(holdsDatabase(dataDir)).toBe(false);
    extractArchive(archive, dataDir);
    expect(holdsDatabase(dataDir)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'base/5/1259'), 'utf8')).toBe('catalog');
    expect(fs.readFileSync(path.join(dataDir, 'pg_wal/000000010000000000000003'), 'utf8')).toBe('wal');
    expect(fs.readFileSync(path.join(dataDir, 'scrutiny.pid'), 'utf8')).toBe('1');
  });

  it('leaves no PG_VERSION when the copy stops half-way, so the next start copies again', () => {
    const archive = path.join(dir, 'a.tar.gz');
    const dataDir = path.join(dir, 'data');
    fs.writeFileSync(
      archive,
      tarball([
        { name: '/PG_VERSION', content: '18\n' },
        { name: '/base/5/1259', content: 'catalog' },
        { name: '/base/5/link', type: '2' },
      ]),
    );
    expect(() => extractArchive(archive, dataDir)).toThrow(/neither a file nor a directory/);
    expect(fs.existsSync(path.join(dataDir, 'base/5/1259'))).toBe(true);
    expect(holdsDatabase(dataDir)).toBe(false);
  });

  it('refuses entries outside the data directory, and an archive that is no data directory', () => {
    const archive = path.join(dir, 'a.tar.gz');
    const dataDir = path.join(dir, 'data');
    fs.writeFileSync(archive, tarball([{ name: '../escaped', content: 'x' }]));
    expect(() => extractArchive(archive, dataDir)).toThrow(/outside it/);
    expect(fs.existsSync(path.join(dir, 'escaped'))).toBe(false);
    fs.writeFileSync(archive, tarball([{ name: '/base/1', content: 'x' }]));
    expect(() => extractArchive(archive, dataDir)).toThrow(/no PG_VERSION/);
    expect(holdsDatabase(dataDir)).toBe(false);
  });
});
