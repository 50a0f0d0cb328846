import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadSource } from '@scrutiny/database';
import { Permission, type Actor } from '@scrutiny/auth';
import { DomainError, type FieldError } from '@scrutiny/core';
import {
  COMPARISON_GROUPS,
  financialYearMonths,
  financialYearProblem,
  findArea,
  mappingCoverage,
  PUBLISHED_CHARACTERISTICS,
  publishedTactic,
  RECORD_COLUMN,
  unrecordableBeneath,
  usesOnReport,
  type PublishedCharacteristic,
} from '@scrutiny/records';
import { disclosureStatement, shownCount, type DisclosureStatement } from './disclosure';

export interface PublishedComparisonQuery {
  /** Force: data.police.uk id or ONS code. */
  force?: string;
  /** Financial year "2018/19"; default the latest the force has published figures for. */
  year?: string;
  by?: string;
}

export interface ComparisonCell {
  group: string;
  /** The published count (the sum of the published groups this group stands for); null where not supplied. */
  published: number | null;
  /** The published groups added, each as published (null = not supplied). */
  publishedParts: Record<string, number | null>;
  /** From the force's records: tactic uses, and the reports with at least one of them; null where not countable or withheld. */
  records: { uses: number | null; reports: number | null };
  /** records.uses − published; null where either is missing or withheld. */
  difference: number | null;
}

export interface ComparisonRow {
  /** As published. */
  homeOffice: string;
  typeOfForce: string;
  /** The system's tactic code where the row is one code, else null. */
  tactic: string | null;
  kind: 'total' | 'parent' | 'tactic' | 'unknown';
  /** full: counted from the records; partial: a sum over rows of which some cannot be recorded; none: not counted. */
  mapping: 'full' | 'partial' | 'none';
  /** How the records count this row. */
  counting: string;
  /** The system's tactic codes the row counts (beneath it, for a sum). */
  codes: string[];
  /** Published rows beneath (or this row) that the records cannot hold. */
  notRecordable: string[];
  cells: ComparisonCell[];
}

export interface PublishedComparison {
  force: { code: string; name: string };
  year: string;
  /** The financial year's months, Europe/London (records are counted by the month they occurred in, London time). */
  period: { from: string; to: string; timeZone: 'Europe/London' };
  by: PublishedCharacteristic;
  unit: 'tactic uses';
  population: null;
  note: string;
  published: { source: string; importedAt: string; publisher: string };
  records: { reports: number | null; reportsWithoutTactic: number | null };
  groups: { group: string; label: string; published: string[]; records: string }[];
  tactics: ComparisonRow[];
  /** Published tactics the records cannot count at all, with why. */
  unmapped: { homeOffice: string; reason: string }[];
  /** Cells whose difference is shown: how many match exactly. */
  summary: { compared: number; equal: number; different: number };
  caveats: string[];
  /** The disclosure rule (disclosure.ts) and whether it was applied to the records' counts. */
  disclosure: DisclosureStatement & { note: string };
}

const PUBLISHER = 'Home Office, Police use of force statistics, England and Wales (Open Government Licence v3.0)';

const COUNTING: Record<string, string> = {
  each: 'one use per report listing the tactic',
  once: 'one use per report listing any of the codes (the form records this tactic once, at the highest level reached)',
  'no-tactic': 'reports listing no tactic',
  sum: 'the sum of the rows beneath it',
  none: 'not recordable in the system',
};

const DISCLOSURE_NOTE =
  'Counts from the records go through the disclosure rule for callers without stats:unsuppressed (external panel members, analysts): withheld under 10, else rounded down to a multiple of 5; differences are withheld with them (a difference from a published count gives the exact count back). Published counts are public and shown as published.';

/**
 * Published Home Office use-of-force figures beside the same figures counted from the force's own records, per
 * tactic and group, for one financial year: the published count, the records' count and the difference.
 */
@Injectable()
export class PublishedComparisonService {
  constructor(
    private readonly dataSource: DataSource,
    /** The records' counts may lag (a replica's); the published file just imported is read from the primary. */
    private readonly reads: ReadSource,
  ) {}

