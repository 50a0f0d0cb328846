import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessService, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid, uuidv7, type FieldError } from '@scrutiny/core';
import { ETHNIC_GROUPS, SELF_DEFINED_CATEGORIES, SELF_DEFINED_CODES, OFFICER_DEFINED } from '../vocabulary/ethnicity';
import { AGE_RANGES, GENDERS, LEGISLATION, OBJECTS_OF_SEARCH, OUTCOMES, SEARCH_TYPES } from '../vocabulary/police-uk';
import { renderPoliceUkRow, POLICE_UK_COLUMNS } from '../imports/police-uk-row';
import { toStopSearchView, type StopSearchRow, type StopSearchView } from './stop-search.view';
import { ensureOfficer, findArea } from '../areas/area-lookup';

export interface StopSearchFilter {
  /** YYYY-MM, Europe/London months, inclusive. */
  from?: string;
  to?: string;
  /** Any area of the hierarchy (force, district, local authority) by code or police.uk id. */
  area?: string;
  power?: string;
  ethnicity?: string;
  basis?: 'self' | 'officer';
  outcome?: string;
  /** true: only cases with at least one BWV clip; false: only cases with none. */
  bwv?: boolean;
  cursor?: string;
  limit?: number;
}

export interface StopSearchInput {
  force: string;
  areaCode?: string | null;
  occurredAt: string;
  searchType: string;
  legislation?: string | null;
  objectOfSearch?: string | null;
  grounds?: string | null;
  outcome?: string | null;
  outcomeLinkedToObject?: boolean | null;
  clothingRemoved?: boolean | null;
  partOfOperation?: boolean | null;
  operationName?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  gender?: string | null;
  ageRange?: string | null;
  selfDefinedEthnicity?: string | null;
  officerDefinedEthnicity?: string | null;
  officerReference?: string | null;
  teamCode?: string | null;
  s60AuthorisationId?: string | null;
  bwvActivatedBeforeEncounter?: boolean | null;
}

const SELECT = `
  SELECT s.*, to_char(s.period, 'YYYY-MM-DD') AS period, o.reference AS officer_reference,
    CASE WHEN a.level = 'district' THEN a.code WHEN pa.level = 'district' THEN pa.code END AS district_code
  FROM stop_searches s
  LEFT JOIN officers o ON o.id = s.officer_id
  LEFT JOIN areas a ON a.code = s.area_code
  LEFT JOIN areas pa ON pa.code = a.parent_code`;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const VOCABULARIES: [keyof StopSearchInput, readonly string[]][] = [
  ['searchType', SEARCH_TYPES],
  ['legislation', LEGISLATION],
  ['objectOfSearch', OBJECTS_OF_SEARCH],
  ['outcome', OUTCOMES],
  ['gender', GENDERS],
  ['ageRange', AGE_RANGES],
  ['selfDefinedEthnicity', SELF_DEFINED_CODES],
  ['officerDefinedEthnicity', OFFICER_DEFINED],
];

function encodeCursor(row: { occurred_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.occurred_at.toISOString(), row.id])).toString('base64url');
}
function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (!Number.isNaN(Date.parse(at)) && isUuid(id)) return [at, id];
  } catch {
    /* fall through */
  }
  throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
}

