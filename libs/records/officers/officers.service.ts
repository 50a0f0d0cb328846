import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isPoliceWide, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid, type FieldError } from '@scrutiny/core';
import type { Queryable } from '../areas/area-lookup';

export interface OfficerView {
  id: string;
  reference: string;
  forceCode: string;
  teamCode: string | null;
  supervisor: { id: string; username: string } | null;
  /** The officer's own user account, if any (they never review their own records). */
  userId: string | null;
  /** Professional standards' flag (a targeted dip-sample rule), with its history kept. */
  flag: { flaggedAt: string; reason: string | null; clearedAt: string | null } | null;
  /** How many records of each kind name this officer. */
  records: { stopSearches: number; vehicleStops: number; useOfForce: number };
}

export interface OfficerChange {
  teamCode?: string | null;
  supervisorUserId?: string | null;
  userId?: string | null;
  /** true flags the officer (a reason is required); false clears a flag. */
  flagged?: boolean;
  flagReason?: string | null;
}

const SELECT = `
  SELECT o.id, o.reference, o.force_code, o.team_code, u.id AS supervisor_id, u.username AS supervisor_username, o.user_id,
    o.flagged_at, o.flag_reason, o.flag_cleared_at
  FROM officers o LEFT JOIN users u ON u.id = o.supervisor_user_id`;

/** At most this many officers in a list (ordered by reference); a team filter narrows a larger force. */
export const OFFICERS_LISTED = 1000;

type Row = {
  id: string;
  reference: string;
  force_code: string;
  team_code: string | null;
  supervisor_id: string | null;
  supervisor_username: string | null;
  user_id: string | null;
  flagged_at: Date | null;
  flag_reason: string | null;
  flag_cleared_at: Date | null;
};

type RecordCounts = OfficerView['records'];
const NO_RECORDS: RecordCounts = { stopSearches: 0, vehicleStops: 0, useOfForce: 0 };

/**
 * How many records of each kind name each of these officers: one GROUP BY per case table over the ids (each has an
 * index on officer_id), not three counting subqueries per officer.
 */
async function recordCounts(q: Queryable, ids: string[]): Promise<Map<string, RecordCounts>> {
  const counts = new Map<string, RecordCounts>();
  if (!ids.length) return counts;
  const rows = (await q.query(
    `SELECT officer_id, 'stopSearches' AS kind, count(*)::int AS n FROM stop_searches WHERE officer_id = ANY($1::uuid[]) GROUP BY officer_id
     UNION ALL SELECT officer_id, 'vehicleStops', count(*)::int FROM vehicle_stops WHERE officer_id = ANY($1::uuid[]) GROUP BY officer_id
     UNION ALL SELECT officer_id, 'useOfForce', count(*)::int FROM use_of_force_reports WHERE officer_id = ANY($1::uuid[]) GROUP BY officer_id`,
    [ids],
  )) as { officer_id: string; kind: keyof RecordCounts; n: number }[];
  for (const r of rows) counts.set(r.officer_id, { ...(counts.get(r.officer_id) ?? NO_RECORDS), [r.kind]: r.n });
  return counts;
}

function toView(r: Row, records: RecordCounts = NO_RECORDS): OfficerView {
  return {
    id: r.id,
    reference: r.reference,
    forceCode: r.force_code,
    teamCode: r.team_code,
    supervisor: r.supervisor_id ? { id: r.supervisor_id, username: r.supervisor_username! } : null,
    userId: r.user_id,
    flag: r.flagged_at
      ? {
          flaggedAt: r.flagged_at.toISOString(),
          reason: r.flag_reason,
          clearedAt: r.flag_cleared_at?.toISOString() ?? null,
        }
      : null,
    records,
  };
}

/**
 * The officer register: pseudonymous references (never names) with their team and supervising user. A supervisor
 * sees the officers of their teams and those they supervise; admins and professional standards see all. Who
 * supervises whom decides a supervisor's scope over records, so changes are audited.
 */