  async compare(actor: Pick<Actor, 'permissions'>, q: PublishedComparisonQuery): Promise<PublishedComparison> {
    const errors: FieldError[] = [];
    const by = (q.by ?? 'ethnicity') as PublishedCharacteristic;
    if (!(PUBLISHED_CHARACTERISTICS as readonly string[]).includes(by))
      errors.push({ field: 'by', message: `must be one of ${PUBLISHED_CHARACTERISTICS.join(', ')}` });
    if (q.year !== undefined) {
      const wrong = financialYearProblem(q.year);
      if (wrong) errors.push({ field: 'year', message: wrong });
    }
    if (!q.force)
      errors.push({ field: 'force', message: 'is required: a police force (data.police.uk id or ONS code)' });
    const force = q.force ? await findArea(this.dataSource, q.force, { force: true }) : undefined;
    if (q.force && !force) errors.push({ field: 'force', message: `"${q.force}" is not a known police force` });
    if (errors.length) throw DomainError.validation(errors);

    const year = q.year ?? (await this.latestYear(force!.code, by));
    const published = year ? await this.published(force!.code, year, by) : [];
    if (!year || !published.length)
      throw new DomainError(
        'NOT_FOUND',
        `No published Home Office use-of-force figures by ${by} for ${force!.name}${year ? ` in ${year}` : ''}: import them with \`import home-office-uof\``,
      );

    const months = financialYearMonths(year);
    const combos = await this.recordCombinations(force!.code, months.from, months.to, by);
    const withhold = !actor.permissions.has(Permission.STATS_UNSUPPRESSED);
    const show = (n: number | null) => (n === null || !withhold ? n : shownCount(n));

    const groups = COMPARISON_GROUPS[by];
    const byTactic = new Map<string, typeof published>();
    for (const row of published) {
      const list = byTactic.get(row.home_office_tactic) ?? [];
      list.push(row);
      byTactic.set(row.home_office_tactic, list);
    }

    const summary = { compared: 0, equal: 0, different: 0 };
    const tactics: ComparisonRow[] = [];
    const unmapped: PublishedComparison['unmapped'] = [];
    for (const [homeOffice, rows] of byTactic) {
      const mapping = publishedTactic(homeOffice);
      const coverage = mappingCoverage(mapping);
      const countOf = new Map(rows.map((r) => [r.group_code, r.count]));
      if (coverage === 'none')
        unmapped.push({
          homeOffice,
          reason: mapping
            ? 'the use-of-force form as the system records it cannot say this (e.g. that the kind of handcuffing, baton or spray use was not stated)'
            : 'not in the mapping table of Home Office tactics (kept by name)',
        });
      const cells = groups.map((g): ComparisonCell => {
        const parts = Object.fromEntries(g.published.map((p) => [p, countOf.has(p) ? countOf.get(p)! : null]));
        const values = Object.values(parts);
        const publishedCount = values.some((v) => v === null) ? null : values.reduce((a, b) => a! + b!, 0);
        let uses: number | null = null;
        let reports: number | null = null;
        if (mapping && coverage !== 'none') {
          uses = 0;
          reports = 0;
          for (const c of combos) {
            if (g.records !== 'all' && !g.records.includes(c.group)) continue;
            const u = usesOnReport(mapping, c.codes)!;
            uses += c.n * u;
            if (u > 0) reports += c.n;
          }
        }
        const difference = uses !== null && publishedCount !== null && !withhold ? uses - publishedCount : null;
        if (difference !== null) {
          summary.compared++;
          if (difference === 0) summary.equal++;
          else summary.different++;
        }
        return {
          group: g.group,
          published: publishedCount,
          publishedParts: parts,
          records: { uses: show(uses), reports: show(reports) },
          difference,
        };
      });
      tactics.push({
        homeOffice,
        typeOfForce: rows[0].type_of_force,
        tactic: mapping?.code ?? null,
        kind: mapping?.kind ?? 'unknown',
        mapping: coverage,
        counting: COUNTING[mapping?.counting ?? 'none'],
        codes: mapping ? codesBeneath(mapping) : [],
        notRecordable: mapping ? unrecordableBeneath(mapping) : [homeOffice],
        cells,
      });
    }

    const reportsInYear = combos.reduce((t, c) => t + c.n, 0);
    const withoutTactic = combos.filter((c) => c.codes.size === 0).reduce((t, c) => t + c.n, 0);
    return {
      force: { code: force!.code, name: force!.name },
      year,
      period: { from: months.from.slice(0, 7), to: months.to.slice(0, 7), timeZone: 'Europe/London' },
      by,
      unit: 'tactic uses',
      population: null,
      note: 'Counts set against counts: no census population is used, so the census base is irrelevant here. The unit is tactic uses (one report can list several tactics; one incident can have several reports, one per officer), not people or incidents.',
      published: {
        source: published[0].source_file,
        importedAt: new Date(published[0].imported_at).toISOString(),
        publisher: PUBLISHER,
      },
      records: { reports: show(reportsInYear), reportsWithoutTactic: show(withoutTactic) },
      groups: groups.map((g) => ({
        group: g.group,
        label: g.label,
        published: [...g.published],
        records:
          g.records === 'all'
            ? 'every report'
            : g.records
                .map((r) => (r === null ? `${RECORD_COLUMN[by]} blank` : `${RECORD_COLUMN[by]} = ${r}`))
                .join(' or '),
      })),
      tactics,
      unmapped,
      summary,
      caveats: caveats(by),
      disclosure: { ...disclosureStatement(withhold), note: DISCLOSURE_NOTE },
    };
  }

