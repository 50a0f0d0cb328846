import { parse } from 'csv-parse/sync';
import {
  PUBLISHED_CHARACTERISTICS,
  PUBLISHED_GROUP_COLUMNS,
  PUBLISHED_TOTAL_COLUMN,
  PUBLISHED_TOTAL_GROUP,
  type PublishedCharacteristic,
} from './home-office-uof';

export interface PublishedTacticRow {
  /** The file line the row ends on. */
  line: number;
  /** The force as published ("Avon & Somerset"), trimmed. */
  force: string;
  typeOfForce: string;
  /** The tactic as published, trimmed ("*Total Tactics", "Handcuffing, of which", "CED"). */
  tactic: string;
  /** By group code (and `total`); null where the cell is empty: the force did not supply it (not zero). */
  counts: Record<string, number | null>;
}

export interface PublishedParseProblem {
  line: number;
  message: string;
}

export interface ParsedPublishedTactics {
  characteristic: PublishedCharacteristic | null;
  /** Group codes in column order, `total` last. */
  groups: string[];
  rows: PublishedTacticRow[];
  /** England and Wales and region total rows: not a force, so not stored. */
  totalRows: { line: number; name: string }[];
  problems: PublishedParseProblem[];
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
const LEADING = ['police force', 'type of force', 'tactic'];

/** The whole number in a published cell ("10062.0", "1,234"); undefined when it is not one. */
function wholeNumber(raw: string): number | undefined {
  const text = raw.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^\d+(\.0+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * One Home Office tactic table by force (tactics by ethnicity, age or disability), recognised by its group columns.
 * Every malformed row is reported with its line; the caller decides (the importer writes nothing if any is).
 */
export function parsePublishedTactics(text: string): ParsedPublishedTactics {
  const empty = (message: string): ParsedPublishedTactics => ({
    characteristic: null,
    groups: [],
    rows: [],
    totalRows: [],
    problems: [{ line: 1, message }],
  });
  let all: { record: string[]; info: { lines: number } }[];
  try {
    all = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { ...empty(''), problems: [{ line, message: `not readable as CSV: ${(e as Error).message}` }] };
  }
  if (!all.length) return empty('the file is empty');
  const header = all[0].record.map(norm);
  const expected = `Police Force, Type of force, Tactic, the group columns, ${PUBLISHED_TOTAL_COLUMN}`;
  if (LEADING.some((h, i) => header[i] !== h) || header[header.length - 1] !== norm(PUBLISHED_TOTAL_COLUMN))
    return empty(`the header must be: ${expected}`);
  const groupHeader = header.slice(3, -1);
  const characteristic = PUBLISHED_CHARACTERISTICS.find((c) => {
    const columns = PUBLISHED_GROUP_COLUMNS[c].map((g) => norm(g.column));
    return columns.length === groupHeader.length && columns.every((col) => groupHeader.includes(col));
  });
  if (!characteristic) {
    const known = PUBLISHED_CHARACTERISTICS.map(
      (c) => `${c}: ${PUBLISHED_GROUP_COLUMNS[c].map((g) => g.column).join(', ')}`,
    ).join('; ');
    return empty(`the group columns are not those of a tactics-by-ethnicity, age or disability table (${known})`);
  }
  const byColumn = new Map(PUBLISHED_GROUP_COLUMNS[characteristic].map((g) => [norm(g.column), g.group]));
  const groups = [...groupHeader.map((h) => byColumn.get(h)!), PUBLISHED_TOTAL_GROUP];
  const columnNames = all[0].record.map((h) => h.trim());

  const result: ParsedPublishedTactics = { characteristic, groups, rows: [], totalRows: [], problems: [] };
  const seen = new Map<string, number>();
  for (const { record, info } of all.slice(1)) {
    const line = info.lines;
    if (record.every((c) => c.trim() === '')) continue;
    if (record.length !== header.length) {
      result.problems.push({ line, message: `has ${record.length} columns, the header ${header.length}` });
      continue;
    }
    const force = record[0].trim();
    // "Total England and Wales", "Total North East " (region totals carry trailing spaces).
    if (/^\*?total\b/i.test(force)) {
      result.totalRows.push({ line, name: force });
      continue;
    }
    const tactic = record[2].trim().replace(/\s+/g, ' ');
    const rowProblems: string[] = [];
    if (!force) rowProblems.push('Police Force is empty');
    if (!tactic) rowProblems.push('Tactic is empty');
    const counts: Record<string, number | null> = {};
    groups.forEach((group, i) => {
      const raw = record[3 + i];
      if (raw.trim() === '') counts[group] = null;
      else {
        const value = wholeNumber(raw);
        if (value === undefined)
          rowProblems.push(`${columnNames[3 + i]}: "${raw.trim().slice(0, 30)}" is not a whole number of uses`);
        else counts[group] = value;
      }
    });
    const key = `${norm(force)}\u0000${norm(tactic)}`;
    if (force && tactic && seen.has(key))
      rowProblems.push(`${force} "${tactic}" is given twice (first on line ${seen.get(key)})`);
    else if (force && tactic) seen.set(key, line);
    if (rowProblems.length) result.problems.push({ line, message: rowProblems.join('; ') });
    else result.rows.push({ line, force, typeOfForce: record[1].trim(), tactic, counts });
  }
  return result;
}

/** A force name as the Home Office writes it, reduced for matching ("Avon & Somerset" ~ "Avon and Somerset"). */
export function forceNameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(police|constabulary|service|force)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
