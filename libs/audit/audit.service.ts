import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { DomainError, executionContext, isUuid } from '@scrutiny/core';
import { countUpTo } from '@scrutiny/database';
import { AuditEvent } from './audit-event.entity';
import { AuditCheckpoints } from './checkpoints';
import { eventHash, GENESIS_HASH } from './audit-chain';
import { sealedChainHead } from './chain-head';

export interface AuditActor {
  id: string | null;
  username: string | null;
  roles: readonly string[];
}

export const SYSTEM_ACTOR: AuditActor = { id: null, username: 'system', roles: [] };

export interface AuditEntry {
  /** dotted verb, e.g. `auth.login.failed`, `user.updated`, `case.viewed` */
  action: string;
  target?: { type: string; id: string };
  before?: object | null;
  after?: object | null;
  details?: object | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Return events with seq below this (newest first paging). */
  beforeSeq?: number;
  limit?: number;
}

export interface AuditEventView {
  seq: number;
  id: string;
  occurredAt: string;
  actor: { id: string | null; username: string | null; roles: string[] };
  action: string;
  target: { type: string; id: string } | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  /** Null until the sealer links the event into the chain (moments after it commits). */
  hash: string | null;
  prevHash: string | null;
}

/** Held by the sealer only (never by an append), so two sealers do not link the same events twice. */
const AUDIT_SEAL_LOCK = 'scrutiny:audit-chain';
const SEAL_BATCH = 2000;
/** Horizons waiting for their transactions to finish, newest kept: an older one is dominated by a newer one. */
const MAX_PENDING_HORIZONS = 64;
/**
 * The trail's count stops here, lower than the case lists' COUNT_CAP: its newest events are never all-visible yet (each
 * is written, then sealed), so counting is a heap visit per event, and 10,000 of them were 6.5 ms of database CPU on
 * every first page (three quarters of what a read cost at 1M events, 20 readers). A count tells a reader how much a
 * filter narrowed; past a thousand events "more than 1,000" says as much as "more than 10,000".
 */
export const AUDIT_COUNT_CAP = 1_000;

/**
 * A point the chain can be sealed up to: every seq up to `seq` was drawn by a transaction that had finished, or was
 * one of `appenders` (in progress, holding the append lock), when the horizon was taken. Once none of them is in
 * progress, every event up to `seq` has committed or never will.
 */
interface Horizon {
  seq: number;
  appenders: string[];
}

export interface SealResult {
  /** Events sealed by this call. */
  sealed: number;
  head: { seq: number; hash: string };
  /**
   * Committed events above the head still unsealed: a transaction that began before them is still open. Null when
   * the caller did not ask (countWaiting false) or another sealer was at work.
   */
  waiting: number | null;
}

const INSERT_EVENT = `
  INSERT INTO audit_events (id, occurred_at, actor_id, actor_username, actor_roles, action, target_type, target_id,
    request_id, before, after, details)
  VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb)`;

