import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AccessService,
  CASE_KINDS,
  CASE_TABLES,
  caseColumnsSql,
  isPoliceWide,
  Permission,
  withinAreasSql,
  type Actor,
} from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isIsoDate, isUuid, type FieldError } from '@scrutiny/core';
import { DeliberationService, type ActionInput, type ActionView } from '@scrutiny/panels';
import { csvLine, findArea, ImportsService, type ImportView } from '@scrutiny/records';
import {
  disclosureStatement,
  isFlagged,
  isSuppressed,
  rateRatio,
  shownCount,
  shownProportion,
  shownRateRatio,
  wilson,
  type DisclosureStatement,
  type Interval,
} from '@scrutiny/statistics';
import { checkComplaint, type ComplaintChange, type ComplaintInput } from './complaint-input';
import {
  ENCOUNTER_REFERENCE_SQL,
  insertComplaint,
  resolveComplaints,
  writeAllegations,
  type ResolvedComplaint,
} from './complaint-store';
import { COMPLAINT_TEMPLATE_COLUMNS, COMPLAINTS_FORMAT } from './complaints-csv';
import {
  COMPLAINT_STATUSES,
  DISCRIMINATORY_BEHAVIOUR,
  ENCOUNTER_KINDS,
  IOPC_CATEGORIES,
  PROTECTED_CHARACTERISTICS,
} from './complaint-vocabularies';

