import { DataSource } from 'typeorm';
import { migrate, openDatabase, schemaDrift } from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import type { CliCommand } from '../command';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply pending database migrations (safe to run from several places at once)',
  async run(_args, { config, logger, out }) {
    const db = await openDatabase(config.database, SCHEMA, { logger });
    try {
      const applied = await migrate(db.dataSource, { lock: db.kind === 'postgres' });
      out(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}` : 'Database is up to date.');
      return 0;
    } finally {
      await db.close();
    }
  },
};

export const schemaCheckCommand: CliCommand = {
  name: 'schema:check',
  usage: 'schema:check',
  summary: 'Fail if the entities and the migrations disagree (what migration:generate would write)',
  async run(_args, { config, logger, out }) {
    const db = await openDatabase(config.database, SCHEMA, { logger });
    try {
      await migrate(db.dataSource, { lock: db.kind === 'postgres' });
      const drift = await schemaDrift(db.dataSource as DataSource);
      if (!drift.length) {
        out('No schema drift: the migrations build exactly what the entities describe.');
        return 0;
      }
      out(`Schema drift: a migration is missing. The entities need:\n${drift.map((q) => `  ${q};`).join('\n')}`);
      return 1;
    } finally {
      await db.close();
    }
  },
};
