import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessService, CASE_TABLES, isPoliceWide, type Actor, type CaseKind } from '@scrutiny/auth';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { APP_CONFIG, DomainError, isUuid, type AppConfig } from '@scrutiny/core';
import { NotificationsService } from './notifications.service';

export interface HoldRequestView {
  id: string;
  status: string;
  sampleId: string;
  period: string;
  clip: { id: string; reference: string; forceCode: string; status: string; retentionExpiresAt: string };
  requestedAt: string;
  confirmedAt: string | null;
  warnedAt: string | null;
  /** Pending, and the clip expires within the warning window. */
  atRisk: boolean;
}

export interface RetentionCheckResult {
  /** Pending holds on clips expiring within the warning window (newly warned now). */
  warned: number;
  /** Holds whose footage is gone: the clip was deleted or expired before a hold was confirmed. */
  lost: number;
}

const SELECT = `
  SELECT h.id, h.status, h.sample_id, to_char(s.period, 'YYYY-MM') AS period, c.id AS clip_id, c.reference, c.force_code, c.status AS clip_status,
    c.retention_expires_at, h.requested_at, h.confirmed_at, h.warned_at, (h.status = 'pending' AND c.retention_expires_at <= $1) AS at_risk
  FROM bwv_hold_requests h JOIN bwv_clips c ON c.id = h.clip_id JOIN dip_samples s ON s.id = h.sample_id`;

type Row = {
  id: string;
  status: string;
  sample_id: string;
  period: string;
  clip_id: string;
  reference: string;
  force_code: string;
  clip_status: string;
  retention_expires_at: Date;
  requested_at: Date;
  confirmed_at: Date | null;
  warned_at: Date | null;
  at_risk: boolean;
};

function toView(r: Row): HoldRequestView {
  return {
    id: r.id,
    status: r.status,
    sampleId: r.sample_id,
    period: r.period,
    clip: {
      id: r.clip_id,
      reference: r.reference,
      forceCode: r.force_code,
      status: r.clip_status,
      retentionExpiresAt: r.retention_expires_at.toISOString(),
    },
    requestedAt: r.requested_at.toISOString(),
    confirmedAt: r.confirmed_at?.toISOString() ?? null,
    warnedAt: r.warned_at?.toISOString() ?? null,
    atRisk: r.at_risk,
  };
}

