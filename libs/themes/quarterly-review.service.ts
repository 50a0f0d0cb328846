import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { caseColumnsSql, Permission, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, parseQuarter, previousMonth, quarterName, quarterStart } from '@scrutiny/core';
import { DeliberationService, type ActionView } from '@scrutiny/panels';
import { findArea } from '@scrutiny/records';
import { disclose, DisproportionalityService, type DisproportionalityResult } from '@scrutiny/statistics';
import { ComplaintsService } from '@scrutiny/complaints';
import { complaintsReview, type ComplaintsReview } from './complaints-section';
import { MeetingsService, type MeetingView } from './meetings.service';
import {
  breakdown,
  outcomeCounts,
  quarterThemeTrends,
  quarterWindows,
  ragSummary,
  referralSummary,
  repeatConcerns,
  themesOverTime,
  type BreakdownRow,
  type RagSummary,
  type Rating,
  type Referral,
  type RepeatConcern,
  type ThemeInfo,
  type ThemeTrendRow,
} from './quarter-summary';

/** The officer and team behind each rated case, whichever table holds it. */
const CASE_OWNER = caseColumnsSql(
  'r.case_kind',
  'r.case_id',
  'force_code, area_code, team_code, officer_id, source_reference',
);

/**
 * Completed supervisor reviews (dated by the sampled month) and each case's latest final panel finding (dated by
 * its session), between two dates, optionally for one force.
 */
const RATINGS_SQL = `
  WITH ratings AS (
    SELECT 'review' AS source, r.item_id AS rating_id, NULL::uuid AS agenda_item_id, i.case_kind, i.case_id, s.period AS rated_on, r.form
    FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id
    WHERE r.status = 'completed'
    UNION ALL
    (SELECT DISTINCT ON (f.agenda_item_id) 'panel', f.id, f.agenda_item_id, ai.case_kind, ai.case_id, (ps.scheduled_at AT TIME ZONE 'Europe/London')::date, f.form
     FROM panel_findings f JOIN session_agenda_items ai ON ai.id = f.agenda_item_id JOIN panel_sessions ps ON ps.id = ai.session_id
     WHERE f.status = 'final'
     ORDER BY f.agenda_item_id, f.finding_version DESC)
  )
  SELECT r.source, r.rating_id, r.agenda_item_id, r.case_kind, r.case_id, to_char(r.rated_on, 'YYYY-MM-DD') AS rated_on, r.form->'assessment'->>'rag' AS rag, r.form->>'outcome' AS outcome,
    coalesce(r.form->'assessment'->'themes', '[]'::jsonb) AS themes, c.force_code, c.area_code, a.name AS area_name, coalesce(c.team_code, o.team_code) AS team,
    c.officer_id, o.reference AS officer_ref, c.source_reference
  FROM ratings r CROSS JOIN LATERAL (${CASE_OWNER}) c
  LEFT JOIN areas a ON a.code = c.area_code LEFT JOIN officers o ON o.id = c.officer_id
  WHERE r.rated_on >= $1::date AND r.rated_on < $2::date AND ($3::text IS NULL OR c.force_code = $3)`;

export interface KeyRatios {
  kind: string;
  basis: string;
  comparator: string;
  total: number | null;
  groups: Pick<
    DisproportionalityResult['groups'][number],
    'group' | 'count' | 'ratePer1000' | 'rateRatio' | 'ci95' | 'method' | 'significant' | 'suppressed' | 'flagged'
  >[];
}

export interface QuarterlyReview {
  quarter: string;
  /** First day, and the first day after. Europe/London dates. */
  from: string;
  to: string;
  force: { code: string; name: string } | null;
  comparedWith: { previousQuarter: string; sameQuarterLastYear: string };
  /** full: professional standards (officer-level concerns, referrals and actions in detail); summary: everyone else allowed. */
  view: 'full' | 'summary';
  ratings: RagSummary[];
  outcomes: { source: string; outcome: string; count: number }[];
  themes: ThemeTrendRow[];
  themesOverTime: {
    quarters: string[];
    themes: { code: string; label: string }[];
    series: { quarter: string; counts: Record<string, number> }[];
  };
  byArea: BreakdownRow[];
  byTeam: BreakdownRow[];
  repeatConcerns: {
    rule: string;
    window: { from: string; to: string };
    officers: RepeatConcern[];
    teams: RepeatConcern[];
  } | null;
  /** Distinct cases referred (count), and each referring review or finding (professional standards only). */
  referrals: { count: number; items: Referral[] | null };
  actions: { total: number; byStatus: Record<string, number>; overdue: number; items: ActionView[] | null };
  disproportionality: {
    area: { code: string; name: string } | null;
    months: { from: string; to: string };
    keyRatios: KeyRatios[];
    findings:
      { id: string; title: string; status: string; narrative: string; forceExplanation: string | null }[] | null;
  };
  meeting: MeetingView | null;
  /**
   * Complaints (professional standards only): discrimination allegations by protected characteristic and allegations
   * by IOPC category against the comparison quarters, complaints arising from police powers, timeliness, themes,
   * outcomes and handling. Repeat concerns and actions include complaints too.
   */
  complaints?: ComplaintsReview | null;
}

