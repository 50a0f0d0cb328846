import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessService, isPoliceWide, withinAreasSql, type Actor, type CaseKind, type ViewRow } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, type FieldError, isUuid, MONTH, uuidv7 } from '@scrutiny/core';
import { countUpTo, isUniqueViolation, ReadSource } from '@scrutiny/database';
import { ETHNIC_GROUPS, SELF_DEFINED_CATEGORIES } from '../vocabulary/ethnicity';
import { areaAndDescendants, areaForces, findArea, type Queryable } from '../areas/area-lookup';
import { officerForRecord } from '../officers/officer-reference';
import { bindValue, sqlTypeOf } from './case-fields';
import { CASE_KIND_SPECS, type CaseKindSpec } from './case-kinds';
import { caseLinks, checkCaseInput, type CaseInput } from './case-input';
import { caseNotFound, caseViewOf } from './case-access';
import { toCaseView, type CaseRecordView, type CaseRow } from './case-view';
import { csvLine, renderStopSearchAsPoliceUk, renderTemplateRow, templateColumns } from './case-csv';
import { POLICE_UK_COLUMNS } from '../imports/police-uk-row';
import {
  renderStopSearchTemplateRow,
  STOP_SEARCH_TEMPLATE_COLUMNS,
  stopSearchExtras,
} from '../imports/stop-search-template';

export interface CaseFilter {
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

export interface CasePage {
  items: CaseRecordView[];
  nextCursor: string | null;
  /**
   * Records matching the filters, counted on the first page only (null after a cursor: the first page's figure holds)
   * and no further than COUNT_CAP: a count on every page of a table of millions would cost more than the page.
   */
  total: number | null;
  /** More than `total` match (the count stopped at COUNT_CAP). */
  totalCapped: boolean;
}

export const CSV_FORMATS = ['police-uk', 'template'] as const;
export type CsvFormat = (typeof CSV_FORMATS)[number];

const EXPORT_PAGE = 5000;

/** Every column of a kind's table that a create or replace writes, with its SQL type, in order. */
function writableColumns(spec: CaseKindSpec): [string, string][] {
  return [
    ['force_code', 'text'],
    ['area_code', 'text'],
    ['occurred_at', 'timestamptz'],
    ['latitude', 'float8'],
    ['longitude', 'float8'],
    ['officer_id', 'uuid'],
    ['team_code', 'text'],
    ['source_reference', 'text'],
    ...spec.fields.map((f): [string, string] => [f.column, sqlTypeOf(f)]),
  ];
}

function selectFrom(spec: CaseKindSpec, moreColumns?: string): string {
  return `
  SELECT c.*, to_char(c.period, 'YYYY-MM-DD') AS period, o.reference AS officer_reference,
    CASE WHEN a.level = 'district' THEN a.code WHEN pa.level = 'district' THEN pa.code END AS district_code${moreColumns ? `, ${moreColumns}` : ''}
  FROM ${spec.table} c
  LEFT JOIN officers o ON o.id = c.officer_id
  LEFT JOIN areas a ON a.code = c.area_code
  LEFT JOIN areas pa ON pa.code = a.parent_code`;
}

/**
 * SQL for the instant a Europe/London month begins (`months` later), its first day (YYYY-MM-DD) in placeholder `day`.
 * A constant of the statement, so a range on occurred_at built from it is an index range.
 */
export function londonMonthStartSql(day: string, months = 0): string {
  return `((${day}::date + ${months} * interval '1 month')::timestamp AT TIME ZONE 'Europe/London')`;
}

/** A page's cursor holds the last case's exact time and id, so it is sealed (an external member sees neither). */
function encodeCursor(access: AccessService, row: { occurred_at: Date; id: string }): string {
  return access.sealCursor([row.occurred_at.toISOString(), row.id]);
}
function decodeCursor(access: AccessService, cursor: string): [string, string] {
  const value = access.openCursor(cursor);
  if (Array.isArray(value) && value.length === 2) {
    const [at, id] = value as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && isUuid(id))
      return [at, id];
  }
  throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
}

