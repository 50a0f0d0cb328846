import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isPoliceWide, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid, type FieldError } from '@scrutiny/core';

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
    o.flagged_at, o.flag_reason, o.flag_cleared_at,
    (SELECT count(*)::int FROM stop_searches s WHERE s.officer_id = o.id) AS stop_searches,
    (SELECT count(*)::int FROM vehicle_stops v WHERE v.officer_id = o.id) AS vehicle_stops,
    (SELECT count(*)::int FROM use_of_force_reports f WHERE f.officer_id = o.id) AS use_of_force
  FROM officers o LEFT JOIN users u ON u.id = o.supervisor_user_id`;

type Row = {
  id: string; reference: string; force_code: string; team_code: string | null; supervisor_id: string | null; supervisor_username: string | null;
  user_id: string | null; flagged_at: Date | null; flag_reason: string | null; flag_cleared_at: Date | null;
  stop_searches: number; vehicle_stops: number; use_of_force: number;
};

function toView(r: Row): OfficerView {
  return {
    id: r.id,
    reference: r.reference,
    forceCode: r.force_code,
    teamCode: r.team_code,
    supervisor: r.supervisor_id ? { id: r.supervisor_id, username: r.supervisor_username! } : null,
    userId: r.user_id,
    flag: r.flagged_at ? { flaggedAt: r.flagged_at.toISOString(), reason: r.flag_reason, clearedAt: r.flag_cleared_at?.toISOString() ?? null } : null,
    records: { stopSearches: r.stop_searches, vehicleStops: r.vehicle_stops, useOfForce: r.use_of_force },
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

  async list(actor: Actor, filter: { team?: string }): Promise<OfficerView[]> {
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
    const rows = (await this.dataSource.query(`${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.reference LIMIT 1000`, params)) as Row[];
    return rows.map(toView);
  }

  /** Moves an officer to a team and/or under a supervisor (a user with the supervisor role). Audited before/after. */
  async update(actor: Actor, id: string, change: OfficerChange): Promise<OfficerView> {
    if (!isUuid(id)) throw DomainError.notFound('Officer', id);
    const errors: FieldError[] = [];
    if (change.supervisorUserId) {
      const [user] = (isUuid(change.supervisorUserId)
        ? await this.dataSource.query(`SELECT roles FROM users WHERE id = $1 AND disabled_at IS NULL`, [change.supervisorUserId])
        : []) as { roles: string[] }[];
      if (!user?.roles.includes('supervisor')) errors.push({ field: 'supervisorUserId', message: 'must be an active user with the supervisor role' });
    }
    if (change.userId) {
      const [user] = (isUuid(change.userId) ? await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [change.userId]) : []) as unknown[];
      if (!user) errors.push({ field: 'userId', message: 'is not a user' });
    }
    if (change.flagged === true && !change.flagReason?.trim()) errors.push({ field: 'flagReason', message: 'give the reason for flagging' });
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
        [id, change.teamCode !== undefined, change.teamCode ?? null, change.supervisorUserId !== undefined, change.supervisorUserId ?? null,
          change.userId !== undefined, change.userId ?? null, change.flagged ?? null, change.flagReason?.trim() ?? null],
      );
      const [after] = (await m.query(`${SELECT} WHERE o.id = $1`, [id])) as Row[];
      await this.audit.record(actor, { action: 'officer.updated', target: { type: 'officer', id }, before: toView(before), after: toView(after) }, m);
      return toView(after);
    });
  }
}