/**
 * BWV retention holds. The evidence system is outside: it reads the pending requests as a feed and confirms each
 * hold it places. A daily check warns about selected footage that will expire before its hold is confirmed, and
 * marks footage already gone as lost.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
  ) {}

  /**
   * SQL over a hold aliased `h` keeping those the actor may see and confirm, its parameters added to `params` (null:
   * every hold). The evidence system's integration account, professional standards and admins have the whole feed; a
   * supervisor the holds on footage of records they can read (their teams, areas, officers and assigned reviews).
   */
  private holdScope(actor: Actor, params: unknown[]): string | null {
    if (isPoliceWide(actor) || actor.roles.includes('evidence_system')) return null;
    // Police scope only: a panel member's view of an agenda case is not a say over the force's footage.
    const police = { ...actor, roles: actor.roles.filter((r) => r === 'supervisor') };
    const clauses: string[] = [];
    for (const [kind, table] of Object.entries(CASE_TABLES) as [CaseKind, string][]) {
      const scope = this.access.scope(police, 'c', params.length + 1, kind);
      if (scope.kind === 'none') continue;
      if (scope.kind === 'where') params.push(...scope.params);
      clauses.push(
        `EXISTS (SELECT 1 FROM bwv_clip_links l JOIN ${table} c ON c.id = l.case_id
           WHERE l.clip_id = h.clip_id AND l.case_kind = '${kind}'${scope.kind === 'where' ? ` AND ${scope.sql}` : ''})`,
      );
    }
    return clauses.length ? `(${clauses.join(' OR ')})` : 'false';
  }

  private warnBefore(now = new Date()): Date {
    return new Date(now.getTime() + this.config.sampling.holdWarningDays * 86_400_000);
  }

  /** Hold requests by status (the evidence system's feed is `pending`), soonest expiry first; `atRisk` only those in the warning window. */
  async list(actor: Actor, filter: { status?: string; atRisk?: boolean }): Promise<HoldRequestView[]> {
    if (filter.status && !['pending', 'confirmed', 'lost'].includes(filter.status))
      throw DomainError.validation([{ field: 'status', message: 'must be pending, confirmed or lost' }]);
    const where: string[] = [];
    const params: unknown[] = [this.warnBefore()];
    if (filter.status) where.push(`h.status = $${params.push(filter.status)}`);
    if (filter.atRisk) where.push(`h.status = 'pending' AND c.retention_expires_at <= $1`);
    const scope = this.holdScope(actor, params);
    if (scope) where.push(scope);
    const rows = (await this.dataSource.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.retention_expires_at, h.id LIMIT 1000`,
      params,
    )) as Row[];
    const holds = rows.map(toView);
    await this.audit.record(actor, {
      action: 'bwv_holds.listed',
      details: {
        filter: { status: filter.status ?? null, atRisk: filter.atRisk ?? false },
        ids: holds.map((h) => h.id),
      },
    });
    return holds;
  }

  /** The evidence system (or a supervisor on its behalf) confirms a hold: the clip is now on hold for scrutiny. */
  async confirm(actor: Actor, id: string): Promise<HoldRequestView> {
    if (!isUuid(id)) throw DomainError.notFound('Hold request', id);
    const params: unknown[] = [id];
    const scope = this.holdScope(actor, params);
    // A hold outside the actor's records is reported as missing, so ids cannot be probed.
    if (
      scope &&
      !(
        (await this.dataSource.query(
          `SELECT 1 FROM bwv_hold_requests h WHERE h.id = $1 AND ${scope}`,
          params,
        )) as unknown[]
      ).length
    )
      throw DomainError.notFound('Hold request', id);
    await this.dataSource.transaction(async (m) => {
      const [hold] = (await m.query(
        `SELECT h.status, h.clip_id, c.status AS clip_status FROM bwv_hold_requests h JOIN bwv_clips c ON c.id = h.clip_id WHERE h.id = $1 FOR UPDATE OF h`,
        [id],
      )) as {
        status: string;
        clip_id: string;
        clip_status: string;
      }[];
      if (!hold) throw DomainError.notFound('Hold request', id);
      if (hold.status === 'lost')
        throw new DomainError('CONFLICT', 'The footage is already gone: the hold came too late');
      if (hold.status === 'confirmed') return;
      await m.query(
        `UPDATE bwv_hold_requests SET status = 'confirmed', confirmed_at = now(), confirmed_by = $2 WHERE id = $1`,
        [id, actor.id],
      );
      // Evidential footage is kept anyway; anything else goes on hold for scrutiny.
      await m.query(
        `UPDATE bwv_clips SET status = CASE WHEN status = 'evidential' THEN status ELSE 'on_hold' END, hold_placed_at = coalesce(hold_placed_at, now()),
        hold_placed_by = coalesce(hold_placed_by, $2), version = version + 1 WHERE id = $1`,
        [hold.clip_id, actor.id],
      );
      await this.audit.record(
        actor,
        { action: 'bwv.hold_confirmed', target: { type: 'bwv_clip', id: hold.clip_id }, details: { holdRequest: id } },
        m,
      );
    });
    const [row] = (await this.dataSource.query(`${SELECT} WHERE h.id = $2`, [this.warnBefore(), id])) as Row[];
    return toView(row);
  }

  /**
   * The daily check: pending holds whose clip expires within the warning window are flagged and their sample's
   * drawer and reviewers notified (once a day at most); holds whose clip is deleted, or expired unheld, become lost.
   */
  async check(now = new Date()): Promise<RetentionCheckResult> {
    return this.dataSource.transaction(async (m) => {
      const [, lost] = (await m.query(
        `UPDATE bwv_hold_requests h SET status = 'lost' FROM bwv_clips c
         WHERE c.id = h.clip_id AND h.status <> 'lost' AND (c.status = 'deleted' OR (h.status = 'pending' AND c.retention_expires_at <= $1))`,
        [now],
      )) as [unknown, number];
      const [warned] = (await m.query(
        `UPDATE bwv_hold_requests h SET warned_at = $1::timestamptz FROM bwv_clips c
         WHERE c.id = h.clip_id AND h.status = 'pending' AND c.retention_expires_at <= $2 AND (h.warned_at IS NULL OR h.warned_at <= $1::timestamptz - interval '23 hours')
         RETURNING h.sample_id, c.reference, c.retention_expires_at`,
        [now, this.warnBefore(now)],
      )) as [{ sample_id: string; reference: string; retention_expires_at: Date }[], number];
      const bySample = new Map<string, string[]>();
      for (const w of warned) bySample.set(w.sample_id, [...(bySample.get(w.sample_id) ?? []), w.reference]);
      if (bySample.size) {
        // Each warned sample's drawer and reviewers, for every warned sample at once.
        const people = (await m.query(
          `SELECT id AS sample_id, drawn_by AS user_id FROM dip_samples WHERE id = ANY($1::uuid[]) AND drawn_by IS NOT NULL
           UNION SELECT i.sample_id, r.assigned_to FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id WHERE i.sample_id = ANY($1::uuid[]) AND r.assigned_to IS NOT NULL`,
          [[...bySample.keys()]],
        )) as { sample_id: string; user_id: string }[];
        const days = this.config.sampling.holdWarningDays;
        await this.notifications.notifyEach(
          m,
          'footage_at_risk',
          people.map(({ sample_id: sampleId, user_id: userId }) => {
            const clips = bySample.get(sampleId)!;
            return {
              userId,
              message: `${clips.length} selected clip(s) will be deleted within ${days} days without a confirmed hold: ${clips.slice(0, 5).join(', ')}`,
              link: { sampleId },
            };
          }),
        );
      }
      const result = { warned: warned.length, lost };
      if (result.warned || result.lost)
        await this.audit.record(SYSTEM_ACTOR, { action: 'bwv.retention_checked', details: { ...result } }, m);
      return result;
    });
  }
}