export interface ComplaintView {
  id: string;
  force: { code: string; name: string };
  reference: string;
  receivedOn: string;
  loggedOn: string | null;
  finalisedOn: string | null;
  status: 'open' | 'finalised';
  /** Days from received to finalised; null while open. */
  daysToFinalise: number | null;
  handling: string | null;
  /** Null for supervisors: they see complaints about their officers' encounters without the complainant. */
  complainant: {
    reference: string | null;
    ethnicity: string | null;
    sex: string | null;
    ageBand: string | null;
  } | null;
  themes: string[];
  allegations: {
    id: string;
    position: number;
    category: string;
    subCategory: string;
    characteristic: string | null;
    officers: { id: string; reference: string; teamCode: string | null }[];
    encounter: { kind: string; id: string; reference: string | null } | null;
    outcome: string | null;
  }[];
  /** Actions its outcome raised ("you said, we did"); null for supervisors. */
  actions: { id: string; kind: string; status: string; dueOn: string }[] | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ComplaintFilter {
  force?: string;
  /** Received on or after this day, and on or before `to` (YYYY-MM-DD). */
  from?: string;
  to?: string;
  category?: string;
  characteristic?: string;
  /** An officer by reference (or id). */
  officer?: string;
  team?: string;
  status?: string;
  encounterKind?: string;
  encounterId?: string;
  cursor?: string;
  limit?: number;
}

export interface ComplaintPage {
  items: ComplaintView[];
  nextCursor: string | null;
  total: number;
}

export interface ComplaintSummary {
  from: string;
  to: string;
  force: { code: string; name: string } | null;
  /** force: every complaint of the force(s); teams: those about the caller's teams' officers or encounters. */
  scope: 'all' | 'teams';
  disclosure: DisclosureStatement;
  complaints: number | null;
  allegations: number | null;
  finalised: number | null;
  byCategory: { category: string; allegations: number | null }[];
  discrimination: { characteristic: string; allegations: number | null }[];
  handling: { handling: string | null; complaints: number | null }[];
  outcomes: { outcome: string | null; allegations: number | null }[];
}

export interface ComplaintRatesGroup {
  group: string;
  searches: number | null;
  complaints: number | null;
  ratePer1000: number | null;
  ci95: Interval | null;
  rateRatio: number | null;
  ratioCi95: Interval | null;
  method: 'log' | 'exact' | null;
  significant: boolean;
  suppressed: boolean;
  flagged: boolean;
}

export interface ComplaintRates {
  measure: string;
  area: { code: string; name: string };
  months: { from: string; to: string };
  basis: 'self';
  comparator: 'white';
  disclosure: DisclosureStatement;
  groups: ComplaintRatesGroup[];
  notStated: { searches: number | null; complaints: number | null };
}

/** One complaint allegation about an officer, as the repeat-concern rule reads it. */
export interface ComplaintCase {
  complaintId: string;
  complaintReference: string;
  receivedOn: string;
  officerId: string | null;
  officerRef: string | null;
  team: string | null;
  /** The encounter it arises from: one case with any rating of that encounter. */
  caseKind: string | null;
  caseId: string | null;
}

/** The raw facts of a quarterly review window, which the themes lib compares across quarters. */
export interface ComplaintFacts {
  complaints: {
    id: string;
    receivedOn: string;
    finalisedOn: string | null;
    handling: string | null;
    themes: string[];
  }[];
  allegations: {
    complaintId: string;
    receivedOn: string;
    finalisedOn: string | null;
    category: string;
    subCategory: string;
    characteristic: string | null;
    encounterKind: string | null;
    /** The power: a stop search's legislation, s163 for a vehicle stop, null for use of force. */
    power: string | null;
    outcome: string | null;
  }[];
}

const VIEW_SQL = `
  SELECT c.id, c.force_code, ar.name AS force_name, c.reference, to_char(c.received_on, 'YYYY-MM-DD') AS received_on,
    to_char(c.logged_on, 'YYYY-MM-DD') AS logged_on, to_char(c.finalised_on, 'YYYY-MM-DD') AS finalised_on,
    (c.finalised_on - c.received_on) AS days, c.handling, c.complainant_reference, c.complainant_ethnicity, c.complainant_sex,
    c.complainant_age_band, c.themes, c.version, c.created_at, c.updated_at
  FROM complaints c JOIN areas ar ON ar.code = c.force_code WHERE c.id = ANY($1::uuid[])`;

const ALLEGATIONS_SQL = `
  SELECT al.id, al.complaint_id, al.position, al.category, al.sub_category, al.characteristic, al.encounter_kind, al.encounter_id,
    al.outcome, ${ENCOUNTER_REFERENCE_SQL} AS encounter_reference,
    (SELECT coalesce(json_agg(json_build_object('id', o.id, 'reference', o.reference, 'teamCode', o.team_code) ORDER BY o.reference), '[]')
     FROM complaint_allegation_officers ao JOIN officers o ON o.id = ao.officer_id WHERE ao.allegation_id = al.id) AS officers
  FROM complaint_allegations al WHERE al.complaint_id = ANY($1::uuid[]) ORDER BY al.complaint_id, al.position`;

const LIST_MAX = 200;

/** The power an encounter was under, in SQL over an allegation aliased `al`. */
const POWER_SQL = `CASE al.encounter_kind
    WHEN 'stop_search' THEN (SELECT s.legislation FROM stop_searches s WHERE s.id = al.encounter_id)
    WHEN 'vehicle_stop' THEN 'road_traffic_act_s163' END`;

/**
 * The complaints register (domain §8). Professional standards record, correct, import, export and read everything;
 * supervisors read the complaints arising from encounters in their scope, without the complainant; everyone else
 * reads counts only (the summary and the rates, under the disclosure rule without `stats:unsuppressed`). Every read
 * and change is audited.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly deliberation: DeliberationService,
    private readonly imports: ImportsService,
  ) {}

  async create(actor: Actor, input: ComplaintInput): Promise<ComplaintView> {
    const force = await this.force(input.force);
    const resolved = await this.checked(input, force.code);
    const id = await this.dataSource.transaction(async (m) => {
      const [taken] = (await m.query(`SELECT 1 FROM complaints WHERE force_code = $1 AND reference = $2`, [
        force.code,
        resolved.reference,
      ])) as unknown[];
      if (taken)
        throw DomainError.validation([
          { field: 'reference', message: `complaint ${resolved.reference} is already recorded for this force` },
        ]);
      const created = await insertComplaint(m, force.code, resolved, {
        source: 'api',
        importId: null,
        createdBy: actor.id,
      });
      await this.audit.record(
        actor,
        { action: 'complaint.created', target: { type: 'complaint', id: created }, after: auditable(resolved) },
        m,
      );
      return created;
    });
    return (await this.views(actor, [id]))[0];
  }

  /** A correction: the fields sent replace the stored ones (allegations as a whole); optimistic locking by `version`. */
  async update(actor: Actor, id: string, change: ComplaintChange): Promise<ComplaintView> {
    const before = await this.readable(actor, id);
    if (!Number.isInteger(change.version)) throw DomainError.validation([{ field: 'version', message: 'is required' }]);
    const merged: ComplaintInput = {
      force: before.force.code,
      reference: change.reference ?? before.reference,
      receivedOn: change.receivedOn ?? before.receivedOn,
      loggedOn: change.loggedOn !== undefined ? change.loggedOn : before.loggedOn,
      finalisedOn: change.finalisedOn !== undefined ? change.finalisedOn : before.finalisedOn,
      handling: change.handling !== undefined ? change.handling : before.handling,
      complainant: change.complainant !== undefined ? change.complainant : before.complainant,
      themes: change.themes ?? before.themes,
      allegations:
        change.allegations ??
        before.allegations.map((a) => ({
          category: a.category,
          subCategory: a.subCategory,
          characteristic: a.characteristic,
          officerReferences: a.officers.map((o) => o.reference),
          encounter: a.encounter && { kind: a.encounter.kind, id: a.encounter.id },
          outcome: a.outcome,
        })),
    };
    const resolved = await this.checked(merged, before.force.code, true);
    await this.dataSource.transaction(async (m) => {
      const [, changed] = (await m.query(
        `UPDATE complaints SET reference = $3, received_on = $4, logged_on = $5, finalised_on = $6, handling = $7,
           complainant_reference = $8, complainant_ethnicity = $9, complainant_sex = $10, complainant_age_band = $11,
           themes = $12::text[], updated_at = now(), version = version + 1
         WHERE id = $1 AND version = $2`,
        [
          id,
          change.version,
          resolved.reference,
          resolved.receivedOn,
          resolved.loggedOn,
          resolved.finalisedOn,
          resolved.handling,
          resolved.complainant.reference,
          resolved.complainant.ethnicity,
          resolved.complainant.sex,
          resolved.complainant.ageBand,
          resolved.themes,
        ],
      )) as [unknown, number];
      if (!changed)
        throw new DomainError(
          'VERSION_CONFLICT',
          `Complaint ${id} was changed by someone else (version ${before.version}, you sent ${change.version}); reload and try again`,
          { extensions: { currentVersion: before.version } },
        );
      if (change.allegations) await writeAllegations(m, id, resolved);
      await this.audit.record(
        actor,
        {
          action: 'complaint.updated',
          target: { type: 'complaint', id },
          before: { ...before, actions: undefined },
          after: auditable(resolved),
        },
        m,
      );
    });
    return (await this.views(actor, [id]))[0];
  }

