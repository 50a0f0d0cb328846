import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS } from '../../migrations';

const timestampOf = (name: string) => Number(name.slice(-13));

describe('the MIGRATIONS list', () => {
  // TypeORM runs migrations sorted by the timestamp ending each class name, whatever the array order (MigrationExecutor
  // .getMigrations); the list is kept in that order so that reading it tells the order they run in.
  it('is in timestamp order, one entry per migration file', () => {
    const names = MIGRATIONS.map((m) => m.name);
    expect(names).toEqual([...names].sort((a, b) => timestampOf(a) - timestampOf(b)));
    expect(new Set(names.map(timestampOf)).size).toBe(names.length);
    const files = fs
      .readdirSync(path.join(__dirname, '../../migrations'))
      .filter((f) => /^\d{13}-\w+\.ts$/.test(f))
      .map((f) => f.replace(/^(\d{13})-(\w+)\.ts$/, '$2$1'))
      .sort((a, b) => timestampOf(a) - timestampOf(b));
    expect(names).toEqual(files);
  });
});
