import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Permission, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, type FieldError, isUuid, MONTH, parseQuarter, quarterName, quarterStart } from '@scrutiny/core';
import {
  areaAndDescendantsSql,
  ETHNIC_GROUPS,
  ETHNIC_GROUP_LABEL,
  findArea,
  inAreaSql,
  LEGISLATION,
  UOF_TACTICS,
  type EthnicGroup,
} from '@scrutiny/records';
import { DISPROPORTIONALITY_FINDING_STATUSES, type DisproportionalityFindingStatus } from './statistics.entities';
import { periodBuckets, type TrendInterval, TREND_INTERVALS } from './periods';
import {
  funnelLimits,
  isFlagged,
  isSuppressed,
  notStatedBounds,
  proportionRatio,
  ratePer1000,
  rateRatio,
  wilson,
  Z95,
  type Interval,
} from './calculators';

export const STAT_KINDS = ['stop-search', 'strip-search', 'vehicle-stop', 'use-of-force'] as const;
export type StatKind = (typeof STAT_KINDS)[number];

export interface DisproportionalityQuery {
  from?: string;
  to?: string;
  /** Force (police.uk id or ONS code), district or local authority code. */
  area?: string;
  kind?: string;
  basis?: string;
  power?: string;
  /** Use of force: one tactic's uses instead of the reports. */
  tactic?: string;
  comparator?: string;
}

interface Resolved {
  from: string;
  to: string;
  area: { code: string; name: string; level: string };
  kind: StatKind;
  basis: 'self' | 'officer';
  power: string | null;
  tactic: string | null;
  comparator: EthnicGroup;
}

export interface GroupFigures {
  group: EthnicGroup;
  count: number | null;
  population: number;
  ratePer1000: number | null;
  rateRatio: number | null;
  ci95: Interval | null;
  method: 'log' | 'exact' | null;
  significant: boolean;
  suppressed: boolean;
  flagged: boolean;
}

export interface DisproportionalityResult {
  query: Resolved;
  comparator: string;
  groups: GroupFigures[];
  notStated: {
    count: number | null;
    suppressed: boolean;
    rateRatioBounds: Partial<Record<EthnicGroup, Interval | null>>;
  };
  total: number | null;
  populationSource: { censusYear: number; source: string; area: string } | null;
  /** Figures under 10 are withheld (external panels, analysts); under 20 flagged. */
  suppression: 'applied' | 'flags only';
}

const KIND_OF: Record<StatKind, string> = {
  'stop-search': 'stop_search',
  'strip-search': 'stop_search',
  'vehicle-stop': 'vehicle_stop',
  'use-of-force': 'use_of_force',
};

/** Those without `stats:unsuppressed` (external panel members, analysts) see figures only with small counts withheld (domain §6, §7). */
export function suppressionApplies(actor: Pick<Actor, 'permissions'>): boolean {
  return !actor.permissions.has(Permission.STATS_UNSUPPRESSED);
}

/** The columns a finding is read with (toFinding maps them). */
const FINDING_COLUMNS = `id, title, query, snapshot, narrative, force_explanation, actions, status, to_char(quarter, 'YYYY-MM-DD') AS quarter_start, created_at, updated_at, version`;

/** A recorded finding as the API returns it. */
export interface DisproportionalityFindingView {
  id: string;
  title: string;
  quarter: string;
  query: Record<string, unknown>;
  snapshot: DisproportionalityResult;
  narrative: string;
  forceExplanation: string | null;
  actions: string[];
  status: DisproportionalityFindingStatus;
  createdAt: string;
  updatedAt: string;
  version: number;
}

function toFinding(r: Record<string, unknown>): DisproportionalityFindingView {
  return {
    id: r.id as string,
    title: r.title as string,
    quarter: quarterName(r.quarter_start as string),
    query: r.query as Record<string, unknown>,
    snapshot: r.snapshot as DisproportionalityResult,
    narrative: r.narrative as string,
    forceExplanation: r.force_explanation as string | null,
    actions: r.actions as string[],
    status: r.status as DisproportionalityFindingStatus,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
    version: r.version as number,
  };
}

/** At most this many findings are listed (newest first). */
export const FINDINGS_LIST_LIMIT = 200;

/**
 * Disproportionality from the rollup (domain §6): rates per 1,000 of the area's census population, ratios to the
 * comparator with 95% intervals, not-stated bounds, find rates, trends and officer/team funnels, with small counts
 * withheld for those outside the force.
 */
