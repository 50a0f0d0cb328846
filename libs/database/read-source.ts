import type { DataSource } from 'typeorm';
import { executionContext, type Logger } from '@scrutiny/core';

/**
 * How far behind its primary a streaming replica is, in seconds. Nothing waiting to be replayed: 0, however long ago
 * the last transaction was (an idle primary is not lag). Otherwise the age of the last transaction replayed, which
 * overstates the lag after an idle spell but never understates it. On a server that is not a standby (a promoted
 * replica, or DATABASE_READ_URL naming the primary itself): 0. Unknown (nothing replayed yet): null.
 */
const LAG_SQL = `
  SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
  END::float8 AS lag`;

/** A lag reading is reused this long, so a busy list route costs one probe a second, not one per request. */
const PROBE_EVERY_MS = 1000;

export interface ReadSourceOptions {
  maxLagSeconds: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * Where reads that may lag are sent: lists and statistics, which a user reads again rather than right after their
 * own write. With a replica (DATABASE_READ_URL) that is it while it is at most `maxLagSeconds` behind, and the
 * request's execution context is told how old its data may be (the API answers X-Data-As-Of); a replica further
 * behind, or unreachable, is passed over for the primary until it catches up. Without one, the primary.
 *
 * Everything else stays on the primary DataSource: writes, reads inside a write's transaction, and audited reads of
 * one record, which must show what the user has just saved.
 */
export class ReadSource {
  private probe: { at: number; lag: Promise<number | null> } | null = null;
  private passedOver = false;
  private lastError: string | undefined;

  constructor(
    readonly primary: DataSource,
    readonly replica: DataSource | null,
    private readonly options: ReadSourceOptions,
  ) {}

  /** The DataSource for a read that may lag. */
  async dataSource(): Promise<DataSource> {
    if (!this.replica) return this.primary;
    const { lag, at } = await this.probed();
    if (lag === null || lag > this.options.maxLagSeconds) {
      if (!this.passedOver) {
        this.passedOver = true;
        this.options.logger?.warn(
          { lagSeconds: lag, maxLagSeconds: this.options.maxLagSeconds, err: this.lastError },
          'read replica is behind (or unreachable): reading from the primary',
        );
      }
      return this.primary;
    }
    if (this.passedOver) {
      this.passedOver = false;
      this.options.logger?.info({ lagSeconds: lag }, 'read replica caught up: reading from it again');
    }
    const context = executionContext.current();
    if (context) {
      // Complete up to the probe's moment less its lag: never later than the truth (the probe is up to 1 s old).
      const asOf = new Date(at - lag * 1000);
      if (!context.dataAsOf || asOf < context.dataAsOf) context.dataAsOf = asOf;
    }
    return this.replica;
  }

  private async probed(): Promise<{ lag: number | null; at: number }> {
    if (!this.replica) return { lag: 0, at: this.now() };
    const now = this.now();
    if (!this.probe || now - this.probe.at >= PROBE_EVERY_MS) {
      const replica = this.replica;
      this.lastError = undefined;
      this.probe = {
        at: now,
        // A replica unreachable when the API started is opened here, once it answers.
        lag: (replica.isInitialized ? Promise.resolve(replica) : replica.initialize())
          .then((ready) => ready.query(LAG_SQL) as Promise<{ lag: number | null }[]>)
          .then(
            ([row]) => row?.lag ?? null,
            (error: unknown) => {
              this.lastError = error instanceof Error ? error.message : String(error);
              return null;
            },
          ),
      };
    }
    return { lag: await this.probe.lag, at: this.probe.at };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
