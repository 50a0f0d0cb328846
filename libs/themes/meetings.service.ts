import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, parseQuarter, type FieldError } from '@scrutiny/core';
import { DeliberationService, type ActionInput, type ActionView } from '@scrutiny/panels';

export interface MeetingView {
  quarter: string;
  attendees: string[];
  decisions: string;
  recordedBy: { id: string; displayName: string } | null;
  updatedAt: string;
  version: number;
  /** Actions raised at the meeting; they are tracked with panel actions (GET/PATCH /finding-actions). */
  actions: ActionView[];
}

export interface MeetingInput {
  attendees: string[];
  decisions: string;
  /** Required to change a recorded meeting (optimistic locking); absent to record it the first time. */
  version?: number;
}

/** Professional standards' record of a quarter's themes review meeting: who attended, what was decided, what is to be done. */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliberation: DeliberationService,
    private readonly audit: AuditService,
  ) {}

  /** The recorded meeting, for reading on its own: its decisions can name officers, so each read is audited. */
  async view(actor: Actor, quarter: string): Promise<MeetingView> {
    const meeting = await this.get(actor, quarter);
    if (!meeting) throw DomainError.notFound('Meeting record', quarter);
    await this.audit.record(actor, {
      action: 'quarterly_meeting.viewed',
      target: { type: 'quarterly_meeting', id: quarter },
    });
    return meeting;
  }

  async get(actor: Actor, quarter: string): Promise<MeetingView | null> {
    const start = parseQuarter(quarter).start;
    const [row] = (await this.dataSource.query(
      `SELECT m.attendees, m.decisions, m.recorded_by, u.display_name, m.updated_at, m.version FROM quarterly_meetings m LEFT JOIN users u ON u.id = m.recorded_by WHERE m.quarter = $1::date`,
      [start],
    )) as {
      attendees: string[];
      decisions: string;
      recorded_by: string | null;
      display_name: string | null;
      updated_at: Date;
      version: number;
    }[];
    if (!row) return null;
    const actions = await this.deliberation.actionsOfMeeting(actor, start);
    return {
      quarter,
      attendees: row.attendees,
      decisions: row.decisions,
      recordedBy: row.recorded_by ? { id: row.recorded_by, displayName: row.display_name ?? '' } : null,
      updatedAt: row.updated_at.toISOString(),
      version: row.version,
      actions,
    };
  }

  async put(actor: Actor, quarter: string, input: MeetingInput): Promise<MeetingView> {
    const { start } = parseQuarter(quarter, { started: true });
    const errors: FieldError[] = [];
    const attendees = (input.attendees ?? []).map((a) => a?.trim()).filter(Boolean);
    if (!attendees.length) errors.push({ field: 'attendees', message: 'name at least one attendee' });
    if (new Set(attendees).size !== attendees.length)
      errors.push({ field: 'attendees', message: 'lists someone twice' });
    if (!input.decisions?.trim()) errors.push({ field: 'decisions', message: 'record what the meeting decided' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const [current] = (await m.query(
        `SELECT attendees, decisions, version FROM quarterly_meetings WHERE quarter = $1::date FOR UPDATE`,
        [start],
      )) as {
        attendees: string[];
        decisions: string;
        version: number;
      }[];
      if (!current) {
        if (input.version !== undefined) throw DomainError.notFound('Meeting record', quarter);
        const inserted = (await m.query(
          `INSERT INTO quarterly_meetings (quarter, attendees, decisions, recorded_by, version) VALUES ($1::date, $2, $3, $4, 1) ON CONFLICT (quarter) DO NOTHING RETURNING quarter`,
          [start, attendees, input.decisions.trim(), actor.id],
        )) as unknown[];
        // Someone recorded it between our read and our insert: theirs stands until this one is sent with its version.
        if (!inserted.length)
          throw new DomainError(
            'VERSION_CONFLICT',
            `The ${quarter} meeting was recorded by someone else meanwhile; reload and try again`,
            { extensions: { currentVersion: 1 } },
          );
      } else {
        if (current.version !== input.version) {
          throw new DomainError(
            'VERSION_CONFLICT',
            `The ${quarter} meeting record was changed by someone else (version ${current.version}, you sent ${input.version ?? 'none'}); reload and try again`,
            {
              extensions: { currentVersion: current.version },
            },
          );
        }
        await m.query(
          `UPDATE quarterly_meetings SET attendees = $2, decisions = $3, recorded_by = $4, updated_at = now(), version = version + 1 WHERE quarter = $1::date`,
          [start, attendees, input.decisions.trim(), actor.id],
        );
      }
      await this.audit.record(
        actor,
        {
          action: current ? 'quarterly_meeting.updated' : 'quarterly_meeting.recorded',
          target: { type: 'quarterly_meeting', id: quarter },
          before: current ? { attendees: current.attendees, decisions: current.decisions } : null,
          after: { attendees, decisions: input.decisions.trim() },
        },
        m,
      );
    });
    return (await this.get(actor, quarter))!;
  }

  /** Raises an action at the quarter's recorded meeting. */
  async raiseAction(actor: Actor, quarter: string, input: ActionInput): Promise<ActionView> {
    const { start } = parseQuarter(quarter);
    const [meeting] = (await this.dataSource.query(`SELECT 1 FROM quarterly_meetings WHERE quarter = $1::date`, [
      start,
    ])) as unknown[];
    if (!meeting)
      throw new DomainError('CONFLICT', `Record the ${quarter} meeting (PUT …/meeting) before raising its actions`);
    return this.deliberation.raiseMeetingAction(actor, start, input);
  }
}
