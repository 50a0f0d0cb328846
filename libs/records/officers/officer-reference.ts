import type { EntityManager } from 'typeorm';
import { isPoliceWide, type Actor } from '@scrutiny/auth';
import type { AuditService } from '@scrutiny/audit';
import { DomainError } from '@scrutiny/core';

/** What a record names: an officer by the force's pseudonymous reference, and the record's team. */
export interface NamedOfficer {
  forceCode: string;
  reference: string;
  /** The record's team: the team a new officer joins. */
  teamCode?: string | null;
  /** The officer the record names today (a replace may keep naming them whoever they now belong to). */
  current?: string | null;
}

type OfficerRow = { id: string; team_code: string | null; supervisor_user_id: string | null };

/**
 * The officer a record written by `actor` names. A record never changes its officer (moving an officer between teams
 * is `officers:manage`, PATCH /officers/:id): an existing officer is named as they are. Outside police-wide roles the
 * writer must have the officer in scope (one of their teams, or supervised by them), and a new officer is created
 * only in one of the writer's teams; otherwise 400 naming `officerReference`. A new officer is audited
 * (`officer.created`) in the caller's transaction.
 */
export async function officerForRecord(
  m: EntityManager,
  audit: AuditService,
  actor: Actor,
  named: NamedOfficer,
): Promise<string> {
  const refuse = (message: string) => DomainError.validation([{ field: 'officerReference', message }]);
  const wide = isPoliceWide(actor);
  // Twice at most: an insert that loses a race to another writer finds the winner's row on the second pass.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [existing] = (await m.query(
      `SELECT id, team_code, supervisor_user_id FROM officers WHERE force_code = $1 AND reference = $2`,
      [named.forceCode, named.reference],
    )) as OfficerRow[];
    if (existing) {
      const inScope =
        wide ||
        existing.id === named.current ||
        (existing.team_code !== null && actor.teams.includes(existing.team_code)) ||
        existing.supervisor_user_id === actor.id;
      if (!inScope)
        throw refuse(
          'names an officer outside your teams: a record cannot move an officer; ask professional standards or an admin to move them (PATCH /officers/:id)',
        );
      return existing.id;
    }
    const team = named.teamCode ?? null;
    if (!wide && !(team && actor.teams.includes(team)))
      throw refuse(
        `is a new officer: a record creates one only in one of your teams (${actor.teams.join(', ') || 'none'}): give that teamCode`,
      );
    const [created] = (await m.query(
      `INSERT INTO officers (reference, force_code, team_code) VALUES ($1, $2, $3)
       ON CONFLICT (force_code, reference) DO NOTHING RETURNING id`,
      [named.reference, named.forceCode, team],
    )) as { id: string }[];
    if (created) {
      await audit.record(
        actor,
        {
          action: 'officer.created',
          target: { type: 'officer', id: created.id },
          after: { id: created.id, reference: named.reference, forceCode: named.forceCode, teamCode: team },
          details: { via: 'record' },
        },
        m,
      );
      return created.id;
    }
  }
  throw new DomainError('CONFLICT', `Officer ${named.reference} was being created at the same time; try again`);
}