@Injectable()
export class OfficersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The first OFFICERS_LISTED officers by reference; `total` counts all that match, so a cut list says so. */
  async list(actor: Actor, filter: { team?: string }): Promise<{ items: OfficerView[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!isPoliceWide(actor)) {
      params.push(actor.teams, actor.id);
      where.push(`(o.team_code = ANY($1::text[]) OR o.supervisor_user_id = $2::uuid)`);
    }
    if (filter.team) {
      params.push(filter.team);
      where.push(`o.team_code = $${params.length}`);
    }
    const rows = (await this.dataSource.query(
      `SELECT q.*, count(*) OVER ()::int AS total_count FROM (${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) q
       ORDER BY q.reference LIMIT ${OFFICERS_LISTED}`,
      params,
    )) as (Row & { total_count: number })[];
    const counts = await recordCounts(
      this.dataSource,
      rows.map((r) => r.id),
    );
    const items = rows.map((r) => toView(r, counts.get(r.id)));
    // The list carries professional-standards flags and their reasons: who saw which officers is on the record.
    await this.audit.record(actor, {
      action: 'officers.listed',
      details: { filter: { team: filter.team ?? null }, ids: items.map((o) => o.id) },
    });
    return { items, total: rows[0]?.total_count ?? 0 };
  }

  /** Moves an officer to a team and/or under a supervisor (a user with the supervisor role). Audited before/after. */
  async update(actor: Actor, id: string, change: OfficerChange): Promise<OfficerView> {
    if (!isUuid(id)) throw DomainError.notFound('Officer', id);
    const errors: FieldError[] = [];
    if (change.supervisorUserId) {
      const [user] = (
        isUuid(change.supervisorUserId)
          ? await this.dataSource.query(`SELECT roles FROM users WHERE id = $1 AND disabled_at IS NULL`, [
              change.supervisorUserId,
            ])
          : []
      ) as { roles: string[] }[];
      if (!user?.roles.includes('supervisor'))
        errors.push({ field: 'supervisorUserId', message: 'must be an active user with the supervisor role' });
    }
    if (change.userId) {
      const [user] = (
        isUuid(change.userId) ? await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [change.userId]) : []
      ) as unknown[];
      if (!user) errors.push({ field: 'userId', message: 'is not a user' });
    }
    if (change.flagged === true && !change.flagReason?.trim())
      errors.push({ field: 'flagReason', message: 'give the reason for flagging' });
    // A reason is kept only with a flag: sent alone (or with flagged: false) it would be dropped without a word.
    if (change.flagged !== true && change.flagReason?.trim()) {
      errors.push({ field: 'flagReason', message: 'is recorded only when flagging: send it with flagged: true' });
    }
    if (errors.length) throw DomainError.validation(errors);
    return this.dataSource.transaction(async (m) => {
      const [before] = (await m.query(`${SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id])) as Row[];
      if (!before) throw DomainError.notFound('Officer', id);
      await m.query(
        `UPDATE officers SET team_code = CASE WHEN $2 THEN $3 ELSE team_code END, supervisor_user_id = CASE WHEN $4 THEN $5::uuid ELSE supervisor_user_id END,
           user_id = CASE WHEN $6 THEN $7::uuid ELSE user_id END,
           flagged_at = CASE WHEN $8::boolean IS TRUE THEN now() ELSE flagged_at END,
           flag_reason = CASE WHEN $8::boolean IS TRUE THEN $9 ELSE flag_reason END,
           flag_cleared_at = CASE WHEN $8::boolean IS TRUE THEN NULL WHEN $8::boolean IS FALSE AND flagged_at IS NOT NULL AND flag_cleared_at IS NULL THEN now() ELSE flag_cleared_at END
         WHERE id = $1`,
        [
          id,
          change.teamCode !== undefined,
          change.teamCode ?? null,
          change.supervisorUserId !== undefined,
          change.supervisorUserId ?? null,
          change.userId !== undefined,
          change.userId ?? null,
          change.flagged ?? null,
          change.flagReason?.trim() ?? null,
        ],
      );
      const [after] = (await m.query(`${SELECT} WHERE o.id = $1`, [id])) as Row[];
      // Changing the register does not change which records name the officer: counted once for before and after.
      const records = (await recordCounts(m, [id])).get(id);
      await this.audit.record(
        actor,
        {
          action: 'officer.updated',
          target: { type: 'officer', id },
          before: toView(before, records),
          after: toView(after, records),
        },
        m,
      );
      return toView(after, records);
    });
  }
}