/**
 * Case records of every kind (stop searches, vehicle stops, use-of-force reports), driven by each kind's spec:
 * scoped lists and reads (every one audited), create and replace with optimistic locking, and the filtered set in
 * pages for exports. Scope and views come from the access service; the response shape from the one mapper.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly reads: ReadSource,
  ) {}

  async list(actor: Actor, kind: CaseKind, filter: CaseFilter): Promise<CasePage> {
    const spec = CASE_KIND_SPECS[kind];
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    const { where, params, anyOf } = await this.whereClause(actor, spec, filter);
    if (where === null) return { items: [], nextCursor: null, total: filter.cursor ? null : 0, totalCapped: false };
    // A list may lag (a replica's): the case the user just saved is read from the primary, by `get`.
    const db = await this.reads.dataSource();
    const counted = filter.cursor
      ? null
      : await countUpTo(
          db,
          // In the page's order, so the count walks the index the page reads (a bounded walk) rather than a scan
          // that stops only after cap matches, however few of the table's rows match.
          `SELECT 1 FROM ${spec.table} c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.occurred_at DESC, c.id DESC`,
          [...params],
        );
    if (filter.cursor) {
      const [at, id] = decodeCursor(this.access, filter.cursor);
      params.push(at, id);
      where.push(`(c.occurred_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const order = 'ORDER BY c.occurred_at DESC, c.id DESC';
    const pageOf = (w: string[]) =>
      `${selectFrom(spec)} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ${order} LIMIT $${params.length}`;
    // A self-defined group is several codes: `= ANY` on an index column gives no order, so the page was every match
    // sorted (slower as matches grow). One ordered index read per code, merged (Merge Append), reads a page's worth.
    const sql =
      anyOf && anyOf.n > 1
        ? `SELECT * FROM (${Array.from({ length: anyOf.n }, (_, i) => {
            const one = `c.${anyOf.column} = (${anyOf.param}::text[])[${i + 1}]`;
            return `(${pageOf(where.map((w) => (w === anyOf.clause ? one : w)))})`;
          }).join(' UNION ALL ')}) c ${order} LIMIT $${params.length}`
        : pageOf(where);
    const rows = (await db.query(sql, params)) as CaseRow[];
    const page = rows.slice(0, limit);
    const views = await this.access.viewsFor(
      actor,
      kind,
      page.map((r) => r.id),
    );
    const shown = page.filter((r) => views.has(r.id));
    await this.audit.record(actor, {
      action: `${kind}.listed`,
      details: { filter: { ...filter, cursor: undefined }, ids: shown.map((r) => r.id) },
    });
    return {
      items: shown.map((r) => toCaseView(spec, r, views.get(r.id)!)),
      nextCursor: rows.length > limit ? encodeCursor(this.access, page[page.length - 1]) : null,
      total: counted?.total ?? null,
      totalCapped: counted?.capped ?? false,
    };
  }

  async get(actor: Actor, kind: CaseKind, shownId: string): Promise<CaseRecordView> {
    const spec = CASE_KIND_SPECS[kind];
    // An external member names a case by the opaque id they were shown.
    const id = await this.access.resolveCaseId(actor, kind, shownId);
    // The case and whether (and how) the actor may see it, in one statement: a round trip is most of what a read costs.
    const row = isUuid(id)
      ? await this.read<ViewRow>(this.dataSource, spec, id, { more: this.access.viewColumns(actor, kind, 'c', 2) })
      : undefined;
    const view = row && this.access.viewFromRow(row);
    // The id the caller sent: an external member's access can lapse between resolving their opaque id and the read.
    if (!view) throw caseNotFound(kind, shownId);
    await this.audit.record(actor, {
      action: `${kind}.viewed`,
      target: { type: kind, id },
      details: { view: view.kind },
    });
    return toCaseView(spec, row, view);
  }

  async create(actor: Actor, kind: CaseKind, input: CaseInput): Promise<CaseRecordView> {
    const spec = CASE_KIND_SPECS[kind];
    const forceCode = await this.validate(actor, spec, input);
    const id = uuidv7();
    const columns = writableColumns(spec);
    await this.write(spec, input, async (m) => {
      const values = await this.bind(m, actor, spec, forceCode, input);
      await m.query(
        `INSERT INTO ${spec.table} (id, period, source, version, ${columns.map(([c]) => c).join(', ')})
         VALUES ($1, date_trunc('month', $4::timestamptz AT TIME ZONE 'Europe/London')::date, 'manual', 1,
           ${columns.map(([, type], i) => `$${i + 2}::${type}`).join(', ')})`,
        [id, ...values],
      );
      const row = (await this.read(m, spec, id))!;
      await this.audit.record(
        actor,
        { action: `${kind}.created`, target: { type: kind, id }, after: toCaseView(spec, row, { kind: 'full' }) },
        m,
      );
    });
    return toCaseView(spec, (await this.read(this.dataSource, spec, id))!, { kind: 'full' });
  }

  /** Replaces the editable fields, if `version` is still the current one (else 409). */
  async update(actor: Actor, kind: CaseKind, id: string, version: number, input: CaseInput): Promise<CaseRecordView> {
    const spec = CASE_KIND_SPECS[kind];
    // Changing a case needs police scope: a panel member who can read it may not edit it.
    if ((await caseViewOf(this.access, actor, kind, id)).kind !== 'full') throw caseNotFound(kind, id);
    const forceCode = await this.validate(actor, spec, input);
    const columns = writableColumns(spec);
    await this.write(spec, input, async (m) => {
      const before = await this.read(m, spec, id, { lock: true });
      if (!before) throw caseNotFound(kind, id);
      if (before.version !== version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `${spec.noun} ${id} was changed by someone else (version ${before.version}, you sent ${version}); reload and try again`,
          {
            extensions: { currentVersion: before.version },
          },
        );
      }
      const values = await this.bind(m, actor, spec, forceCode, input, before.officer_id as string | null);
      await m.query(
        `UPDATE ${spec.table} SET ${columns.map(([c, type], i) => `${c} = $${i + 2}::${type}`).join(', ')},
           period = date_trunc('month', $4::timestamptz AT TIME ZONE 'Europe/London')::date, version = version + 1, updated_at = now()
         WHERE id = $1`,
        [id, ...values],
      );
      const after = (await this.read(m, spec, id))!;
      await this.audit.record(
        actor,
        {
          action: `${kind}.updated`,
          target: { type: kind, id },
          before: toCaseView(spec, before, { kind: 'full' }),
          after: toCaseView(spec, after, { kind: 'full' }),
        },
        m,
      );
    });
    return toCaseView(spec, (await this.read(this.dataSource, spec, id))!, { kind: 'full' });
  }

  /**
   * The filtered set as CSV text (header first), oldest first, streamed in pages: stop searches as data.police.uk
   * rows, any kind as its CSV template (which imports back). The filter is checked before this answers, so a bad
   * one fails the request rather than the download.
   *
   * Every export is audited, however it ends: once the generator has started, its `finally` records
   * `<kind>.exported` with `rows` (the rows handed to the consumer so far: an upper bound on what left the server)
   * and `completed` (false when the client went away or the stream failed part-way). So a consumer must end it by
   * reading it to the end or by calling `return()` (a `for await` loop or `stream.pipeline` does either).
   */
  async exportCsv(
    actor: Actor,
    kind: CaseKind,
    filter: CaseFilter,
    format: CsvFormat,
  ): Promise<AsyncGenerator<string>> {
    const spec = CASE_KIND_SPECS[kind];
    if (format === 'police-uk' && kind !== 'stop_search')
      throw DomainError.validation([
        { field: 'format', message: 'police-uk is a stop-and-search format: use template' },
      ]);
    // A stop search's template also carries its officer's supervisor and its clips: what format=stop-searches imports.
    const stopSearchTemplate = kind === 'stop_search' && format === 'template';
    const header =
      format === 'police-uk'
        ? POLICE_UK_COLUMNS
        : stopSearchTemplate
          ? STOP_SEARCH_TEMPLATE_COLUMNS
          : templateColumns(spec);
    const render =
      format === 'police-uk' ? renderStopSearchAsPoliceUk : (v: CaseRecordView) => renderTemplateRow(spec, v);
    const pages = await this.pages(actor, spec, filter);
    const { audit, dataSource } = this;
    return (async function* () {
      let rows = 0;
      let completed = false;
      try {
        yield `${csvLine(header)}\n`;
        for await (const page of pages) {
          rows += page.length;
          const extras = stopSearchTemplate
            ? await stopSearchExtras(
                dataSource,
                page.map((v) => v.id),
              )
            : null;
          yield `${page.map((v) => csvLine(extras ? renderStopSearchTemplateRow(v, extras.get(v.id)) : render(v))).join('\n')}\n`;
        }
        completed = true;
      } finally {
        await audit.record(actor, { action: `${kind}.exported`, details: { filter, rows, format, completed } });
      }
    })();
  }

  /** The filtered set in the actor's scope, oldest first, in pages (full views: exports need police scope). */
  private async pages(actor: Actor, spec: CaseKindSpec, filter: CaseFilter): Promise<AsyncGenerator<CaseRecordView[]>> {
    const { where, params } = await this.whereClause(actor, spec, filter);
    const { dataSource } = this;
    return (async function* () {
      let after: [string, string] | null = null;
      while (where !== null) {
        const w = [...where];
        const p = [...params];
        if (after) {
          p.push(after[0], after[1]);
          w.push(`(c.occurred_at, c.id) > ($${p.length - 1}::timestamptz, $${p.length}::uuid)`);
        }
        const rows = (await dataSource.query(
          `${selectFrom(spec)} ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY c.occurred_at, c.id LIMIT ${EXPORT_PAGE}`,
          p,
        )) as CaseRow[];
        if (!rows.length) break;
        yield rows.map((r) => toCaseView(spec, r, { kind: 'full' }));
        const last = rows[rows.length - 1];
        after = [last.occurred_at.toISOString(), last.id];
      }
    })();
  }

  /** One case by id ($1), locked for update if asked, with `more` select-list columns whose parameters start at $2. */
  private async read<More extends object = object>(
    q: Queryable,
    spec: CaseKindSpec,
    id: string,
    options: { lock?: boolean; more?: { sql: string; params: unknown[] } } = {},
  ): Promise<(CaseRow & More) | undefined> {
    const rows = (await q.query(
      `${selectFrom(spec, options.more?.sql)} WHERE c.id = $1${options.lock ? ' FOR UPDATE OF c' : ''}`,
      [id, ...(options.more?.params ?? [])],
    )) as (CaseRow & More)[];
    return rows[0];
  }

  /** Runs a create or replace in one transaction; a reference the force already uses answers 409 naming the field. */
  private async write(spec: CaseKindSpec, input: CaseInput, work: (m: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      if (!isUniqueViolation(error, `uq_${spec.table}_reference`)) throw error;
      throw new DomainError(
        'CONFLICT',
        `Another ${spec.noun.toLowerCase()} of this force already has reference "${input.reference}"`,
        {
          errors: [{ field: 'reference', message: 'is already used by another record of this force' }],
        },
      );
    }
  }

  /**
   * The values for writableColumns, in order. The officer is named as they are (never moved); a new one is created
   * in the writer's team (see officerForRecord); `currentOfficer` is the one a replaced record names today.
   */
  private async bind(
    m: EntityManager,
    actor: Actor,
    spec: CaseKindSpec,
    forceCode: string,
    input: CaseInput,
    currentOfficer: string | null = null,
  ): Promise<unknown[]> {
    const officerId = input.officerReference
      ? await officerForRecord(m, this.audit, actor, {
          forceCode,
          reference: input.officerReference,
          teamCode: input.teamCode,
          current: currentOfficer,
        })
      : null;
    return [
      forceCode,
      input.areaCode ?? null,
      input.occurredAt,
      input.latitude ?? null,
      input.longitude ?? null,
      officerId,
      input.teamCode ?? null,
      input.reference ?? null,
      ...spec.fields.map((f) => bindValue(f, input[f.name])),
    ];
  }

  /** WHERE clauses for a filter within the actor's scope; `where: null` when the scope is empty. */
  private async whereClause(
    actor: Actor,
    spec: CaseKindSpec,
    filter: CaseFilter,
  ): Promise<{
    where: string[] | null;
    params: unknown[];
    anyOf?: { clause: string; column: string; param: string; n: number };
  }> {
    const errors: FieldError[] = [];
    const { power, outcome, ethnicity } = spec.filters;
    for (const f of ['from', 'to'] as const)
      if (filter[f] && !MONTH.test(filter[f])) errors.push({ field: f, message: 'must be a month, YYYY-MM' });
    if (filter.from && filter.to && filter.from > filter.to)
      errors.push({ field: 'to', message: 'must not be before from' });
    if (filter.ethnicity && !(ETHNIC_GROUPS as readonly string[]).includes(filter.ethnicity))
      errors.push({ field: 'ethnicity', message: `must be one of ${ETHNIC_GROUPS.join(', ')}` });
    if (filter.basis && filter.basis !== 'self' && filter.basis !== 'officer')
      errors.push({ field: 'basis', message: 'must be self or officer' });
    if (filter.basis === 'self' && !ethnicity.self)
      errors.push({
        field: 'basis',
        message: `${spec.noun.toLowerCase()}s record only the officer's perception of ethnicity: use basis=officer`,
      });
    if (filter.power && !power)
      errors.push({ field: 'power', message: `does not apply to ${spec.noun.toLowerCase()}s` });
    else if (filter.power && !power!.vocabulary.includes(filter.power))
      errors.push({ field: 'power', message: 'is not a known power (legislation code)' });
    if (filter.outcome && !outcome.vocabulary.includes(filter.outcome))
      errors.push({ field: 'outcome', message: `must be one of ${outcome.vocabulary.join(', ')}` });
    if (errors.length) throw DomainError.validation(errors);

    const scope = this.access.scope(actor, 'c', 1, spec.kind);
    if (scope.kind === 'none') return { where: null, params: [] };
    const where: string[] = [];
    const params: unknown[] = scope.kind === 'where' ? [...scope.params] : [];
    if (scope.kind === 'where') where.push(scope.sql);
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    // Months as a range of occurred_at (the period is its Europe/London month), so the index that orders the list
    // also serves the months: a filter on the period column pairs with no index in the list's order.
    if (filter.from) where.push(`c.occurred_at >= ${londonMonthStartSql(p(`${filter.from}-01`))}`);
    if (filter.to) where.push(`c.occurred_at < ${londonMonthStartSql(p(`${filter.to}-01`), 1)}`);
    if (filter.area) {
      const area = await findArea(this.dataSource, filter.area);
      if (!area)
        throw DomainError.validation([
          { field: 'area', message: `"${filter.area}" is not a known area code or force id` },
        ]);
      if (area.level === 'force') where.push(`c.force_code = ${p(area.code)}`);
      else {
        // The area's codes are looked up first: one code is an equality the (area_code, occurred_at, id) index serves
        // in the list's order; a subquery of codes leaves the planner guessing, and it walks the whole time index.
        const codes = await areaAndDescendants(this.dataSource, area.code);
        where.push(codes.length === 1 ? `c.area_code = ${p(codes[0])}` : `c.area_code = ANY(${p(codes)}::text[])`);
      }
    }
    if (filter.power) where.push(`c.${power!.column} = ${p(filter.power)}`);
    if (filter.outcome)
      where.push(
        outcome.many ? `${p(filter.outcome)} = ANY(c.${outcome.column})` : `c.${outcome.column} = ${p(filter.outcome)}`,
      );
    if (filter.bwv !== undefined) {
      where.push(
        `${filter.bwv ? '' : 'NOT '}EXISTS (SELECT 1 FROM bwv_clip_links l WHERE l.case_kind = '${spec.kind}' AND l.case_id = c.id)`,
      );
    }
    let anyOf: { clause: string; column: string; param: string; n: number } | undefined;
    if (filter.ethnicity) {
      if ((filter.basis ?? (ethnicity.self ? 'self' : 'officer')) === 'self') {
        const codes = SELF_DEFINED_CATEGORIES.filter((c) => c.group === filter.ethnicity).map((c) => c.code);
        const param = p(codes);
        const clause = `c.${ethnicity.self} = ANY(${param}::text[])`;
        where.push(clause);
        anyOf = { clause, column: ethnicity.self!, param, n: codes.length };
      } else {
        where.push(`c.${ethnicity.officer} = ${p(filter.ethnicity)}`);
      }
    }
    return { where, params, anyOf };
  }

  /** Whether a case placed in this force and area lies within one of the actor's areas (or beneath it). */
  private async withinActorAreas(actor: Actor, force: string | null, area: string | null): Promise<boolean> {
    if (!actor.areas.length || (!force && !area)) return false;
    const [row] = (await this.dataSource.query(
      `SELECT 1 WHERE ${withinAreasSql('$1', { force: '$2::text', area: '$3::text' })}`,
      [actor.areas, force, area],
    )) as unknown[];
    return row !== undefined;
  }

  /** Checks a create or replace; answers the force's code. */
  private async validate(actor: Actor, spec: CaseKindSpec, input: CaseInput): Promise<string> {
    const errors = checkCaseInput(spec, input, 'name');
    const force = await findArea(this.dataSource, typeof input.force === 'string' ? input.force : '', { force: true });
    if (!force) errors.push({ field: 'force', message: 'is not a police force area (police.uk id or ONS code)' });
    if (input.areaCode) {
      const forceOfArea = (await areaForces(this.dataSource, [input.areaCode])).get(input.areaCode);
      if (forceOfArea === undefined)
        errors.push({ field: 'areaCode', message: 'is not a known district or local authority code' });
      else if (force && forceOfArea !== force.code)
        errors.push({ field: 'areaCode', message: `is not in ${force.name}` });
    }
    for (const link of caseLinks(spec)) {
      const id = input[link.name];
      if (typeof id !== 'string' || !isUuid(id)) continue;
      const view = (await this.access.viewsFor(actor, link.links!, [id])).get(id);
      if (view?.kind !== 'full')
        errors.push({
          field: link.name,
          message: `no ${CASE_KIND_SPECS[link.links!].noun.toLowerCase()} ${id} in your scope`,
        });
    }
    // A supervisor records cases for their own teams or areas only (or a case they could not then see would be created).
    if (
      !isPoliceWide(actor) &&
      !(input.teamCode && actor.teams.includes(input.teamCode)) &&
      !(await this.withinActorAreas(
        actor,
        force?.code ?? null,
        typeof input.areaCode === 'string' ? input.areaCode : null,
      ))
    ) {
      errors.push({
        field: 'teamCode',
        message: `must be one of your teams (${actor.teams.join(', ') || 'none'}) or give one of your areas`,
      });
    }
    if (errors.length) throw DomainError.validation(errors);
    return force!.code;
  }
}