/** How many themes the over-time chart follows. */
const CHART_THEMES = 6;

/**
 * The quarterly themes review (domain §1.8) for professional standards: what reviewers and panels tagged, how it
 * moved, where and in which teams, who is a repeat concern, what was referred and done, and the quarter's
 * disproportionality. Everyone else allowed to read it gets the aggregate parts only.
 */
@Injectable()
export class QuarterlyReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliberation: DeliberationService,
    private readonly statistics: DisproportionalityService,
    private readonly meetings: MeetingsService,
    private readonly audit: AuditService,
    private readonly complaints: ComplaintsService,
  ) {}

  /** `audit: false` for a job that audits what it does with the review itself. */
  async review(
    actor: Actor,
    quarter: string,
    options: { force?: string; audit?: boolean } = {},
  ): Promise<QuarterlyReview> {
    const { start, end } = parseQuarter(quarter, { started: true });
    const full = actor.permissions.has(Permission.THEMES_REVIEW);
    const force = options.force ? await findArea(this.dataSource, options.force, { force: true }) : undefined;
    if (options.force && !force)
      throw DomainError.validation([
        { field: 'force', message: `"${options.force}" is not a police force area (police.uk id or ONS code)` },
      ]);

    const w = quarterWindows(quarter);
    const ratings = await this.ratings(w.history.from, w.history.to, force?.code ?? null);
    const current = ratings.filter((r) => r.ratedOn >= start && r.ratedOn < end);
    const vocabulary = await this.vocabulary();
    const themes = quarterThemeTrends(ratings, quarter, vocabulary);
    const quarters = Array.from({ length: 8 }, (_, i) => quarterName(quarterStart(quarter, i - 7)));
    const followed = themes.slice(0, CHART_THEMES).map((t) => t.theme);

    const actions = await this.deliberation.actionsOfQuarter(start, force?.code);
    const referrals = referralSummary(current, actions);
    const byStatus: Record<string, number> = {};
    for (const a of actions) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;

    const complaintCases = full ? await this.complaints.concernCases(w.concernWindow, force?.code ?? null) : [];
    const statsArea = force ?? (await this.busiestForce(start, end));
    const months = { from: start.slice(0, 7), to: previousMonth(end) };

    const review: QuarterlyReview = {
      quarter,
      from: start,
      to: end,
      force: force ? { code: force.code, name: force.name } : null,
      comparedWith: {
        previousQuarter: quarterName(w.previous.from),
        sameQuarterLastYear: quarterName(w.lastYear.from),
      },
      view: full ? 'full' : 'summary',
      ratings: ragSummary(ratings, quarter),
      outcomes: outcomeCounts(current),
      themes,
      themesOverTime: {
        quarters,
        themes: followed.map((code) => ({ code, label: vocabulary.get(code)?.label ?? code })),
        series: themesOverTime(ratings, quarters, followed),
      },
      byArea: breakdown(current, 'area'),
      byTeam: breakdown(current, 'team'),
      repeatConcerns: full
        ? {
            rule: 'two or more distinct cases, rated amber or red or complained about, within the rolling 12 months ending with the quarter',
            window: w.concernWindow,
            officers: repeatConcerns(ratings, 'officer', w.concernWindow, w.current, 2, complaintCases),
            teams: repeatConcerns(ratings, 'team', w.concernWindow, w.current, 2, complaintCases),
          }
        : null,
      referrals: { count: referrals.count, items: full ? referrals.items : null },
      actions: {
        total: actions.length,
        byStatus,
        overdue: actions.filter((a) => a.overdue).length,
        items: full ? actions : null,
      },
      disproportionality: {
        area: statsArea ? { code: statsArea.code, name: statsArea.name } : null,
        months,
        keyRatios: statsArea ? await this.keyRatios(actor, statsArea.code, months) : [],
        findings: full
          ? (await this.statistics.findingsMatching({ quarter, force: force?.code })).items.map((f) => ({
              id: f.id,
              title: f.title,
              status: f.status,
              narrative: f.narrative,
              forceExplanation: f.forceExplanation,
            }))
          : null,
      },
      meeting: full ? await this.meetings.get(actor, quarter) : null,
      complaints: full
        ? complaintsReview(
            await this.complaints.facts({ from: w.lastYear.from, to: w.current.to }, force?.code ?? null),
            quarter,
          )
        : null,
    };
    if (options.audit !== false)
      await this.audit.record(actor, {
        action: 'themes_review.viewed',
        target: { type: 'quarterly_review', id: quarter },
        details: { force: force?.code ?? null, view: review.view },
      });
    return review;
  }

  private async ratings(from: string, to: string, force: string | null): Promise<Rating[]> {
    const rows = (await this.dataSource.query(RATINGS_SQL, [from, to, force])) as {
      source: 'review' | 'panel';
      rating_id: string;
      agenda_item_id: string | null;
      case_kind: string;
      case_id: string;
      rated_on: string;
      rag: Rating['rag'];
      outcome: string;
      themes: string[];
      force_code: string;
      area_code: string | null;
      area_name: string | null;
      team: string | null;
      officer_id: string | null;
      officer_ref: string | null;
      source_reference: string | null;
    }[];
    return rows.map((r) => ({
      source: r.source,
      ratingId: r.rating_id,
      agendaItemId: r.agenda_item_id,
      caseKind: r.case_kind,
      caseId: r.case_id,
      ratedOn: r.rated_on,
      rag: r.rag,
      outcome: r.outcome,
      themes: r.themes,
      force: r.force_code,
      area: r.area_code,
      areaName: r.area_name,
      team: r.team,
      officerId: r.officer_id,
      officerRef: r.officer_ref,
      sourceReference: r.source_reference,
    }));
  }

  private async vocabulary(): Promise<Map<string, ThemeInfo>> {
    const rows = (await this.dataSource.query(`SELECT code, label, parent_code FROM themes`)) as {
      code: string;
      label: string;
      parent_code: string | null;
    }[];
    return new Map(rows.map((r) => [r.code, { code: r.code, label: r.label, parentCode: r.parent_code }]));
  }

  /** With no force asked for, the key ratios are the force with the most stop searches in the quarter. */
  private async busiestForce(from: string, to: string): Promise<{ code: string; name: string } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT s.force_code AS code, a.name FROM stop_searches s JOIN areas a ON a.code = s.force_code WHERE s.period >= $1::date AND s.period < $2::date
       GROUP BY s.force_code, a.name ORDER BY count(*) DESC, s.force_code LIMIT 1`,
      [from, to],
    )) as { code: string; name: string }[];
    return row ?? null;
  }

  /** Stop search (self-defined), searches removing more than outer clothing, and use of force (officer-perceived). */
  private async keyRatios(actor: Actor, area: string, months: { from: string; to: string }): Promise<KeyRatios[]> {
    const queries = [
      { kind: 'stop-search', basis: 'self' },
      { kind: 'strip-search', basis: 'self' },
      { kind: 'use-of-force', basis: 'officer' },
    ];
    const out: KeyRatios[] = [];
    for (const q of queries) {
      // Through the disclosure rule like every statistics route: the review's readers hold stats:unsuppressed today.
      const result = disclose(
        'rates',
        await this.statistics.rates({ ...months, area, kind: q.kind, basis: q.basis }),
        actor.permissions.has(Permission.STATS_UNSUPPRESSED),
      );
      out.push({
        kind: q.kind,
        basis: q.basis,
        comparator: result.comparator,
        total: result.total,
        groups: result.groups.map((g) => ({
          group: g.group,
          count: g.count,
          ratePer1000: g.ratePer1000,
          rateRatio: g.rateRatio,
          ci95: g.ci95,
          method: g.method,
          significant: g.significant,
          suppressed: g.suppressed,
          flagged: g.flagged,
        })),
      });
    }
    return out;
  }
}
