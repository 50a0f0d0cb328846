import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { DomainError, executionContext, isUuid } from '@scrutiny/core';
import { countUpTo } from '@scrutiny/database';
import { AuditEvent } from './audit-event.entity';
import { eventHash, findBreak, GENESIS_HASH, type ChainBreak } from './audit-chain';

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
  hash: string;
  prevHash: string;
}

export interface VerifyResult {
  verified: boolean;
  checked: number;
  lastSeq: number;
  firstBreak: ChainBreak | null;
}

/** Serialises appends so each event links to the one before it; held only for the writing transaction. */
const AUDIT_CHAIN_LOCK = 'scrutiny:audit-chain';
const VERIFY_BATCH = 2000;

@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends an event. Pass the transaction's EntityManager so the event commits (or rolls back) with the change
   * it describes; without one it is written in a transaction of its own.
   */
  async record(actor: AuditActor, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    if (!manager) return this.dataSource.transaction((m) => this.record(actor, entry, m));
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_CHAIN_LOCK]);
    const [last] = (await manager.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')) as {
      seq: string;
      hash: string;
    }[];
    const fields = {
      seq: last ? Number(last.seq) + 1 : 1,
      id: randomUUID(),
      occurredAt: new Date(),
      actorId: actor.id,
      actorUsername: actor.username,
      actorRoles: [...actor.roles],
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      requestId: executionContext.current()?.requestId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      details: entry.details ?? null,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    await manager.getRepository(AuditEvent).insert({ ...fields, hash: eventHash(fields) });
  }

  /**
   * Newest first, in keyset pages. `total` is counted on the first page only and no further than COUNT_CAP (the
   * trail only grows: a full count on every page would cost more than the page); null after a cursor.
   */
  async list(filter: AuditFilter): Promise<{
    items: AuditEventView[];
    nextCursor: string | null;
    total: number | null;
    totalCapped: boolean;
  }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
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
      counted = await countUpTo(this.dataSource, sql, params);
    } else qb.andWhere('e.seq < :beforeSeq', { beforeSeq: filter.beforeSeq });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
      total: counted?.total ?? null,
      totalCapped: counted?.capped ?? false,
    };
  }

  /** Walks the whole chain in order, in batches, and reports the first event that does not fit. */
  async verify(): Promise<VerifyResult> {
    const repo = this.dataSource.getRepository(AuditEvent);
    let previous = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const batch = await repo
        .createQueryBuilder('e')
        .where('e.seq > :after', { after: previous.seq })
        .orderBy('e.seq', 'ASC')
        .take(VERIFY_BATCH)
        .getMany();
      if (!batch.length) return { verified: true, checked, lastSeq: previous.seq, firstBreak: null };
      const broken = findBreak(batch, previous);
      if (broken)
        return {
          verified: false,
          checked: checked + batch.findIndex((e) => e.seq === broken.seq),
          lastSeq: previous.seq,
          firstBreak: broken,
        };
      checked += batch.length;
      previous = batch[batch.length - 1];
    }
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
