import { complaintLabel } from '@scrutiny/complaints';
import { csvLine, labelOf, type VocabularyName } from '@scrutiny/records';
import type { QuarterlyReview } from '../quarterly-review.service';

export type Cell = string | number | boolean | null;

export interface Column {
  /** The CSV header: lower-case, underscores. */
  name: string;
  /** The printed header (PDF and HTML); the name in words by default. */
  heading?: string;
  /** A code kept in the CSV beside its label, for machines; the printed tables show the label only. */
  csvOnly?: boolean;
}

/** One table of the pack: the same rows become a CSV file, an HTML table and a PDF table. */
export interface ReportTable {
  /** File name without .csv: lower-case, underscores. */
  name: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
  /** Printed under the table (what a marker means). */
  notes?: string[];
}

/** What the pack prints instead of a figure withheld for a small count (the ONS convention). */
export const WITHHELD = '[c]';

/** Labels the review does not carry itself: every theme of the vocabulary, retired ones included. */
export interface PackLabels {
  themes: ReadonlyMap<string, string>;
}

const col = (name: string, heading?: string): Column => (heading ? { name, heading } : { name });
const code = (name: string): Column => ({ name, csvOnly: true });

export function headingOf(c: Column): string {
  const heading = c.heading ?? c.name.replace(/_/g, ' ');
  return heading.charAt(0).toUpperCase() + heading.slice(1);
}
/** The columns the printed tables show, with the index of each in a row. */
export function printedColumns(table: ReportTable): { column: Column; index: number }[] {
  return table.columns.map((column, index) => ({ column, index })).filter((c) => !c.column.csvOnly);
}

/** A code no vocabulary knows, in words rather than as the code ("stop_search" → "Stop search"). */
export function codeInWords(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SOURCE_LABEL: Record<string, string> = {
  review: 'Supervisor reviews',
  panel: 'Panel findings',
  all: 'All ratings',
};
const SOURCE_ONE: Record<string, string> = { review: 'Supervisor review', panel: 'Panel finding' };
const STAT_KIND_LABEL: Record<string, string> = {
  'stop-search': 'Stop and search',
  'strip-search': 'Searches removing more than outer clothing',
  'use-of-force': 'Use of force',
  'vehicle-stop': 'Vehicle stops',
};
const BASIS_LABEL: Record<string, string> = { self: 'Self-defined', officer: 'Officer-defined' };
const METHOD_LABEL: Record<string, string> = { exact: 'Exact (Clopper-Pearson)', log: 'Log-normal' };

/** The record vocabularies' words for a code; one they do not list (action kinds and statuses) put in words. */
function label(vocabulary: VocabularyName | null, value: string): string {
  const word = vocabulary ? labelOf(vocabulary, value) : value;
  return word === value ? codeInWords(value) : word;
}

/** The labels of one review: themes from the vocabulary, other codes from the record vocabularies. */
function labeller(review: QuarterlyReview, labels?: PackLabels) {
  const themes = new Map<string, string>(labels?.themes ?? []);
  for (const t of [...review.themes.map((t) => ({ code: t.theme, label: t.label })), ...review.themesOverTime.themes])
    if (!themes.has(t.code)) themes.set(t.code, t.label);
  const theme = (c: string) => themes.get(c) ?? codeInWords(c);
  return {
    theme,
    themesList: (list: { theme: string; count: number }[]) =>
      list.map((t) => `${theme(t.theme)} (${t.count})`).join('; '),
    themesCodes: (list: { theme: string }[]) => list.map((t) => t.theme).join('; '),
    outcome: (source: string, c: string) => label(source === 'panel' ? 'finding_outcome' : 'review_outcome', c),
    caseKind: (c: string) => label('record_kind', c),
    group: (c: string) => label('ethnic_group', c),
    other: (c: string) => label(null, c),
  };
}

/** A timestamp as people read it: date and minute, UTC said. */
const instant = (iso: string) => iso.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*$/, '$1 $2 UTC');