/** Stop searches: scoped reads (every one audited), create and update with optimistic locking, police.uk export. */
@Injectable()
export class StopSearchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, filter: StopSearchFilter): Promise<{ items: StopSearchView[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    const { where, params } = await this.whereClause(actor, filter);
    if (where === null) return { items: [], nextCursor: null };
    if (filter.cursor) {
      const [at, id] = decodeCursor(filter.cursor);
      params.push(at, id);
      where.push(`(s.occurred_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.occurred_at DESC, s.id DESC LIMIT $${params.length}`,
      params,
    )) as StopSearchRow[];
    const page = rows.slice(0, limit);
    const views = await this.access.viewsFor(actor, 'stop_search', page.map((r) => r.id));
    const shown = page.filter((r) => views.has(r.id));
    await this.audit.record(actor, { action: 'stop_search.listed', details: { filter: { ...filter, cursor: undefined }, ids: shown.map((r) => r.id) } });
    return { items: shown.map((r) => toStopSearchView(r, views.get(r.id)!)), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  async get(actor: Actor, id: string): Promise<StopSearchView> {
    const view = await this.access.viewOf(actor, 'stop_search', id);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE s.id = $1`, [id])) as StopSearchRow[];
    if (!row) throw DomainError.notFound('Case', id);
    await this.audit.record(actor, { action: 'stop_search.viewed', target: { type: 'stop_search', id }, details: { view: view.kind } });
    return toStopSearchView(row, view);
  }

  async create(actor: Actor, input: StopSearchInput): Promise<StopSearchView> {
    const values = await this.validate(actor, input);
    const id = uuidv7();
    await this.dataSource.transaction(async (m) => {
      const officerId = input.officerReference ? await ensureOfficer(m, { reference: input.officerReference, forceCode: values.forceCode, teamCode: input.teamCode }) : null;
      await m.query(
        `INSERT INTO stop_searches (id, force_code, area_code, occurred_at, period, search_type, legislation, object_of_search, grounds, outcome,
           outcome_linked_to_object, clothing_removed, part_of_operation, operation_name, latitude, longitude, gender, age_range,
           self_defined_ethnicity, officer_defined_ethnicity, officer_id, team_code, s60_authorisation_id, bwv_activated_before_encounter, source, version)
         VALUES ($1, $2, $3, $4, date_trunc('month', $4::timestamptz AT TIME ZONE 'Europe/London')::date, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           $16, $17, $18, $19, $20, $21, $22, $23, 'manual', 1)`,
        [id, values.forceCode, input.areaCode ?? null, input.occurredAt, input.searchType, input.legislation ?? null, input.objectOfSearch ?? null,
          input.grounds ?? null, input.outcome ?? null, input.outcomeLinkedToObject ?? null, input.clothingRemoved ?? null, input.partOfOperation ?? null,
          input.operationName ?? null, input.latitude ?? null, input.longitude ?? null, input.gender ?? null, input.ageRange ?? null,
          input.selfDefinedEthnicity ?? null, input.officerDefinedEthnicity ?? null, officerId, input.teamCode ?? null, input.s60AuthorisationId ?? null,
          input.bwvActivatedBeforeEncounter ?? null],
      );
      const [row] = (await m.query(`${SELECT} WHERE s.id = $1`, [id])) as StopSearchRow[];
      await this.audit.record(actor, { action: 'stop_search.created', target: { type: 'stop_search', id }, after: toStopSearchView(row, { kind: 'full' }) }, m);
    });
    return this.read(id);
  }

  /** Replaces the editable fields, if `version` is still the current one (else 409). */
  async update(actor: Actor, id: string, version: number, input: StopSearchInput): Promise<StopSearchView> {
    // Changing a case needs police scope: a panel member who can read it may not edit it (and has no records:write).
    if ((await this.access.viewOf(actor, 'stop_search', id)).kind !== 'full') throw DomainError.notFound('Case', id);
    const values = await this.validate(actor, input);
    await this.dataSource.transaction(async (m) => {
      const [before] = (await m.query(`${SELECT} WHERE s.id = $1 FOR UPDATE OF s`, [id])) as StopSearchRow[];
      if (!before) throw DomainError.notFound('Case', id);
      if (before.version !== version) {
        throw new DomainError('VERSION_CONFLICT', `Stop search ${id} was changed by someone else (version ${before.version}, you sent ${version}); reload and try again`, {
          extensions: { currentVersion: before.version },
        });
      }
      const officerId = input.officerReference ? await ensureOfficer(m, { reference: input.officerReference, forceCode: values.forceCode, teamCode: input.teamCode }) : null;
      await m.query(
        `UPDATE stop_searches SET force_code = $2, area_code = $3, occurred_at = $4, period = date_trunc('month', $4::timestamptz AT TIME ZONE 'Europe/London')::date,
           search_type = $5, legislation = $6, object_of_search = $7, grounds = $8, outcome = $9, outcome_linked_to_object = $10, clothing_removed = $11,
           part_of_operation = $12, operation_name = $13, latitude = $14, longitude = $15, gender = $16, age_range = $17, self_defined_ethnicity = $18,
           officer_defined_ethnicity = $19, officer_id = $20, team_code = $21, s60_authorisation_id = $22, bwv_activated_before_encounter = $23,
           version = version + 1, updated_at = now()
         WHERE id = $1`,
        [id, values.forceCode, input.areaCode ?? null, input.occurredAt, input.searchType, input.legislation ?? null, input.objectOfSearch ?? null,
          input.grounds ?? null, input.outcome ?? null, input.outcomeLinkedToObject ?? null, input.clothingRemoved ?? null, input.partOfOperation ?? null,
          input.operationName ?? null, input.latitude ?? null, input.longitude ?? null, input.gender ?? null, input.ageRange ?? null,
          input.selfDefinedEthnicity ?? null, input.officerDefinedEthnicity ?? null, officerId, input.teamCode ?? null, input.s60AuthorisationId ?? null,
          input.bwvActivatedBeforeEncounter ?? null],
      );
      const [after] = (await m.query(`${SELECT} WHERE s.id = $1`, [id])) as StopSearchRow[];
      await this.audit.record(actor, {
        action: 'stop_search.updated',
        target: { type: 'stop_search', id },
        before: toStopSearchView(before, { kind: 'full' }),
        after: toStopSearchView(after, { kind: 'full' }),
      }, m);
    });
    return this.read(id);
  }

  /** The filtered set as data.police.uk CSV lines (header first), streamed in pages; the export is audited. */
  async *exportPoliceUk(actor: Actor, filter: StopSearchFilter): AsyncGenerator<string> {
    const csv = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
    const { where, params } = await this.whereClause(actor, filter); // before the header: a bad filter fails the request, not the download
    yield `${csv([...POLICE_UK_COLUMNS])}\n`;
    if (where === null) return;
    let count = 0;
    let after: [string, string] | null = null;
    for (;;) {
      const w = [...where];
      const p = [...params];
      if (after) {
        p.push(after[0], after[1]);
        w.push(`(s.occurred_at, s.id) > ($${p.length - 1}::timestamptz, $${p.length}::uuid)`);
      }
      const rows = (await this.dataSource.query(`${SELECT} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY s.occurred_at, s.id LIMIT 5000`, p)) as StopSearchRow[];
      if (!rows.length) break;
      let lines = '';
      for (const r of rows) {
        lines += `${csv(renderPoliceUkRow({
          searchType: r.search_type, occurredAt: r.occurred_at, partOfOperation: r.part_of_operation, operationName: r.operation_name,
          latitude: r.latitude, longitude: r.longitude, gender: r.gender, ageRange: r.age_range, selfDefinedEthnicity: r.self_defined_ethnicity,
          officerDefinedEthnicity: r.officer_defined_ethnicity, legislation: r.legislation, objectOfSearch: r.object_of_search, outcome: r.outcome,
          outcomeLinkedToObject: r.outcome_linked_to_object, clothingRemoved: r.clothing_removed,
        }))}\n`;
      }
      count += rows.length;
      yield lines;
      const last = rows[rows.length - 1];
      after = [last.occurred_at.toISOString(), last.id];
    }
    await this.audit.record(actor, { action: 'stop_search.exported', details: { filter, rows: count, format: 'police-uk' } });
  }

  private async read(id: string): Promise<StopSearchView> {
    const [row] = (await this.dataSource.query(`${SELECT} WHERE s.id = $1`, [id])) as StopSearchRow[];
    return toStopSearchView(row, { kind: 'full' });
  }

  /** WHERE clauses for a filter within the actor's scope; `where: null` when the scope is empty. */
  private async whereClause(actor: Actor, filter: StopSearchFilter): Promise<{ where: string[] | null; params: unknown[] }> {
    const errors: FieldError[] = [];
    for (const f of ['from', 'to'] as const) if (filter[f] && !MONTH.test(filter[f]!)) errors.push({ field: f, message: 'must be a month, YYYY-MM' });
    if (filter.from && filter.to && filter.from > filter.to) errors.push({ field: 'to', message: 'must not be before from' });
    if (filter.ethnicity && !(ETHNIC_GROUPS as readonly string[]).includes(filter.ethnicity)) errors.push({ field: 'ethnicity', message: `must be one of ${ETHNIC_GROUPS.join(', ')}` });
    if (filter.basis && filter.basis !== 'self' && filter.basis !== 'officer') errors.push({ field: 'basis', message: 'must be self or officer' });
    if (filter.power && !(LEGISLATION as readonly string[]).includes(filter.power)) errors.push({ field: 'power', message: 'is not a known power (legislation code)' });
    if (filter.outcome && !(OUTCOMES as readonly string[]).includes(filter.outcome)) errors.push({ field: 'outcome', message: `must be one of ${OUTCOMES.join(', ')}` });
    if (errors.length) throw DomainError.validation(errors);

    const scope = this.access.scope(actor, 's', 1);
    if (scope.kind === 'none') return { where: null, params: [] };
    const where: string[] = [];
    const params: unknown[] = scope.kind === 'where' ? [...scope.params] : [];
    if (scope.kind === 'where') where.push(scope.sql);
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.from) where.push(`s.period >= ${p(`${filter.from}-01`)}::date`);
    if (filter.to) where.push(`s.period <= ${p(`${filter.to}-01`)}::date`);
    if (filter.area) {
      const area = await findArea(this.dataSource, filter.area);
      if (!area) throw DomainError.validation([{ field: 'area', message: `"${filter.area}" is not a known area code or force id` }]);
      where.push(
        area.level === 'force'
          ? `s.force_code = ${p(area.code)}`
          : `s.area_code IN (WITH RECURSIVE d(code) AS (SELECT ${p(area.code)}::text UNION ALL SELECT a.code FROM areas a JOIN d ON a.parent_code = d.code) SELECT code FROM d)`,
      );
    }
    if (filter.power) where.push(`s.legislation = ${p(filter.power)}`);
    if (filter.outcome) where.push(`s.outcome = ${p(filter.outcome)}`);
    if (filter.bwv !== undefined) {
      where.push(`${filter.bwv ? '' : 'NOT '}EXISTS (SELECT 1 FROM bwv_clip_links l WHERE l.case_kind = 'stop_search' AND l.case_id = s.id)`);
    }
    if (filter.ethnicity) {
      if ((filter.basis ?? 'self') === 'self') {
        where.push(`s.self_defined_ethnicity = ANY(${p(SELF_DEFINED_CATEGORIES.filter((c) => c.group === filter.ethnicity).map((c) => c.code))}::text[])`);
      } else {
        where.push(`s.officer_defined_ethnicity = ${p(filter.ethnicity)}`);
      }
    }
    return { where, params };
  }

  private async validate(actor: Actor, input: StopSearchInput): Promise<{ forceCode: string }> {
    const errors: FieldError[] = [];
    for (const [field, vocabulary] of VOCABULARIES) {
      const value = input[field];
      if (value === undefined || value === null) {
        if (field === 'searchType') errors.push({ field, message: 'is required' });
        continue;
      }
      if (!vocabulary.includes(value as string)) errors.push({ field, message: `must be one of ${vocabulary.join(', ')}` });
    }
    if (!input.occurredAt || Number.isNaN(Date.parse(input.occurredAt)) || !/(Z|[+-]\d{2}:?\d{2})$/.test(input.occurredAt)) {
      errors.push({ field: 'occurredAt', message: 'must be an ISO 8601 date-time with a time zone offset' });
    } else if (Date.parse(input.occurredAt) > Date.now() + 5 * 60_000) errors.push({ field: 'occurredAt', message: 'must not be in the future' });
    if ((input.latitude ?? null) === null !== ((input.longitude ?? null) === null)) errors.push({ field: 'latitude', message: 'latitude and longitude go together' });
    const force = await findArea(this.dataSource, input.force ?? '', { force: true });
    if (!force) errors.push({ field: 'force', message: 'is not a police force area (police.uk id or ONS code)' });
    if (input.areaCode) {
      const [area] = (await this.dataSource.query(`SELECT 1 FROM areas WHERE code = $1 AND level <> 'force'`, [input.areaCode])) as unknown[];
      if (!area) errors.push({ field: 'areaCode', message: 'is not a known district or local authority code' });
    }
    // A supervisor records cases for their own teams only (or a case they could not then see would be created).
    const policeWide = actor.roles.includes('admin') || actor.roles.includes('professional_standards');
    if (!policeWide && !(input.teamCode && actor.teams.includes(input.teamCode)) && !(input.areaCode && actor.areas.includes(input.areaCode))) {
      errors.push({ field: 'teamCode', message: `must be one of your teams (${actor.teams.join(', ') || 'none'}) or give one of your areas` });
    }
    if (errors.length) throw DomainError.validation(errors);
    return { forceCode: force!.code };
  }
}