  private async latestYear(forceCode: string, by: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(
      `SELECT max(financial_year) AS year FROM published_uof_tactics WHERE force_code = $1 AND characteristic = $2`,
      [forceCode, by],
    )) as { year: string | null }[];
    return row?.year ?? null;
  }

  /** The published rows of the most recently imported file for the force, year and characteristic, in file order. */
  private async published(forceCode: string, year: string, by: string) {
    return (await this.dataSource.query(
      `WITH latest AS (
         SELECT source_file FROM published_uof_tactics WHERE financial_year = $1 AND force_code = $2 AND characteristic = $3
         ORDER BY imported_at DESC, source_file LIMIT 1)
       SELECT home_office_tactic, type_of_force, group_code, count, source_file, source_line, imported_at
       FROM published_uof_tactics
       WHERE financial_year = $1 AND force_code = $2 AND characteristic = $3 AND source_file = (SELECT source_file FROM latest)
       ORDER BY source_line, group_code`,
      [year, forceCode, by],
    )) as {
      home_office_tactic: string;
      type_of_force: string;
      group_code: string;
      count: number | null;
      source_file: string;
      source_line: number;
      imported_at: string | Date;
    }[];
  }

  /**
   * The force's reports in the months, grouped by the characteristic's value and the set of distinct tactic codes
   * each lists: every published row is counted from these (few distinct sets, however many reports).
   */
  private async recordCombinations(forceCode: string, from: string, to: string, by: PublishedCharacteristic) {
    const column = RECORD_COLUMN[by];
    const rows = (await (
      await this.reads.dataSource()
    ).query(
      `SELECT r.${column} AS grp, ARRAY(SELECT DISTINCT e->>'tactic' FROM jsonb_array_elements(r.tactics) e ORDER BY 1) AS codes, count(*)::int AS n
       FROM use_of_force_reports r
       WHERE r.force_code = $1 AND r.period BETWEEN $2::date AND $3::date
       GROUP BY 1, 2`,
      [forceCode, from, to],
    )) as { grp: string | null; codes: string[]; n: number }[];
    const known = new Set(
      COMPARISON_GROUPS[by].flatMap((g) => (g.records === 'all' ? [] : g.records.filter((r) => r !== null))),
    );
    // A value outside the vocabulary cannot be set against any published group; it is counted only in "All".
    return rows.map((r) => ({
      group: r.grp === null ? null : known.has(r.grp) ? r.grp : `unknown:${r.grp}`,
      codes: new Set(r.codes) as ReadonlySet<string>,
      n: r.n,
    }));
  }
}

function codesBeneath(mapping: NonNullable<ReturnType<typeof publishedTactic>>): string[] {
  if (mapping.counting !== 'sum') return [...mapping.codes];
  return mapping.children.flatMap((c) => {
    const m = publishedTactic(c);
    return m ? codesBeneath(m) : [];
  });
}

function caveats(by: PublishedCharacteristic): string[] {
  const common = [
    'Difference = records − published. Published figures are as the force returned them to the Home Office at the time; records imported, corrected or deleted since will differ.',
    '"*Total Tactics" excludes tactical communication and reports with no tactic, as the Home Office table does.',
    'CED (Taser) and firearms count once per report, at whichever levels the report lists; every other tactic once per report that lists it, so a report listing both "baton drawn" and "baton used" counts under each.',
    'Rows the system cannot record ("Not stated handcuffing", "Not stated baton", …) have no count from the records; the "of which" parents and totals above them count only what can be recorded, so they match only where the published "not stated" rows are 0.',
  ];
  if (by === 'ethnicity')
    return [
      ...common,
      'The use-of-force form records perceived ethnicity in five groups, with Chinese inside Asian (as Census 2021): the Home Office "Chinese" column is added to "Asian (or Asian British)" before comparing, and each is also given as published (publishedParts).',
      'The system has no "don’t know": a blank perceived ethnicity is compared with the Home Office "Don’t know" and "Not reported" together.',
    ];
  if (by === 'age')
    return [
      ...common,
      'Age bands are the Home Office bands (under 11, 11–17, 18–34, 35–49, 50–64, 65 and over); a blank age is compared with "Not reported".',
    ];
  return [...common, 'Perceived disability (mental, physical, both, none); a blank is compared with "Not reported".'];
}