@Injectable()
export class DisproportionalityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async rates(actor: Actor, q: DisproportionalityQuery): Promise<DisproportionalityResult> {
    const query = await this.resolve(q);
    const counts = await this.counts(query);
    const population = await this.population(query.area);
    const suppress = suppressionApplies(actor);
    const measure = (g: string) => counts.get(g)?.[query.kind === 'strip-search' ? 'strips' : 'n'] ?? 0;
    const comparatorCount = measure(query.comparator);
    const comparatorPop = population?.groups[query.comparator] ?? 0;
    const notStated = measure('not_stated');
    const groups = ETHNIC_GROUPS.map((group): GroupFigures => {
      const count = measure(group);
      const pop = population?.groups[group] ?? 0;
      const rr = group === query.comparator ? null : rateRatio(count, pop, comparatorCount, comparatorPop);
      const hidden = suppress && (isSuppressed(count) || (rr !== null && isSuppressed(comparatorCount)));
      return {
        group,
        count: hidden ? null : count,
        population: pop,
        ratePer1000: hidden ? null : ratePer1000(count, pop),
        rateRatio: hidden ? null : group === query.comparator ? 1 : rr!.ratio,
        ci95: hidden || !rr ? null : rr.ci95,
        method: hidden || !rr ? null : rr.method,
        significant: hidden || !rr ? false : rr.significant,
        suppressed: isSuppressed(count),
        flagged: isFlagged(count),
      };
    });
    const total = [...ETHNIC_GROUPS, 'not_stated'].reduce((t, g) => t + measure(g), 0);
    // Secondary suppression: with one cell withheld, the total (or a bound) would give it away by subtraction.
    const anyHidden = suppress && [...ETHNIC_GROUPS, 'not_stated'].some((g) => isSuppressed(measure(g)));
    return {
      query,
      comparator: ETHNIC_GROUP_LABEL[query.comparator],
      groups,
      notStated: {
        count: suppress && isSuppressed(notStated) ? null : notStated,
        suppressed: isSuppressed(notStated),
        rateRatioBounds:
          suppress && (isSuppressed(notStated) || isSuppressed(comparatorCount))
            ? {}
            : Object.fromEntries(
                ETHNIC_GROUPS.filter((g) => g !== query.comparator).map((g) => [
                  g,
                  suppress && isSuppressed(measure(g))
                    ? null
                    : notStatedBounds(
                        measure(g),
                        population?.groups[g] ?? 0,
                        comparatorCount,
                        comparatorPop,
                        notStated,
                      ),
                ]),
              ),
      },
      total: anyHidden ? null : total,
      populationSource: population && {
        censusYear: population.censusYear,
        source: population.source,
        area: query.area.name,
      },
      suppression: suppress ? 'applied' : 'flags only',
    };
  }

  /** Find rates: searches whose outcome was linked to their object, per group, with Wilson intervals and ratios to the comparator. */
  async outcomes(actor: Actor, q: DisproportionalityQuery) {
    // The rollup counts finds over all stop searches only: refuse what it cannot answer rather than answer something else.
    const errors: FieldError[] =
      q.kind !== undefined && q.kind !== 'stop-search'
        ? [{ field: 'kind', message: 'find rates are for stop searches only (kind=stop-search)' }]
        : [];
    const query = await this.resolve({ ...q, kind: 'stop-search' }, errors);
    const counts = await this.counts(query);
    const suppress = suppressionApplies(actor);
    const c = counts.get(query.comparator) ?? { n: 0, finds: 0, strips: 0 };
    // A ratio to a withheld comparator would give the comparator's find rate away.
    const comparatorHidden = suppress && (isSuppressed(c.n) || isSuppressed(c.finds));
    return {
      query,
      comparator: ETHNIC_GROUP_LABEL[query.comparator],
      suppression: suppress ? 'applied' : 'flags only',
      groups: [...ETHNIC_GROUPS, 'not_stated' as const].map((group) => {
        const { n, finds } = counts.get(group) ?? { n: 0, finds: 0 };
        const hidden = suppress && (isSuppressed(n) || isSuppressed(finds));
        const ratio = group === query.comparator ? null : proportionRatio(finds, n, c.finds, c.n);
        return {
          group,
          searches: hidden ? null : n,
          finds: hidden ? null : finds,
          findRate: hidden || !n ? null : finds / n,
          ci95: hidden ? null : wilson(finds, n),
          ratioToComparator: hidden || comparatorHidden ? null : group === query.comparator ? 1 : ratio!.ratio,
          ratioCi95: hidden || comparatorHidden || !ratio ? null : ratio.ci95,
          significant: hidden || comparatorHidden || !ratio ? false : ratio.significant,
          suppressed: isSuppressed(n) || isSuppressed(finds),
          flagged: isFlagged(n),
        };
      }),
    };
  }

  /** Rates per group by month, quarter or year across the range. */
  async trends(actor: Actor, q: DisproportionalityQuery & { interval?: string }) {
    const interval = (q.interval ?? 'month') as TrendInterval;
    const errors: FieldError[] = (TREND_INTERVALS as readonly string[]).includes(interval)
      ? []
      : [{ field: 'interval', message: `must be ${TREND_INTERVALS.join(', ')}` }];
    const query = await this.resolve(q, errors);
    const population = await this.population(query.area);
    const suppress = suppressionApplies(actor);
    const rows = (await this.dataSource.query(
      `SELECT to_char(date_trunc('${interval}', r.period), 'YYYY-MM') AS bucket, r.ethnic_group, sum(${query.kind === 'strip-search' ? 'r.strips' : 'r.n'})::int AS n
       FROM disproportionality_rollup r WHERE ${this.where(query)}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      this.params(query),
    )) as { bucket: string; ethnic_group: string; n: number }[];
    // Every period of the range, those without records included (all zeros).
    const buckets = periodBuckets(query.from, query.to, interval);
    const counts = new Map(rows.map((r) => [`${r.bucket}|${r.ethnic_group}`, r.n]));
    const countOf = (bucket: string, group: string) => counts.get(`${bucket}|${group}`) ?? 0;
    // A group with any withheld period is withheld in every period: otherwise the total over the range gives it away.
    // A period with no records at all does not count: that it is empty was always visible (it used to be left out).
    const recorded = [...new Set(rows.filter((r) => r.n > 0).map((r) => r.bucket))];
    const withheld = new Set(
      [...ETHNIC_GROUPS, 'not_stated'].filter((g) => suppress && recorded.some((b) => isSuppressed(countOf(b, g)))),
    );
    return {
      query,
      interval,
      suppression: suppress ? 'applied' : 'flags only',
      series: buckets.map((bucket) => ({
        period: bucket,
        groups: [...ETHNIC_GROUPS, 'not_stated' as const].map((group) => {
          const n = countOf(bucket, group);
          const pop = group === 'not_stated' ? 0 : (population?.groups[group] ?? 0);
          const hidden = withheld.has(group);
          return {
            group,
            count: hidden ? null : n,
            ratePer1000: hidden || !pop ? null : ratePer1000(n, pop),
            suppressed: isSuppressed(n),
          };
        }),
      })),
    };
  }

  /**
   * Funnel plot: each officer's (or team's) share of searches of one group against the force-wide share, with 95%
   * and 99.8% limits for their number of searches. Officer level is for professional standards only.
   */
  async funnel(actor: Actor, q: DisproportionalityQuery & { level?: string; group?: string }) {
    const level = q.level ?? 'team';
    if (level !== 'team' && level !== 'officer')
      throw DomainError.validation([{ field: 'level', message: 'must be team or officer' }]);
    if (level === 'officer' && !actor.permissions.has(Permission.STATS_OFFICER_LEVEL))
      throw new DomainError('FORBIDDEN', 'Officer-level figures are for professional standards');
    // The route requires stats:unsuppressed; this covers callers other than the API.
    if (suppressionApplies(actor))
      throw new DomainError(
        'FORBIDDEN',
        'Team and officer figures stay inside the force; area-level figures are available',
      );
    const errors: FieldError[] = [];
    const group = (q.group ?? 'black') as EthnicGroup;
    if (!(ETHNIC_GROUPS as readonly string[]).includes(group))
      errors.push({ field: 'group', message: `must be one of ${ETHNIC_GROUPS.join(', ')}` });
    // The funnel reads the stop searches themselves: it honours basis, power and strip-search, and refuses what it cannot.
    if (q.kind !== undefined && q.kind !== 'stop-search' && q.kind !== 'strip-search')
      errors.push({ field: 'kind', message: 'the funnel covers stop searches only: stop-search or strip-search' });
    if (q.comparator !== undefined)
      errors.push({
        field: 'comparator',
        message: 'does not apply to the funnel: each unit is compared with the share of `group` across all units',
      });
    const { comparator: _comparator, ...query } = await this.resolve(
      { ...q, kind: q.kind === 'strip-search' ? 'strip-search' : 'stop-search' },
      errors,
    );
    const unit = level === 'team' ? `coalesce(s.team_code, '(no team)')` : `coalesce(o.reference, '(no officer)')`;
    const groupSql =
      query.basis === 'self'
        ? `ethnic_group_of(s.self_defined_ethnicity)`
        : `coalesce(s.officer_defined_ethnicity, 'not_stated')`;
    const areaSql = inAreaSql(query.area, '$3', { force: 's.force_code', area: 's.area_code' });
    const rows = (await this.dataSource.query(
      `SELECT ${unit} AS unit, count(*)::int AS n, (count(*) FILTER (WHERE ${groupSql} = $4))::int AS x
       FROM stop_searches s LEFT JOIN officers o ON o.id = s.officer_id
       WHERE s.period BETWEEN $1::date AND $2::date AND ${areaSql} AND ${groupSql} <> 'not_stated'
         AND ($5::text IS NULL OR s.legislation = $5)${query.kind === 'strip-search' ? ' AND s.clothing_removed' : ''}
       GROUP BY 1 ORDER BY 1`,
      [`${query.from}-01`, `${query.to}-01`, query.area.code, group, query.power],
    )) as { unit: string; n: number; x: number }[];
    const total = rows.reduce((t, r) => t + r.n, 0);
    const p0 = total ? rows.reduce((t, r) => t + r.x, 0) / total : 0;
    await this.audit.record(actor, { action: 'statistics.funnel_viewed', details: { level, group, query } });
    return {
      query,
      level,
      group,
      benchmark: p0,
      units: rows.map((r) => {
        const p = r.n ? r.x / r.n : 0;
        const l95 = funnelLimits(p0, r.n, Z95);
        const l998 = funnelLimits(p0, r.n, 3.090232306167813);
        return {
          unit: r.unit,
          searches: r.n,
          ofGroup: r.x,
          share: p,
          limits95: l95,
          limits998: l998,
          outside95: p < l95.lower || p > l95.upper,
          outside998: p < l998.lower || p > l998.upper,
        };
      }),
    };
  }

  // ---- recorded findings ----

  /** Records a finding from a query: the figures are computed now and frozen with it. */
  async createFinding(
    actor: Actor,
    input: {
      title: string;
      query: DisproportionalityQuery;
      narrative: string;
      forceExplanation?: string | null;
      actions?: string[];
    },
  ): Promise<DisproportionalityFindingView> {
    const errors: FieldError[] = [];
    if (!input.title?.trim()) errors.push({ field: 'title', message: 'is required' });
    if (!input.narrative?.trim()) errors.push({ field: 'narrative', message: 'say what the figures show' });
    if (errors.length) throw DomainError.validation(errors);
    const snapshot = await this.rates(actor, input.query);
    return this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO disproportionality_findings (title, query, snapshot, narrative, force_explanation, actions, status, quarter, created_by, version)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, 1) RETURNING ${FINDING_COLUMNS}`,
        [
          input.title.trim(),
          JSON.stringify(snapshot.query),
          JSON.stringify(snapshot),
          input.narrative.trim(),
          input.forceExplanation ?? null,
          JSON.stringify(input.actions ?? []),
          quarterStart(quarterName(snapshot.query.to)),
          actor.id,
        ],
      )) as Record<string, unknown>[];
      await this.audit.record(
        actor,
        {
          action: 'disproportionality_finding.recorded',
          target: { type: 'disproportionality_finding', id: row.id as string },
          details: { title: input.title },
        },
        m,
      );
      return toFinding(row);
    });
  }

  async updateFinding(
    actor: Actor,
    id: string,
    input: {
      version: number;
      narrative?: string;
      forceExplanation?: string | null;
      actions?: string[];
      status?: string;
    },
  ): Promise<DisproportionalityFindingView> {
    if (
      input.status !== undefined &&
      !(DISPROPORTIONALITY_FINDING_STATUSES as readonly string[]).includes(input.status)
    ) {
      throw DomainError.validation([
        { field: 'status', message: `must be ${DISPROPORTIONALITY_FINDING_STATUSES.join(', ')}` },
      ]);
    }
    if (!isUuid(id)) throw DomainError.notFound('Disproportionality finding', id);
    return this.dataSource.transaction(async (m) => {
      const [before] = (await m.query(
        `SELECT version, status, force_explanation FROM disproportionality_findings WHERE id = $1 FOR UPDATE`,
        [id],
      )) as { version: number; status: string; force_explanation: string | null }[];
      if (!before) throw DomainError.notFound('Disproportionality finding', id);
      const conflict = () =>
        new DomainError(
          'VERSION_CONFLICT',
          `Finding ${id} was changed by someone else (version ${before.version}, you sent ${input.version}); reload and try again`,
          { extensions: { currentVersion: before.version } },
        );
      if (before.version !== input.version) throw conflict();
      const [[row]] = (await m.query(
        `UPDATE disproportionality_findings SET narrative = coalesce($3, narrative), force_explanation = CASE WHEN $4 THEN $5 ELSE force_explanation END,
           actions = coalesce($6::jsonb, actions), status = coalesce($7, status), updated_at = now(), version = version + 1 WHERE id = $1 AND version = $2
         RETURNING ${FINDING_COLUMNS}`,
        [
          id,
          input.version,
          input.narrative ?? null,
          input.forceExplanation !== undefined,
          input.forceExplanation ?? null,
          input.actions ? JSON.stringify(input.actions) : null,
          input.status ?? null,
        ],
      )) as [Record<string, unknown>[], number];
      if (!row) throw conflict();
      await this.audit.record(
        actor,
        {
          action: 'disproportionality_finding.updated',
          target: { type: 'disproportionality_finding', id },
          before: { status: before.status, forceExplanation: before.force_explanation },
          after: input,
        },
        m,
      );
      return toFinding(row);
    });
  }

  /**
   * Newest first, at most FINDINGS_LIST_LIMIT; `total` counts every match, so a cut list says so. `force` (ONS code):
   * findings about that force or any area within it.
   */
  async listFindings(filter: {
    status?: string;
    quarter?: string;
    force?: string;
  }): Promise<{ items: DisproportionalityFindingView[]; total: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.quarter) {
      where.push(`quarter = $${params.push(parseQuarter(filter.quarter).start)}::date`);
    }
    if (filter.force) {
      where.push(`query->'area'->>'code' IN ${areaAndDescendantsSql(`$${params.push(filter.force)}`)}`);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${FINDING_COLUMNS}, count(*) OVER ()::int AS total_count FROM disproportionality_findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ${FINDINGS_LIST_LIMIT}`,
      params,
    )) as Record<string, unknown>[];
    return { items: rows.map(toFinding), total: (rows[0]?.total_count as number | undefined) ?? 0 };
  }

  async getFinding(id: string): Promise<DisproportionalityFindingView> {
    const [r] = (
      isUuid(id)
        ? await this.dataSource.query(`SELECT ${FINDING_COLUMNS} FROM disproportionality_findings WHERE id = $1`, [id])
        : []
    ) as Record<string, unknown>[];
    if (!r) throw DomainError.notFound('Disproportionality finding', id);
    return toFinding(r);
  }

  // ---- internals ----

  /** Validates and resolves a query; `errors` are the caller's own, reported with these. */
  private async resolve(q: DisproportionalityQuery, errors: FieldError[] = []): Promise<Resolved> {
    for (const f of ['from', 'to'] as const)
      if (!q[f] || !MONTH.test(q[f]!)) errors.push({ field: f, message: 'must be a month, YYYY-MM' });
    if (q.from && q.to && q.from > q.to) errors.push({ field: 'to', message: 'must not be before from' });
    const kind = (q.kind ?? 'stop-search') as StatKind;
    if (!(STAT_KINDS as readonly string[]).includes(kind))
      errors.push({ field: 'kind', message: `must be one of ${STAT_KINDS.join(', ')}` });
    const basis = q.basis ?? (kind === 'use-of-force' ? 'officer' : 'self');
    if (basis !== 'self' && basis !== 'officer') errors.push({ field: 'basis', message: 'must be self or officer' });
    else if (basis === 'self' && kind === 'use-of-force')
      errors.push({
        field: 'basis',
        message: 'use-of-force reports record only the officer’s perception: use basis=officer',
      });
    if (q.power && !(LEGISLATION as readonly string[]).includes(q.power))
      errors.push({ field: 'power', message: 'is not a known power (legislation code)' });
    if (q.power && kind !== 'stop-search' && kind !== 'strip-search')
      errors.push({ field: 'power', message: 'applies to stop searches only' });
    if (q.tactic && kind !== 'use-of-force') errors.push({ field: 'tactic', message: 'applies to use of force only' });
    else if (q.tactic && !(UOF_TACTICS as readonly string[]).includes(q.tactic))
      errors.push({ field: 'tactic', message: 'is not a known tactic' });
    const comparator = (q.comparator ?? 'white') as EthnicGroup;
    if (!(ETHNIC_GROUPS as readonly string[]).includes(comparator))
      errors.push({ field: 'comparator', message: `must be one of ${ETHNIC_GROUPS.join(', ')}` });
    if (!q.area)
      errors.push({
        field: 'area',
        message: 'is required: a force (police.uk id or ONS code), district or local authority',
      });
    const area = q.area ? await findArea(this.dataSource, q.area) : undefined;
    if (q.area && !area) errors.push({ field: 'area', message: `"${q.area}" is not a known area` });
    if (errors.length) throw DomainError.validation(errors);
    return {
      from: q.from!,
      to: q.to!,
      area: { code: area!.code, name: area!.name, level: area!.level },
      kind,
      basis: basis as 'self' | 'officer',
      power: q.power ?? null,
      tactic: q.tactic ?? null,
      comparator,
    };
  }

  /** The rollup rows a query covers; placeholders $1–$7 are this.params(query). */
  private where(query: Resolved): string {
    const p = (i: number) => `$${1 + i}`;
    return [
      `r.kind = ${p(0)}`,
      `r.basis = ${p(1)}`,
      `r.tactic = ${p(2)}`,
      `r.period BETWEEN ${p(3)}::date AND ${p(4)}::date`,
      inAreaSql(query.area, p(5), { force: 'r.force_code', area: 'r.area_code' }),
      `(${p(6)}::text IS NULL OR r.power = ${p(6)})`,
    ].join(' AND ');
  }

  private params(query: Resolved): unknown[] {
    return [
      KIND_OF[query.kind],
      query.basis,
      query.tactic ?? '',
      `${query.from}-01`,
      `${query.to}-01`,
      query.area.code,
      query.power,
    ];
  }

  private async counts(query: Resolved): Promise<Map<string, { n: number; finds: number; strips: number }>> {
    const rows = (await this.dataSource.query(
      `SELECT r.ethnic_group, sum(r.n)::int AS n, sum(r.finds)::int AS finds, sum(r.strips)::int AS strips FROM disproportionality_rollup r WHERE ${this.where(query)} GROUP BY 1`,
      this.params(query),
    )) as { ethnic_group: string; n: number; finds: number; strips: number }[];
    return new Map(rows.map((r) => [r.ethnic_group, { n: r.n, finds: r.finds, strips: r.strips }]));
  }

  /** The area's population by group from its latest census (a district: the sum of its local authorities). */
  private async population(
    area: Resolved['area'],
  ): Promise<{ censusYear: number; source: string; groups: Record<string, number> } | null> {
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE d(code) AS (SELECT $1::text UNION ALL SELECT a.code FROM areas a JOIN d ON a.parent_code = d.code WHERE $2 = 'district'),
       covered AS (SELECT code FROM d WHERE $2 <> 'district' OR code <> $1),
       latest AS (SELECT max(census_year) AS y FROM population_benchmarks WHERE area_code IN (SELECT code FROM covered) AND category = ANY($3::text[]))
       SELECT category, sum(population)::int AS population, max(census_year) AS census_year, min(source) AS source
       FROM population_benchmarks WHERE area_code IN (SELECT code FROM covered) AND census_year = (SELECT y FROM latest) AND category = ANY($3::text[])
       GROUP BY category`,
      [area.code, area.level, ETHNIC_GROUPS],
    )) as { category: string; population: number; census_year: number; source: string }[];
    if (!rows.length) return null;
    return {
      censusYear: rows[0].census_year,
      source: rows[0].source,
      groups: Object.fromEntries(rows.map((r) => [r.category, r.population])),
    };
  }
}
