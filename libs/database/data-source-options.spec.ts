import { createLogger } from '@scrutiny/core';
import { postgresOptions } from './data-source.factory';

const SCHEMA = { entities: [], migrations: [] };

describe('data source options: slow queries', () => {
  it('times slow queries only through the structured logger, which never writes their parameters', () => {
    const logged = postgresOptions('postgres://x/y', 1, SCHEMA, createLogger('silent'));
    expect(logged.maxQueryExecutionTime).toBe(1000);
    expect(logged.logger).toBeDefined();
  });

  it('does not time them without a logger: TypeORM would print the query with its parameters to the console', () => {
    const bare = postgresOptions('postgres://x/y', 1, SCHEMA);
    expect(bare.maxQueryExecutionTime).toBeUndefined();
  });
});