/** Every table of a quarter's review, in the order the report prints them. */
export function reportTables(review: QuarterlyReview, labels?: PackLabels): ReportTable[] {
  const l = labeller(review, labels);
  const tables: ReportTable[] = [
    {
      name: 'ratings',
      title: 'Ratings in the quarter (RAG), with the change in amber/red against the previous quarter',
      columns: [
        code('source_code'),
        col('source'),
        col('ratings'),
        col('green'),
        col('amber'),
        col('red'),
        col('amber_or_red_pct', 'amber or red (%)'),
        col('amber_or_red_change_vs_previous_quarter', 'change in amber or red vs previous quarter'),
      ],
      rows: review.ratings.map((r) => [
        r.source,
        SOURCE_LABEL[r.source] ?? codeInWords(r.source),
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
      columns: [code('source_code'), col('source'), code('outcome_code'), col('outcome'), col('count')],
      rows: review.outcomes.map((o) => [
        o.source,
        SOURCE_LABEL[o.source] ?? codeInWords(o.source),
        o.outcome,
        l.outcome(o.source, o.outcome),
        o.count,
      ]),
    },
    {
      name: 'themes',
      title: `Themes: this quarter against ${review.comparedWith.previousQuarter} and ${review.comparedWith.sameQuarterLastYear}`,
      columns: [
        code('theme_code'),
        col('theme'),
        col('count'),
        col('from_reviews'),
        col('from_panels'),
        col('previous_quarter'),
        col('change_vs_previous'),
        col('change_vs_previous_pct', 'change vs previous (%)'),
        col('same_quarter_last_year'),
        col('change_vs_last_year'),
        col('change_vs_last_year_pct', 'change vs last year (%)'),
      ],
      rows: review.themes.map((t) => [
        t.theme,
        l.theme(t.theme),
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
      // One row per theme, one column per quarter: the figures of the chart, as the chart shows them.
      name: 'themes_over_time',
      title: 'Themes over time (the most frequent themes of the quarter): tags per quarter',
      columns: [
        code('theme_code'),
        col('theme'),
        ...review.themesOverTime.quarters.map((q) => col(q.toLowerCase().replace('-', '_'), q)),
      ],
      rows: review.themesOverTime.themes.map((t) => [
        t.code,
        l.theme(t.code),
        ...review.themesOverTime.quarters.map(
          (q) => review.themesOverTime.series.find((s) => s.quarter === q)?.counts[t.code] ?? 0,
        ),
      ]),
    },
    {
      name: 'by_area',
      title: 'By area',
      columns: [
        code('area_code'),
        col('area'),
        col('ratings'),
        col('amber_or_red'),
        col('themes'),
        code('theme_codes'),
      ],
      rows: review.byArea.map((a) => [
        a.key,
        a.name,
        a.ratings,
        a.amberOrRed,
        l.themesList(a.themes),
        l.themesCodes(a.themes),
      ]),
    },
    {
      name: 'by_team',
      title: 'By team',
      columns: [col('team'), col('ratings'), col('amber_or_red'), col('themes'), code('theme_codes')],
      rows: review.byTeam.map((a) => [
        a.name,
        a.ratings,
        a.amberOrRed,
        l.themesList(a.themes),
        l.themesCodes(a.themes),
      ]),
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
          col(by === 'officers' ? 'officer' : 'team'),
          ...(by === 'officers' ? [col('team')] : []),
          col('cases_amber_or_red'),
          col('red'),
          col('in_quarter'),
          col('latest'),
          col('themes'),
          code('theme_codes'),
          col('complaints', 'cases with a complaint'),
          col('sources', 'cases and where each came from'),
        ],
        rows: concerns.map((c) => [
          c.subject,
          ...(by === 'officers' ? [c.team] : []),
          c.cases,
          c.red,
          c.inQuarter,
          c.latest,
          l.themesList(c.themes),
          l.themesCodes(c.themes),
          c.complaints ?? 0,
          (c.caseList ?? []).map(caseSources).join('; '),
        ]),
      });
    }
  }
  if (review.referrals.items) {
    tables.push({
      name: 'referrals',
      title: 'Referrals to professional standards',
      columns: [
        code('source_code'),
        col('source'),
        code('case_kind_code'),
        col('case_kind', 'case'),
        col('case_reference', 'reference'),
        col('rated_on'),
        col('officer'),
        col('team'),
        col('themes'),
        code('theme_codes'),
        col('action_status'),
      ],
      rows: review.referrals.items.map((r) => [
        r.source,
        SOURCE_ONE[r.source] ?? codeInWords(r.source),
        r.caseKind,
        l.caseKind(r.caseKind),
        r.caseReference,
        r.ratedOn,
        r.officer,
        r.team,
        r.themes.map(l.theme).join('; '),
        r.themes.join('; '),
        r.actions.map((a) => l.other(a.status) + (a.overdue ? ' (overdue)' : '')).join('; ') || 'No action recorded',
      ]),
    });
  }
  if (review.actions.items) {
    tables.push({
      name: 'actions',
      title: 'Actions ("you said, we did"): raised this quarter, or open from before',
      columns: [
        col('raised_on'),
        col('raised_at'),
        code('kind_code'),
        col('kind'),
        col('description'),
        col('owner'),
        col('due_on'),
        code('status_code'),
        col('status'),
        col('overdue'),
        col('response'),
      ],
      rows: review.actions.items.map((a) => [
        a.raisedOn,
        a.meetingQuarter ? `Themes review ${a.meetingQuarter}` : a.complaintId ? 'Complaint' : 'Panel session',
        a.kind,
        l.other(a.kind),
        a.description,
        a.owner,
        a.dueOn,
        a.status,
        l.other(a.status),
        a.overdue,
        a.response,
      ]),
    });
  }
  if (review.complaints) tables.push(...complaintTables(review, l));
  const { keyRatios, months, area } = review.disproportionality;
  // A figure is either printed or withheld: a withheld one shows the marker, never a number beside a flag.
  const anyWithheld = keyRatios.some((k) => k.groups.some((g) => g.count === null));
  const anySmall = keyRatios.some((k) => k.groups.some((g) => g.count !== null && g.flagged));
  const shown = (withheld: boolean, v: number | null | undefined): Cell => (withheld ? WITHHELD : (v ?? null));
  tables.push({
    name: 'key_ratios',
    title: `Key rate ratios, ${months.from} to ${months.to}${area ? `, ${area.name}` : ''}`,
    columns: [
      code('kind_code'),
      col('kind'),
      code('basis_code'),
      col('basis', 'ethnicity'),
      code('group_code'),
      col('group'),
      col('count'),
      col('rate_per_1000'),
      col('rate_ratio'),
      col('ci95_lower', '95% CI lower'),
      col('ci95_upper', '95% CI upper'),
      col('method', 'interval'),
      col('significant'),
      code('withheld'),
      col('note'),
    ],
    rows: keyRatios.flatMap((k) =>
      k.groups.map((g): Cell[] => {
        const withheld = g.count === null;
        const isComparator = g.group === k.comparator.toLowerCase();
        return [
          k.kind,
          STAT_KIND_LABEL[k.kind] ?? codeInWords(k.kind),
          k.basis,
          BASIS_LABEL[k.basis] ?? codeInWords(k.basis),
          g.group,
          l.group(g.group),
          shown(withheld, g.count),
          shown(withheld, g.ratePer1000),
          shown(withheld, g.rateRatio),
          shown(withheld, g.ci95?.lower),
          shown(withheld, g.ci95?.upper),
          g.method ? (METHOD_LABEL[g.method] ?? codeInWords(g.method)) : null,
          withheld || isComparator ? null : g.significant,
          withheld,
          withheld
            ? `${WITHHELD} ${g.suppressed ? 'under 10' : 'comparator under 10'}`
            : [isComparator ? 'Comparator' : null, g.suppressed ? 'Under 10' : g.flagged ? 'Under 20' : null]
                .filter(Boolean)
                .join('; ') || null,
        ];
      }),
    ),
    notes: [
      ...(anyWithheld
        ? [
            `${WITHHELD} withheld: a count under 10 (or a ratio to a comparator under 10) is not printed, and neither is anything derived from it.`,
          ]
        : []),
      ...(anySmall
        ? [
            'Under 10: printed here for professional standards, withheld wherever figures leave the force (external panels, analysts, publication). Under 20: too few for a reliable rate; the interval is exact rather than log-normal.',
          ]
        : []),
    ],
  });
  if (review.disproportionality.findings) {
    tables.push({
      name: 'disproportionality_findings',
      title: 'Disproportionality findings recorded for the quarter',
      columns: [col('title'), code('status_code'), col('status'), col('narrative'), col('force_explanation')],
      rows: review.disproportionality.findings.map((f) => [
        f.title,
        f.status,
        l.other(f.status),
        f.narrative,
        f.forceExplanation,
      ]),
    });
  }
  if (review.meeting) {
    tables.push({
      name: 'meeting',
      title: 'The review meeting',
      columns: [col('attendees'), col('decisions'), col('recorded_by'), col('updated_at')],
      rows: [
        [
          review.meeting.attendees.join('; '),
          review.meeting.decisions,
          review.meeting.recordedBy?.displayName ?? null,
          instant(review.meeting.updatedAt),
        ],
      ],
    });
  }
  return tables;
}

/** Where one case of a repeat concern came from, in words: "Supervisor review (amber), complaint CO/24/0042". */
function caseSources(
  c: NonNullable<NonNullable<QuarterlyReview['repeatConcerns']>['officers'][number]['caseList']>[number],
) {
  const rated = c.sources.filter((s) => s !== 'complaint').map((s) => SOURCE_ONE[s] ?? codeInWords(s));
  const parts = [
    ...(rated.length ? [`${rated.join(' and ')} (${c.rag})`] : []),
    ...c.complaintReferences.map((r) => `complaint ${r}`),
  ];
  return `${c.date}: ${parts.join(', ')}`;
}

const POWER_LABEL: Record<string, string> = { road_traffic_act_s163: 'Road Traffic Act 1988 (section 163)' };

/** The complaints sections of a review (professional standards' full view). */
function complaintTables(review: QuarterlyReview, l: ReturnType<typeof labeller>): ReportTable[] {
  const c = review.complaints!;
  const { previousQuarter, sameQuarterLastYear } = review.comparedWith;
  const trendColumns = [
    col('count', 'this quarter'),
    col('previous_quarter', previousQuarter),
    col('change_vs_previous'),
    col('change_vs_previous_pct', 'change vs previous (%)'),
    col('same_quarter_last_year', sameQuarterLastYear),
    col('change_vs_last_year'),
    col('change_vs_last_year_pct', 'change vs last year (%)'),
  ];
  const trendCells = (t: {
    count: number;
    previousQuarter: number;
    sameQuarterLastYear: number;
    vsPreviousQuarter: { change: number; changePct: number | null };
    vsLastYear: { change: number; changePct: number | null };
  }): Cell[] => [
    t.count,
    t.previousQuarter,
    t.vsPreviousQuarter.change,
    t.vsPreviousQuarter.changePct,
    t.sameQuarterLastYear,
    t.vsLastYear.change,
    t.vsLastYear.changePct,
  ];
  const word = (vocabulary: string, code: string | null) =>
    code === null
      ? 'Not recorded'
      : complaintLabel(vocabulary, code) === code
        ? codeInWords(code)
        : complaintLabel(vocabulary, code);
  const power = (code: string | null) =>
    code === null ? 'Not applicable' : (POWER_LABEL[code] ?? label('legislation', code));
  const t = c.timeliness;
  return [
    {
      name: 'complaints_received',
      title: `Complaints received: this quarter against ${previousQuarter} and ${sameQuarterLastYear}`,
      columns: [col('measure'), ...trendColumns],
      rows: [
        ['Complaints', ...trendCells(c.received.complaints)],
        ['Allegations', ...trendCells(c.received.allegations)],
      ],
    },
    {
      name: 'complaints_discrimination',
      title: 'Allegations of discriminatory behaviour by protected characteristic',
      columns: [code('characteristic_code'), col('protected_characteristic'), ...trendColumns],
      rows: c.discrimination.map((d) => [
        d.characteristic,
        word('protected_characteristic', d.characteristic),
        ...trendCells(d),
      ]),
      notes: c.discrimination.length ? undefined : ['No allegation of discriminatory behaviour in these quarters.'],
    },
    {
      name: 'complaints_by_category',
      title: 'Allegations by IOPC category',
      columns: [code('category_code'), col('category'), ...trendColumns],
      rows: c.byCategory.map((d) => [d.category, word('complaint_category', d.category), ...trendCells(d)]),
    },
    {
      name: 'complaints_powers',
      title: 'Complaints arising from the use of police powers (received this quarter)',
      columns: [
        code('kind_code'),
        col('kind', 'encounter'),
        code('power_code'),
        col('power'),
        col('complaints'),
        col('allegations'),
        col('discrimination', 'of which discriminatory behaviour'),
      ],
      rows: c.powers.map((p) => [
        p.kind,
        l.caseKind(p.kind),
        p.power,
        power(p.power),
        p.complaints,
        p.allegations,
        p.discrimination,
      ]),
    },
    {
      name: 'complaints_timeliness',
      title: 'Days from received to finalised (complaints finalised in the quarter)',
      columns: [col('quarter'), col('finalised'), col('mean_days'), col('median_days')],
      rows: [
        [review.quarter, t.finalised, t.meanDays, t.medianDays],
        [previousQuarter, t.previousQuarter.finalised, t.previousQuarter.meanDays, t.previousQuarter.medianDays],
      ],
      notes:
        t.meanDaysChange === null
          ? undefined
          : [
              `Mean days ${t.meanDaysChange > 0 ? 'up' : 'down'} ${Math.abs(t.meanDaysChange)} against ${previousQuarter}.`,
            ],
    },
    {
      name: 'complaints_themes',
      title: 'Themes tagged on complaints received',
      columns: [code('theme_code'), col('theme'), ...trendColumns],
      rows: c.themes.map((th) => [th.theme, l.theme(th.theme), ...trendCells(th)]),
    },
    {
      name: 'complaints_outcomes',
      title: 'Outcomes of allegations (complaints finalised in the quarter)',
      columns: [code('outcome_code'), col('outcome'), col('allegations')],
      rows: c.outcomes.map((o) => [o.outcome, word('allegation_outcome', o.outcome), o.allegations]),
    },
    {
      name: 'complaints_handling',
      title: 'How complaints received this quarter are handled',
      columns: [code('handling_code'), col('handling'), col('complaints')],
      rows: c.handling.map((h) => [h.handling, word('complaint_handling', h.handling), h.complaints]),
    },
  ];
}

/** A cell as the CSV files hold it: numbers in full, so the figures can be checked against the API. */
export function cellText(cell: Cell): string {
  return cell === null ? '' : typeof cell === 'boolean' ? (cell ? 'yes' : 'no') : String(cell);
}

/** A cell as the printed report shows it: fractions to three significant figures (counts stay whole). */
export function printedCell(cell: Cell): string {
  return typeof cell === 'number' && !Number.isInteger(cell) ? String(Number(cell.toPrecision(3))) : cellText(cell);
}

/** A table as CSV: csvLine guards free text (a learning point, a response) a spreadsheet would run as a formula. */
export function tableCsv(table: ReportTable): string {
  return (
    [table.columns.map((c) => c.name), ...table.rows.map((r) => r.map(cellText))].map((r) => csvLine(r)).join('\r\n') +
    '\r\n'
  );
}
