import type { DataSource } from 'typeorm';
import { executionContext, loadConfig } from '@scrutiny/core';
import { ReadSource } from './read-source';

/** A stand-in for a replica's DataSource: answers the lag probe with `lag` (or fails), counting probes. */
function fakeReplica(lag: () => number | null | Error) {
  const replica = {
    isInitialized: true,
    probes: 0,
    query: async () => {
      replica.probes++;
      const value = lag();
      if (value instanceof Error) throw value;
      return [{ lag: value }];
    },
  };
  return replica;
}
const primary = { name: 'primary' } as unknown as DataSource;

describe('ReadSource', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('without a replica, reads go to the primary and say nothing about their age', async () => {
    const reads = new ReadSource(primary, null, { maxLagSeconds: 10 });
    const context: { dataAsOf?: Date } = {};
    await executionContext.run(context, async () => expect(await reads.dataSource()).toBe(primary));
    expect(context.dataAsOf).toBeUndefined();
  });

  it('reads from a replica within the bound and records the oldest data a request was given', async () => {
    let lag: number | null = 2;
    const replica = fakeReplica(() => lag);
    const reads = new ReadSource(primary, replica as unknown as DataSource, { maxLagSeconds: 10, now: clock });
    const context: { dataAsOf?: Date } = {};
    await executionContext.run(context, async () => {
      expect(await reads.dataSource()).toBe(replica);
      expect(context.dataAsOf).toEqual(new Date(now - 2000));
      now += 1000;
      lag = 0;
      await reads.dataSource();
    });
    expect(context.dataAsOf).toEqual(new Date(1_000_000 - 2000)); // the older of the two reads
  });

  it('probes the lag at most once a second', async () => {
    const replica = fakeReplica(() => 0);
    const reads = new ReadSource(primary, replica as unknown as DataSource, { maxLagSeconds: 10, now: clock });
    await Promise.all([reads.dataSource(), reads.dataSource(), reads.dataSource()]);
    now += 500;
    await reads.dataSource();
    expect(replica.probes).toBe(1);
    now += 600;
    await reads.dataSource();
    expect(replica.probes).toBe(2);
  });

  it('passes over a replica further behind than the bound, of unknown lag, or unreachable', async () => {
    let lag: number | null | Error = 10.5;
    const replica = fakeReplica(() => lag);
    const reads = new ReadSource(primary, replica as unknown as DataSource, { maxLagSeconds: 10, now: clock });
    for (const value of [10.5, null, new Error('connection refused')]) {
      lag = value;
      now += 1000;
      const context: { dataAsOf?: Date } = {};
      await executionContext.run(context, async () => expect(await reads.dataSource()).toBe(primary));
      expect(context.dataAsOf).toBeUndefined();
    }
    lag = 10;
    now += 1000;
    expect(await reads.dataSource()).toBe(replica);
  });

  it('is configured by DATABASE_READ_URL, only beside DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@p/db', DATABASE_READ_URL: 'postgres://app@r/db' });
    expect(config.database).toMatchObject({ read: { url: 'postgres://app@r/db', poolSize: 10, maxLagSeconds: 10 } });
    expect(loadConfig({ DATABASE_URL: 'postgres://app@p/db' }).database).not.toHaveProperty('read');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://app@r/db' })).toThrow(/DATABASE_READ_URL/);
  });
});