  async get(actor: Actor, id: string): Promise<ComplaintView> {
    const view = await this.readable(actor, id);
    await this.audit.record(actor, {
      action: 'complaint.viewed',
      target: { type: 'complaint', id },
      details: { view: view.complainant ? 'full' : 'without_complainant' },
    });
    return view;
  }

  /** Newest received first, by keyset over (received_on, id); filters; the total of matches. */
  async list(actor: Actor, filter: ComplaintFilter): Promise<ComplaintPage> {
    const { where, params } = await this.filterSql(actor, filter);
    let after: [string, string] | null = null;
    if (filter.cursor !== undefined) {
      try {
        const [day, id] = JSON.parse(Buffer.from(filter.cursor, 'base64url').toString()) as [string, string];
        if (!isIsoDate(day) || !isUuid(id)) throw new Error('bad cursor');
        after = [day, id];
      } catch {
        throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
      }
    }
    const matching = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM complaints c ${matching}`,
      params,
    )) as { total: number }[];
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), LIST_MAX);
    const page = [...where];
    const pageParams = [...params];
    if (after) {
      pageParams.push(after[0], after[1]);
      page.push(`(c.received_on, c.id) < ($${pageParams.length - 1}::date, $${pageParams.length}::uuid)`);
    }
    pageParams.push(limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT c.id, to_char(c.received_on, 'YYYY-MM-DD') AS received_on FROM complaints c ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
       ORDER BY c.received_on DESC, c.id DESC LIMIT $${pageParams.length}`,
      pageParams,
    )) as { id: string; received_on: string }[];
    const shown = rows.slice(0, limit);
    const items = await this.views(
      actor,
      shown.map((r) => r.id),
    );
    const last = shown[shown.length - 1];
    await this.audit.record(actor, {
      action: 'complaints.listed',
      details: { filter: { ...filter, cursor: filter.cursor ?? null }, ids: items.map((i) => i.id) },
    });
    return {
      items,
      total,
      nextCursor:
        rows.length > limit ? Buffer.from(JSON.stringify([last.received_on, last.id])).toString('base64url') : null,
    };
  }

  /** The filtered complaints as the CSV template (one line per allegation), which imports back as duplicates. */
  async exportCsv(actor: Actor, filter: ComplaintFilter): Promise<string> {
    const { where, params } = await this.filterSql(actor, filter);
    const ids = (
      (await this.dataSource.query(
        `SELECT c.id FROM complaints c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.received_on, c.reference`,
        params,
      )) as { id: string }[]
    ).map((r) => r.id);
    const views = await this.views(actor, ids);
    const lines = [COMPLAINT_TEMPLATE_COLUMNS.join(',')];
    for (const v of views)
      for (const a of v.allegations)
        lines.push(
          csvLine([
            v.reference,
            v.receivedOn,
            v.loggedOn ?? '',
            v.finalisedOn ?? '',
            v.handling ?? '',
            v.complainant?.reference ?? '',
            v.complainant?.ethnicity ?? '',
            v.complainant?.sex ?? '',
            v.complainant?.ageBand ?? '',
            v.themes.join(';'),
            a.category,
            a.subCategory,
            a.characteristic ?? '',
            a.officers.map((o) => o.reference).join(';'),
            a.encounter?.kind ?? '',
            a.encounter ? (a.encounter.reference ?? a.encounter.id) : '',
            a.outcome ?? '',
          ]),
        );
    await this.audit.record(actor, {
      action: 'complaints.exported',
      details: { filter: { ...filter, cursor: null }, count: views.length },
    });
    return `${lines.join('\n')}\n`;
  }

  /** Queues a complaints CSV through the records' import pipeline (per-line errors, all or nothing, idempotent). */
  queueImport(actor: Actor, input: { force: string; filename: string; content: Buffer }): Promise<ImportView> {
    return this.imports.queueUpload({ ...input, format: COMPLAINTS_FORMAT }, actor);
  }

  /** A complaints import (others' imports answer 404 here). */
  async importOf(actor: Actor, id: string): Promise<ImportView> {
    if (!isUuid(id)) throw DomainError.notFound('Import', id);
    const [row] = (await this.dataSource.query(`SELECT 1 FROM imports WHERE id = $1 AND format = $2`, [
      id,
      COMPLAINTS_FORMAT,
    ])) as unknown[];
    if (!row) throw DomainError.notFound('Import', id);
    return this.imports.get(actor, id);
  }

  /** An action raised from a complaint's outcome: it joins the "you said, we did" tracker. */
  async raiseAction(actor: Actor, id: string, input: ActionInput): Promise<ActionView> {
    const complaint = await this.readable(actor, id);
    return this.deliberation.raiseComplaintAction(actor, complaint.id, input);
  }

  /** Counts for a period: all (professional standards, analysts under the disclosure rule) or the caller's teams. */
  async summary(actor: Actor, q: { from?: string; to?: string; force?: string }): Promise<ComplaintSummary> {
    const errors: FieldError[] = [];
    for (const f of ['from', 'to'] as const)
      if (!q[f] || !isIsoDate(q[f])) errors.push({ field: f, message: 'must be a date like 2024-03-31' });
    if (!errors.length && q.from! > q.to!) errors.push({ field: 'to', message: 'must not be before from' });
    if (errors.length) throw DomainError.validation(errors);
    const force = q.force ? await this.force(q.force) : null;
    const params: unknown[] = [q.from, q.to, force?.code ?? null];
    const teams = !isPoliceWide(actor) && !actor.roles.includes('analyst');
    const scope = teams ? this.teamScopeSql(actor, 'c', params) : null;
    const base = `FROM complaints c WHERE c.received_on >= $1::date AND c.received_on <= $2::date AND ($3::text IS NULL OR c.force_code = $3)${scope ? ` AND ${scope}` : ''}`;
    const one = async <T>(sql: string) => (await this.dataSource.query(sql, params)) as T[];
    const [totals] = await one<{ complaints: number; allegations: number; finalised: number }>(
      `SELECT count(*)::int AS complaints, count(*) FILTER (WHERE c.finalised_on IS NOT NULL)::int AS finalised,
         (SELECT count(*)::int FROM complaint_allegations al WHERE al.complaint_id IN (SELECT c.id ${base})) AS allegations ${base}`,
    );
    const byCategory = await one<{ category: string; n: number }>(
      `SELECT al.category, count(*)::int AS n FROM complaint_allegations al WHERE al.complaint_id IN (SELECT c.id ${base}) GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    const discrimination = await one<{ characteristic: string; n: number }>(
      `SELECT al.characteristic, count(*)::int AS n FROM complaint_allegations al WHERE al.category = '${DISCRIMINATORY_BEHAVIOUR}' AND al.complaint_id IN (SELECT c.id ${base}) GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    const handling = await one<{ handling: string | null; n: number }>(
      `SELECT c.handling, count(*)::int AS n ${base} GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    const outcomes = await one<{ outcome: string | null; n: number }>(
      `SELECT al.outcome, count(*)::int AS n FROM complaint_allegations al WHERE al.complaint_id IN (SELECT c.id ${base}) GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    const applied = !actor.permissions.has(Permission.STATS_UNSUPPRESSED);
    const n = (v: number) => (applied ? shownCount(v) : v);
    const summary: ComplaintSummary = {
      from: q.from!,
      to: q.to!,
      force: force && { code: force.code, name: force.name },
      scope: teams ? 'teams' : 'all',
      disclosure: disclosureStatement(applied),
      complaints: n(totals.complaints),
      allegations: n(totals.allegations),
      finalised: n(totals.finalised),
      byCategory: byCategory.map((r) => ({ category: r.category, allegations: n(r.n) })),
      discrimination: discrimination.map((r) => ({ characteristic: r.characteristic, allegations: n(r.n) })),
      handling: handling.map((r) => ({ handling: r.handling, complaints: n(r.n) })),
      outcomes: outcomes.map((r) => ({ outcome: r.outcome, allegations: n(r.n) })),
    };
    await this.audit.record(actor, {
      action: 'complaints.summary_viewed',
      details: { from: q.from, to: q.to, force: force?.code ?? null, scope: summary.scope, disclosure: applied },
    });
    return summary;
  }

  /**
   * Complaints alleging race discrimination that arise from a stop search, per 1,000 searches of each ethnic group
   * (self-defined, five groups), with Wilson intervals, and the ratio to White with the statistics lib's interval
   * (exact under 20). Searches of the months and area; complaints counted by the group of the search they arise from.
   */
  async disproportionality(actor: Actor, q: { from?: string; to?: string; area?: string }): Promise<ComplaintRates> {
    const errors: FieldError[] = [];
    for (const f of ['from', 'to'] as const)
      if (!q[f] || !/^\d{4}-(0[1-9]|1[0-2])$/.test(q[f]))
        errors.push({ field: f, message: 'must be a month like 2024-04' });
    if (!q.area) errors.push({ field: 'area', message: 'is required (a force or area: police.uk id or ONS code)' });
    if (!errors.length && q.from! > q.to!) errors.push({ field: 'to', message: 'must not be before from' });
    if (errors.length) throw DomainError.validation(errors);
    const area = await findArea(this.dataSource, q.area!);
    if (!area) throw DomainError.validation([{ field: 'area', message: `"${q.area}" is not an area we know` }]);
    const rows = (await this.dataSource.query(
      `WITH s AS (
         SELECT s.id, coalesce(ethnic_group_of(s.self_defined_ethnicity), 'not_stated') AS grp FROM stop_searches s
         WHERE s.period >= ($1 || '-01')::date AND s.period <= ($2 || '-01')::date AND ${withinAreasSql('$3', { force: 's.force_code', area: 's.area_code' })})
       SELECT s.grp, count(*)::int AS searches,
         (SELECT count(DISTINCT (al.complaint_id))::int FROM complaint_allegations al JOIN s s2 ON s2.id = al.encounter_id
          WHERE al.encounter_kind = 'stop_search' AND al.category = '${DISCRIMINATORY_BEHAVIOUR}' AND al.characteristic = 'race' AND s2.grp = s.grp) AS complaints
       FROM s GROUP BY s.grp`,
      [q.from, q.to, [area.code]],
    )) as { grp: string; searches: number; complaints: number }[];
    const of = (g: string) => rows.find((r) => r.grp === g) ?? { grp: g, searches: 0, complaints: 0 };
    const applied = !actor.permissions.has(Permission.STATS_UNSUPPRESSED);
    const white = of('white');
    const groups = ['asian', 'black', 'mixed', 'other', 'white'].map((g): ComplaintRatesGroup => {
      const r = of(g);
      if (applied) {
        const p = shownProportion(r.complaints, r.searches);
        const ratio = g === 'white' ? null : shownRateRatio(r.complaints, r.searches, white.complaints, white.searches);
        return {
          group: g,
          searches: shownCount(r.searches),
          complaints: shownCount(r.complaints),
          ratePer1000: p?.rate == null ? null : p.rate * 1000,
          ci95: p?.ci95 ? { lower: p.ci95.lower * 1000, upper: p.ci95.upper * 1000 } : null,
          rateRatio: ratio?.ratio ?? null,
          ratioCi95: ratio?.ci95 ?? null,
          method: ratio?.method ?? null,
          significant: ratio?.significant ?? false,
          suppressed: shownCount(r.complaints) === null,
          flagged: isFlagged(r.complaints),
        };
      }
      const ci = r.searches ? wilson(r.complaints, r.searches) : null;
      const ratio = g === 'white' ? null : rateRatio(r.complaints, r.searches, white.complaints, white.searches);
      return {
        group: g,
        searches: r.searches,
        complaints: r.complaints,
        ratePer1000: r.searches ? (1000 * r.complaints) / r.searches : null,
        ci95: ci && { lower: ci.lower * 1000, upper: ci.upper * 1000 },
        rateRatio: ratio?.ratio ?? null,
        ratioCi95: ratio?.ci95 ?? null,
        method: ratio?.method ?? null,
        significant: ratio?.significant ?? false,
        suppressed: isSuppressed(r.complaints),
        flagged: isFlagged(r.complaints),
      };
    });
    const ns = of('not_stated');
    const result: ComplaintRates = {
      measure: 'complaints alleging race discrimination arising from stop and search, per 1,000 searches',
      area: { code: area.code, name: area.name },
      months: { from: q.from!, to: q.to! },
      basis: 'self',
      comparator: 'white',
      disclosure: disclosureStatement(applied),
      groups,
      notStated: {
        searches: applied ? shownCount(ns.searches) : ns.searches,
        complaints: applied ? shownCount(ns.complaints) : ns.complaints,
      },
    };
    await this.audit.record(actor, {
      action: 'complaints.disproportionality_viewed',
      details: { area: area.code, from: q.from, to: q.to, disclosure: applied },
    });
    return result;
  }

  /** The complaints and allegations of a review's window (`from` to before `to`), and those finalised in it. */
  async facts(window: { from: string; to: string }, force: string | null): Promise<ComplaintFacts> {
    const params = [window.from, window.to, force];
    const inWindow = `((c.received_on >= $1::date AND c.received_on < $2::date) OR (c.finalised_on >= $1::date AND c.finalised_on < $2::date))
      AND ($3::text IS NULL OR c.force_code = $3)`;
    const complaints = (await this.dataSource.query(
      `SELECT c.id, to_char(c.received_on, 'YYYY-MM-DD') AS received_on, to_char(c.finalised_on, 'YYYY-MM-DD') AS finalised_on, c.handling, c.themes
       FROM complaints c WHERE ${inWindow}`,
      params,
    )) as { id: string; received_on: string; finalised_on: string | null; handling: string | null; themes: string[] }[];
    const allegations = (await this.dataSource.query(
      `SELECT al.complaint_id, to_char(c.received_on, 'YYYY-MM-DD') AS received_on, to_char(c.finalised_on, 'YYYY-MM-DD') AS finalised_on,
         al.category, al.sub_category, al.characteristic, al.encounter_kind, ${POWER_SQL} AS power, al.outcome
       FROM complaint_allegations al JOIN complaints c ON c.id = al.complaint_id WHERE ${inWindow}`,
      params,
    )) as {
      complaint_id: string;
      received_on: string;
      finalised_on: string | null;
      category: string;
      sub_category: string;
      characteristic: string | null;
      encounter_kind: string | null;
      power: string | null;
      outcome: string | null;
    }[];
    return {
      complaints: complaints.map((c) => ({
        id: c.id,
        receivedOn: c.received_on,
        finalisedOn: c.finalised_on,
        handling: c.handling,
        themes: c.themes,
      })),
      allegations: allegations.map((a) => ({
        complaintId: a.complaint_id,
        receivedOn: a.received_on,
        finalisedOn: a.finalised_on,
        category: a.category,
        subCategory: a.sub_category,
        characteristic: a.characteristic,
        encounterKind: a.encounter_kind,
        power: a.power,
        outcome: a.outcome,
      })),
    };
  }

  /** Each officer an allegation received in the window names, with the encounter it arises from (repeat concerns). */
  async concernCases(window: { from: string; to: string }, force: string | null): Promise<ComplaintCase[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT c.id AS complaint_id, c.reference, to_char(c.received_on, 'YYYY-MM-DD') AS received_on, o.id AS officer_id,
         o.reference AS officer_ref, coalesce(e.team_code, o.team_code) AS team, al.encounter_kind, al.encounter_id
       FROM complaints c JOIN complaint_allegations al ON al.complaint_id = c.id
       LEFT JOIN complaint_allegation_officers ao ON ao.allegation_id = al.id LEFT JOIN officers o ON o.id = ao.officer_id
       LEFT JOIN LATERAL (${caseColumnsSql('al.encounter_kind', 'al.encounter_id', 'team_code')}) e ON true
       WHERE c.received_on >= $1::date AND c.received_on < $2::date AND ($3::text IS NULL OR c.force_code = $3)`,
      [window.from, window.to, force],
    )) as {
      complaint_id: string;
      reference: string;
      received_on: string;
      officer_id: string | null;
      officer_ref: string | null;
      team: string | null;
      encounter_kind: string | null;
      encounter_id: string | null;
    }[];
    return rows.map((r) => ({
      complaintId: r.complaint_id,
      complaintReference: r.reference,
      receivedOn: r.received_on,
      officerId: r.officer_id,
      officerRef: r.officer_ref,
      team: r.team,
      caseKind: r.encounter_kind,
      caseId: r.encounter_id,
    }));
  }

  // ---- internals ----

  private async force(key: string): Promise<{ code: string; name: string }> {
    const force = await findArea(this.dataSource, key, { force: true });
    if (!force)
      throw DomainError.validation([
        { field: 'force', message: `"${key}" is not a police force area (police.uk id or ONS code)` },
      ]);
    return force;
  }

  private async checked(input: ComplaintInput, forceCode: string, keepThemes = false): Promise<ResolvedComplaint> {
    const result = checkComplaint(input);
    if ('errors' in result) throw DomainError.validation(result.errors);
    // A correction may keep a theme retired since it was tagged; a new one must be current.
    const themes = result.complaint.themes;
    const { resolved, errors } = await resolveComplaints(this.dataSource, forceCode, [
      keepThemes ? { ...result.complaint, themes: [] } : result.complaint,
    ]);
    if (errors[0].length) throw DomainError.validation(errors[0]);
    return { ...resolved[0]!, themes };
  }

  /** The complaint as the actor may see it, or 404 (missing or outside their scope alike). */
  private async readable(actor: Actor, id: string): Promise<ComplaintView> {
    if (!isUuid(id)) throw DomainError.notFound('Complaint', id);
    const params: unknown[] = [id];
    const scope = this.scopeSql(actor, 'c', params);
    const [row] = (await this.dataSource.query(
      `SELECT c.id FROM complaints c WHERE c.id = $1${scope ? ` AND ${scope}` : ''}`,
      params,
    )) as { id: string }[];
    if (!row) throw DomainError.notFound('Complaint', id);
    return (await this.views(actor, [row.id]))[0];
  }

  /**
   * Which complaints the actor may read, as SQL over `alias` (null: all). Professional standards read all; a
   * supervisor those with an allegation arising from an encounter in their case scope (the access service's rule).
   */
  private scopeSql(actor: Actor, alias: string, params: unknown[]): string | null {
    if (isPoliceWide(actor) && actor.permissions.has(Permission.COMPLAINTS_READ)) return null;
    const encounters = this.encounterScope(actor, 'sa', params);
    return encounters
      ? `EXISTS (SELECT 1 FROM complaint_allegations sa WHERE sa.complaint_id = ${alias}.id AND ${encounters})`
      : 'false';
  }

  /** A supervisor's counts: complaints naming an officer of their teams, or arising from an encounter in their scope. */
  private teamScopeSql(actor: Actor, alias: string, params: unknown[]): string {
    const encounters = this.encounterScope(actor, 'sa', params);
    params.push(actor.teams);
    return `EXISTS (SELECT 1 FROM complaint_allegations sa LEFT JOIN complaint_allegation_officers so ON so.allegation_id = sa.id
      LEFT JOIN officers oo ON oo.id = so.officer_id WHERE sa.complaint_id = ${alias}.id
      AND (oo.team_code = ANY($${params.length}::text[])${encounters ? ` OR ${encounters}` : ''}))`;
  }

  private encounterScope(actor: Actor, alias: string, params: unknown[]): string | null {
    if (!actor.roles.includes('supervisor')) return null;
    const supervisor: Actor = { ...actor, roles: ['supervisor'] };
    const parts: string[] = [];
    for (const kind of CASE_KINDS) {
      const s = this.access.scope(supervisor, 'x', params.length + 1, kind);
      if (s.kind === 'none') continue;
      const sql = s.kind === 'all' ? 'true' : s.sql;
      if (s.kind === 'where') params.push(...s.params);
      parts.push(
        `(${alias}.encounter_kind = '${kind}' AND EXISTS (SELECT 1 FROM ${CASE_TABLES[kind]} x WHERE x.id = ${alias}.encounter_id AND ${sql}))`,
      );
    }
    return parts.length ? `(${parts.join(' OR ')})` : null;
  }

  private async filterSql(actor: Actor, filter: ComplaintFilter): Promise<{ where: string[]; params: unknown[] }> {
    const errors: FieldError[] = [];
    for (const f of ['from', 'to'] as const)
      if (filter[f] !== undefined && !isIsoDate(filter[f]))
        errors.push({ field: f, message: 'must be a date like 2024-03-31' });
    if (!errors.length && filter.from && filter.to && filter.from > filter.to)
      errors.push({ field: 'to', message: 'must not be before from' });
    if (filter.category !== undefined && !Object.hasOwn(IOPC_CATEGORIES, filter.category))
      errors.push({ field: 'category', message: `must be one of: ${Object.keys(IOPC_CATEGORIES).join(', ')}` });
    if (
      filter.characteristic !== undefined &&
      !(PROTECTED_CHARACTERISTICS as readonly string[]).includes(filter.characteristic)
    )
      errors.push({ field: 'characteristic', message: `must be one of: ${PROTECTED_CHARACTERISTICS.join(', ')}` });
    if (filter.status !== undefined && !(COMPLAINT_STATUSES as readonly string[]).includes(filter.status))
      errors.push({ field: 'status', message: `must be one of: ${COMPLAINT_STATUSES.join(', ')}` });
    if (filter.encounterKind !== undefined && !(ENCOUNTER_KINDS as readonly string[]).includes(filter.encounterKind))
      errors.push({ field: 'encounterKind', message: `must be one of: ${ENCOUNTER_KINDS.join(', ')}` });
    if (filter.encounterId !== undefined && !isUuid(filter.encounterId))
      errors.push({ field: 'encounterId', message: 'must be a record id (uuid)' });
    if (errors.length) throw DomainError.validation(errors);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const scope = this.scopeSql(actor, 'c', params);
    if (scope) where.push(scope);
    if (filter.force) where.push(`c.force_code = ${p((await this.force(filter.force)).code)}`);
    if (filter.from) where.push(`c.received_on >= ${p(filter.from)}::date`);
    if (filter.to) where.push(`c.received_on <= ${p(filter.to)}::date`);
    if (filter.status === 'open') where.push(`c.finalised_on IS NULL`);
    if (filter.status === 'finalised') where.push(`c.finalised_on IS NOT NULL`);
    if (filter.category || filter.characteristic) {
      const same: string[] = [];
      if (filter.category) same.push(`fa.category = ${p(filter.category)}`);
      if (filter.characteristic) same.push(`fa.characteristic = ${p(filter.characteristic)}`);
      where.push(
        `EXISTS (SELECT 1 FROM complaint_allegations fa WHERE fa.complaint_id = c.id AND ${same.join(' AND ')})`,
      );
    }
    if (filter.officer) {
      const o = p(filter.officer);
      where.push(`EXISTS (SELECT 1 FROM complaint_allegations fa JOIN complaint_allegation_officers fo ON fo.allegation_id = fa.id
        JOIN officers oo ON oo.id = fo.officer_id WHERE fa.complaint_id = c.id AND (oo.reference = ${o} OR oo.id::text = lower(${o})))`);
    }
    if (filter.team) {
      const t = p(filter.team);
      where.push(`EXISTS (SELECT 1 FROM complaint_allegations fa LEFT JOIN complaint_allegation_officers fo ON fo.allegation_id = fa.id
        LEFT JOIN officers oo ON oo.id = fo.officer_id WHERE fa.complaint_id = c.id AND (oo.team_code = ${t}
        OR EXISTS (SELECT 1 FROM (${caseColumnsSql('fa.encounter_kind', 'fa.encounter_id', 'team_code')}) e WHERE e.team_code = ${t})))`);
    }
    if (filter.encounterKind || filter.encounterId) {
      const same: string[] = [];
      if (filter.encounterKind) same.push(`fa.encounter_kind = ${p(filter.encounterKind)}`);
      if (filter.encounterId) same.push(`fa.encounter_id = ${p(filter.encounterId.toLowerCase())}::uuid`);
      where.push(
        `EXISTS (SELECT 1 FROM complaint_allegations fa WHERE fa.complaint_id = c.id AND ${same.join(' AND ')})`,
      );
    }
    return { where, params };
  }

  /** Views of complaints in the order of `ids`: in full, or for a supervisor without the complainant and actions. */
  private async views(actor: Actor, ids: string[]): Promise<ComplaintView[]> {
    if (!ids.length) return [];
    const full = isPoliceWide(actor) && actor.permissions.has(Permission.COMPLAINTS_READ);
    const rows = (await this.dataSource.query(VIEW_SQL, [ids])) as Record<string, unknown>[];
    const allegations = (await this.dataSource.query(ALLEGATIONS_SQL, [ids])) as Record<string, unknown>[];
    const actions = full
      ? ((await this.dataSource.query(
          `SELECT id, complaint_id, kind, status, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM finding_actions WHERE complaint_id = ANY($1::uuid[]) ORDER BY due_on, id`,
          [ids],
        )) as { id: string; complaint_id: string; kind: string; status: string; due_on: string }[])
      : [];
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.flatMap((id): ComplaintView[] => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        {
          id,
          force: { code: r.force_code as string, name: r.force_name as string },
          reference: r.reference as string,
          receivedOn: r.received_on as string,
          loggedOn: r.logged_on as string | null,
          finalisedOn: r.finalised_on as string | null,
          status: r.finalised_on ? 'finalised' : 'open',
          daysToFinalise: (r.days as number | null) ?? null,
          handling: r.handling as string | null,
          complainant: full
            ? {
                reference: r.complainant_reference as string | null,
                ethnicity: r.complainant_ethnicity as string | null,
                sex: r.complainant_sex as string | null,
                ageBand: r.complainant_age_band as string | null,
              }
            : null,
          themes: r.themes as string[],
          allegations: allegations
            .filter((a) => a.complaint_id === id)
            .map((a) => ({
              id: a.id as string,
              position: a.position as number,
              category: a.category as string,
              subCategory: a.sub_category as string,
              characteristic: a.characteristic as string | null,
              officers: a.officers as { id: string; reference: string; teamCode: string | null }[],
              encounter: a.encounter_kind
                ? {
                    kind: a.encounter_kind as string,
                    id: a.encounter_id as string,
                    reference: (a.encounter_reference as string | null) ?? null,
                  }
                : null,
              outcome: a.outcome as string | null,
            })),
          actions: full
            ? actions
                .filter((a) => a.complaint_id === id)
                .map((a) => ({ id: a.id, kind: a.kind, status: a.status, dueOn: a.due_on }))
            : null,
          version: r.version as number,
          createdAt: (r.created_at as Date).toISOString(),
          updatedAt: (r.updated_at as Date).toISOString(),
        },
      ];
    });
  }
}

/** What the audit keeps of a complaint written: its fields, officers by id. */
function auditable(c: ResolvedComplaint): Record<string, unknown> {
  return { ...c };
}
