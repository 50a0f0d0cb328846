import { csvLine } from '@scrutiny/records';
import type { QuarterlyReview } from '../quarterly-review.service';

export type Cell = string | number | boolean | null;

/** One table of the pack: the same rows become a CSV file, an HTML table and a PDF table. */
export interface ReportTable {
  /** File name without .csv: lower-case, underscores. */
  name: string;
  title: string;
  columns: string[];
  rows: Cell[][];
}

const themesList = (themes: { theme: string; count: number }[]) =>
  themes.map((t) => `${t.theme} (${t.count})`).join('; ');

/** Every table of a quarter's review, in the order the report prints them. */
export function reportTables(review: QuarterlyReview): ReportTable[] {
  const tables: ReportTable[] = [
    {
      name: 'ratings',
      title: 'Ratings in the quarter (RAG), with the change in amber/red against the previous quarter',
      columns: [
        'source',
        'ratings',
        'green',
        'amber',
        'red',
        'amber_or_red_pct',
        'amber_or_red_change_vs_previous_quarter',
      ],
      rows: review.ratings.map((r) => [
        r.source,
        r.ratings,
        r.green,
        r.amber,
        r.red,
        r.amberOrRedPct,
        r.vsPreviousQuarter.change,
      ]),
    },
    {
      name: 'outcomes',
      title: 'Outcomes chosen',
      columns: ['source', 'outcome', 'count'],
      rows: review.outcomes.map((o) => [o.source, o.outcome, o.count]),
    },
    {
      name: 'themes',
      title: `Themes: this quarter against ${review.comparedWith.previousQuarter} and ${review.comparedWith.sameQuarterLastYear}`,
      columns: [
        'theme',
        'label',
        'count',
        'from_reviews',
        'from_panels',
        'previous_quarter',
        'change_vs_previous',
        'change_vs_previous_pct',
        'same_quarter_last_year',
        'change_vs_last_year',
        'change_vs_last_year_pct',
      ],
      rows: review.themes.map((t) => [
        t.theme,
        t.label,
        t.count,
        t.fromReviews,
        t.fromPanels,
        t.previousQuarter,
        t.vsPreviousQuarter.change,
        t.vsPreviousQuarter.changePct,
        t.sameQuarterLastYear,
        t.vsLastYear.change,
        t.vsLastYear.changePct,
      ]),
    },
    {
      name: 'themes_over_time',
      title: 'Themes over time (the most frequent themes of the quarter)',
      columns: ['quarter', 'theme', 'count'],
      rows: review.themesOverTime.series.flatMap((s) =>
        review.themesOverTime.themes.map((t) => [s.quarter, t.code, s.counts[t.code] ?? 0] as Cell[]),
      ),
    },
    {
      name: 'by_area',
      title: 'By area',
      columns: ['area_code', 'area', 'ratings', 'amber_or_red', 'themes'],
      rows: review.byArea.map((a) => [a.key, a.name, a.ratings, a.amberOrRed, themesList(a.themes)]),
    },
    {
      name: 'by_team',
      title: 'By team',
      columns: ['team', 'ratings', 'amber_or_red', 'themes'],
      rows: review.byTeam.map((a) => [a.key, a.ratings, a.amberOrRed, themesList(a.themes)]),
    },
  ];
  if (review.repeatConcerns) {
    for (const [by, concerns] of [
      ['officers', review.repeatConcerns.officers],
      ['teams', review.repeatConcerns.teams],
    ] as const) {
      tables.push({
        name: `repeat_concerns_${by}`,
        title: `Repeat concerns: ${by} (${review.repeatConcerns.rule}; ${review.repeatConcerns.window.from} to before ${review.repeatConcerns.window.to})`,
        columns: [
          by === 'officers' ? 'officer' : 'team',
          ...(by === 'officers' ? ['team'] : []),
          'cases_amber_or_red',
          'red',
          'in_quarter',
          'latest',
          'themes',
        ],
        rows: concerns.map((c) => [
          c.subject,
          ...(by === 'officers' ? [c.team] : []),
          c.cases,
          c.red,
          c.inQuarter,
          c.latest,
          themesList(c.themes),
        ]),
      });
    }
  }
  if (review.referrals.items) {
    tables.push({
      name: 'referrals',
      title: 'Referrals to professional standards',
      columns: ['source', 'case_kind', 'case_id', 'rated_on', 'officer', 'team', 'themes', 'action_status'],
      rows: review.referrals.items.map((r) => [
        r.source,
        r.caseKind,
        r.caseId,
        r.ratedOn,
        r.officer,
        r.team,
        r.themes.join('; '),
        r.actions.map((a) => a.status + (a.overdue ? ' (overdue)' : '')).join('; ') || 'no action recorded',
      ]),
    });
  }
  if (review.actions.items) {
    tables.push({
      name: 'actions',
      title: 'Actions ("you said, we did"): raised this quarter, or open from before',
      columns: ['raised_on', 'raised_at', 'kind', 'description', 'owner', 'due_on', 'status', 'overdue', 'response'],
      rows: review.actions.items.map((a) => [
        a.raisedOn,
        a.meetingQuarter ? `themes review ${a.meetingQuarter}` : 'panel session',
        a.kind,
        a.description,
        a.owner,
        a.dueOn,
        a.status,
        a.overdue,
        a.response,
      ]),
    });
  }
  tables.push({
    name: 'key_ratios',
    title: `Key rate ratios, ${review.disproportionality.months.from} to ${review.disproportionality.months.to}${review.disproportionality.area ? `, ${review.disproportionality.area.name}` : ''}`,
    columns: [
      'kind',
      'basis',
      'group',
      'count',
      'rate_per_1000',
      'rate_ratio',
      'ci95_lower',
      'ci95_upper',
      'method',
      'significant',
      'suppressed',
    ],
    rows: review.disproportionality.keyRatios.flatMap((k) =>
      k.groups.map(
        (g) =>
          [
            k.kind,
            k.basis,
            g.group,
            g.count,
            g.ratePer1000,
            g.rateRatio,
            g.ci95?.lower ?? null,
            g.ci95?.upper ?? null,
            g.method,
            g.significant,
            g.suppressed,
          ] as Cell[],
      ),
    ),
  });
  if (review.disproportionality.findings) {
    tables.push({
      name: 'disproportionality_findings',
      title: 'Disproportionality findings recorded for the quarter',
      columns: ['title', 'status', 'narrative', 'force_explanation'],
      rows: review.disproportionality.findings.map((f) => [f.title, f.status, f.narrative, f.forceExplanation]),
    });
  }
  if (review.meeting) {
    tables.push({
      name: 'meeting',
      title: 'The review meeting',
      columns: ['attendees', 'decisions', 'recorded_by', 'updated_at'],
      rows: [
        [
          review.meeting.attendees.join('; '),
          review.meeting.decisions,
          review.meeting.recordedBy?.displayName ?? null,
          review.meeting.updatedAt,
        ],
      ],
    });
  }
  return tables;
}

/** A cell as the CSV files hold it: numbers in full, so the figures can be checked against the API. */
export function cellText(cell: Cell): string {
  return cell === null ? '' : typeof cell === 'boolean' ? (cell ? 'yes' : 'no') : String(cell);
}

/** A cell as the printed report shows it: fractions to three significant figures (counts stay whole). */
export function printedCell(cell: Cell): string {
  return typeof cell === 'number' && !Number.isInteger(cell) ? String(Number(cell.toPrecision(3))) : cellText(cell);
}

/**
 * Free text (a learning point, a response) a spreadsheet would run as a formula gets a leading apostrophe. These
 * files are for reading, never re-imported, so unlike the record exports they may change what they quote.
 */
function spreadsheetSafe(cell: Cell): string {
  const text = cellText(cell);
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function tableCsv(table: ReportTable): string {
  return [table.columns, ...table.rows.map((r) => r.map(spreadsheetSafe))].map((r) => csvLine(r)).join('\r\n') + '\r\n';
}