@Injectable()
export class AuditService {
  private readonly pending: Horizon[] = [];
  /** Every seq up to this is final (committed or never to be): the highest horizon seen reached. */
  private finalUpTo = 0;
  /** The audit read route's seal in progress in this process, if any (see `list`). */
  private sealingForRead: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    // Signs the head once enough has been sealed (every N events or M ms); absent outside the audit module.
    @Optional() private readonly checkpoints?: AuditCheckpoints,
  ) {}

  /**
   * Appends an event. Pass the transaction's EntityManager so the event commits (or rolls back) with the change
   * it describes; without one it is a statement of its own. No lock: the event arrives unsealed, with its seq from
   * a sequence, and `seal` links it into the chain once every event before it is final.
   */
  async record(actor: AuditActor, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(INSERT_EVENT, [
      randomUUID(),
      new Date(),
      actor.id,
      actor.username,
      [...actor.roles],
      entry.action,
      entry.target?.type ?? null,
      entry.target?.id ?? null,
      executionContext.current()?.requestId ?? null,
      jsonOrNull(entry.before),
      jsonOrNull(entry.after),
      jsonOrNull(entry.details),
    ]);
  }

  /** The last sealed event (seq 0 and the genesis hash before the first): what a checkpoint signs. */
  async sealedHead(manager?: EntityManager): Promise<{ seq: number; hash: string }> {
    return (await sealedChainHead(manager ?? this.dataSource)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Links committed, unsealed events into the chain in seq order: prev_hash is the last sealed event's hash, hash
   * covers the event and prev_hash. Only events no earlier seq can still join are sealed: it takes a horizon now
   * (the highest seq drawn, then the transactions still holding a seq) and seals up to it once those have finished,
   * waiting up to `waitMs` for them (0: seal up to horizons already reached, on this call or earlier ones). A seq
   * whose transaction rolled back is skipped: no event ever has it. One sealer at a time, under an advisory lock
   * appends never take; `unlessBusy` returns at once, sealing nothing, when another sealer holds it.
   */
  async seal(
    options: { waitMs?: number; unlessBusy?: boolean; countWaiting?: boolean; oneBatch?: boolean } = {},
  ): Promise<SealResult> {
    const waitMs = options.waitMs ?? 0;
    const latest = await this.takeHorizon();
    const deadline = Date.now() + waitMs;
    // The horizon's own reading of who is appending serves the first pass: read after every pending horizon was
    // taken, it tells which of those have finished as well as a second reading would, one query sooner.
    let running = new Set(latest.appenders);
    for (;;) {
      for (let i = this.pending.length - 1; i >= 0; i--) {
        if (this.pending[i].appenders.some((a) => running.has(a))) continue;
        this.finalUpTo = Math.max(this.finalUpTo, this.pending[i].seq);
        this.pending.splice(i, 1);
      }
      if (this.finalUpTo >= latest.seq || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
      running = new Set(await this.appenders());
    }
    const upTo = this.finalUpTo;
    let sealed = 0;
    let head: { seq: number; hash: string };
    let busy: boolean;
    for (;;) {
      const done = await this.dataSource.transaction(async (m) => {
        if (options.unlessBusy) {
          const [{ locked }] = (await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
            AUDIT_SEAL_LOCK,
          ])) as { locked: boolean }[];
          if (!locked) return { count: 0, head: await this.sealedHead(m), busy: true };
        } else await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_SEAL_LOCK]);
        const start = await this.sealedHead(m);
        const rows = await m
          .getRepository(AuditEvent)
          .createQueryBuilder('e')
          .where('e.hash IS NULL AND e.seq > :after AND e.seq <= :upTo', { after: start.seq, upTo })
          .orderBy('e.seq', 'ASC')
          .take(SEAL_BATCH)
          .getMany();
        let prev = start;
        const seqs: number[] = [];
        const prevHashes: string[] = [];
        const hashes: string[] = [];
        for (const row of rows) {
          const hash = eventHash({ ...row, prevHash: prev.hash });
          seqs.push(row.seq);
          prevHashes.push(prev.hash);
          hashes.push(hash);
          prev = { seq: row.seq, hash };
        }
        if (rows.length)
          await m.query('SELECT audit_events_seal($1::bigint[], $2::text[], $3::text[])', [seqs, prevHashes, hashes]);
        return { count: rows.length, head: prev, busy: false };
      });
      sealed += done.count;
      head = done.head;
      busy = done.busy;
      if (busy || options.oneBatch || done.count < SEAL_BATCH) break;
    }
    // Another sealer is at work on the tail: not counted (a read that skipped sealing has no use for the figure).
    if (busy || options.countWaiting === false) {
      if (sealed > 0) this.checkpoints?.noteSealed(head, sealed);
      return { sealed, head, waiting: null };
    }
    const [{ waiting }] = (await this.dataSource.query(
      'SELECT count(*)::int AS waiting FROM audit_events WHERE hash IS NULL AND seq > $1',
      [head.seq],
    )) as { waiting: number }[];
    if (sealed > 0) this.checkpoints?.noteSealed(head, sealed);
    return { sealed, head, waiting };
  }

  /**
   * Reads the highest seq drawn, then who holds the append lock: a transaction takes that lock before it draws a seq
   * and keeps it to its end, so whoever drew a seq up to the first reading and has not finished is in the second.
   */
  private async takeHorizon(): Promise<Horizon> {
    const [{ seq }] = (await this.dataSource.query('SELECT audit_events_allocated_seq()::text AS seq')) as {
      seq: string;
    }[];
    const horizon = { seq: Number(seq), appenders: await this.appenders() };
    if (horizon.seq > this.finalUpTo) {
      this.pending.push(horizon);
      if (this.pending.length > MAX_PENDING_HORIZONS)
        this.pending.splice(0, this.pending.length - MAX_PENDING_HORIZONS);
    }
    return horizon;
  }

  /** The transactions (virtual ids) in this database that have appended an event and not yet finished. */
  private async appenders(): Promise<string[]> {
    const [{ appenders }] = (await this.dataSource.query('SELECT audit_events_appenders() AS appenders')) as {
      appenders: string[];
    }[];
    return appenders;
  }

  /**
   * Seals what has committed before a read of the trail, so a quiet trail's page shows every hash, without ever making
   * the read wait. Under load some request is always mid-append, and a wait for it was spent in full on most reads
   * (p99 1.9 s at 1M events, 20 clients); another sealer at work (the worker's, or another process's read) was waited
   * for too (p99 11 s). So: no wait for open transactions (they show without a hash until the next pass), nothing when
   * another process holds the sealing lock, and nothing when a read in this process is already sealing (a seal is
   * about seven round trips, and the page does not need its own). And one batch at most: a backlog (no worker ran for
   * a while) is the sealer's to clear, not a read's (hashing 50,000 events held this process for seconds).
   */
  private async sealForRead(): Promise<void> {
    if (this.sealingForRead) return;
    this.sealingForRead = this.seal({ waitMs: 0, unlessBusy: true, countWaiting: false, oneBatch: true }).finally(
      () => (this.sealingForRead = null),
    );
    await this.sealingForRead;
  }

  /**
   * Newest first, in keyset pages. `total` is counted on the first page only and no further than AUDIT_COUNT_CAP (the
   * trail only grows: a full count on every page would cost more than the page); null after a cursor. Seals first so
   * the page shows hashes (unless another sealer is at work: then its newest events may show none yet), and audits
   * itself: who read the trail, with which filters, and which events they saw.
   */
  async list(
    actor: AuditActor,
    filter: AuditFilter,
  ): Promise<{
    items: AuditEventView[];
    nextCursor: string | null;
    total: number | null;
    totalCapped: boolean;
  }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    await this.sealForRead();
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .orderBy('e.seq', 'DESC')
      .take(limit + 1);
    if (filter.actorId) {
      if (!isUuid(filter.actorId)) throw DomainError.validation([{ field: 'actorId', message: 'must be a UUID' }]);
      qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    }
    if (filter.action) {
      // "auth.login" matches auth.login.succeeded and auth.login.failed
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('e.action = :action', { action: filter.action })
            .orWhere('e.action LIKE :prefix', { prefix: `${filter.action}.%` }),
        ),
      );
    }
    if (filter.targetType) qb.andWhere('e.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId) qb.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.from) qb.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.occurred_at < :to', { to: filter.to });
    let counted: { total: number; capped: boolean } | null = null;
    if (!filter.beforeSeq) {
      const [sql, params] = qb.clone().select('e.seq').orderBy().take(undefined).getQueryAndParameters();
      counted = await countUpTo(this.dataSource, sql, params, AUDIT_COUNT_CAP);
    } else qb.andWhere('e.seq < :beforeSeq', { beforeSeq: filter.beforeSeq });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    await this.record(actor, {
      action: 'audit.listed',
      details: { filter: { ...filter, beforeSeq: filter.beforeSeq ?? null }, seqs: page.map((e) => e.seq) },
    });
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      total: counted?.total ?? null,
      totalCapped: counted?.capped ?? false,
    };
  }
}

function toView(e: AuditEvent): AuditEventView {
  return {
    seq: e.seq,
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actor: { id: e.actorId, username: e.actorUsername, roles: e.actorRoles },
    action: e.action,
    target: e.targetType && e.targetId ? { type: e.targetType, id: e.targetId } : null,
    requestId: e.requestId,
    before: e.before,
    after: e.after,
    details: e.details,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

function jsonOrNull(value: object | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
