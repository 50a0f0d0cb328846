/** A record (or clip) an import changed in place: the changed columns before and after. */
export interface RecordUpdate {
  id: string;
  reference: string;
  line: number;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A stored row a file row changed, with the compared columns as they were and as they are. */
export interface ChangedRow {
  id: string;
  line: number;
  reference: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A stored row a file row adds links to: the references linked before, and those the row names. */
export interface LinkGap {
  line: number;
  id: string;
  reference: string;
  linked: string[];
  named: string[];
}

/**
 * What an import changed in place, one entry per file row, for the audit: the columns whose values differ, and the
 * links the row added (under `linkField`, before and after as sorted references). A row that only adds links is an
 * update too.
 */
export function recordUpdates(
  changed: ChangedRow[],
  columns: readonly string[],
  linkGaps: LinkGap[],
  linkField: string,
): RecordUpdate[] {
  const updates = new Map<number, RecordUpdate>();
  for (const c of changed) {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const column of columns) {
      if (JSON.stringify(c.before[column]) === JSON.stringify(c.after[column])) continue;
      before[column] = c.before[column];
      after[column] = c.after[column];
    }
    updates.set(c.line, { id: c.id, reference: c.reference, line: c.line, before, after });
  }
  for (const g of linkGaps) {
    const update = updates.get(g.line) ?? { id: g.id, reference: g.reference, line: g.line, before: {}, after: {} };
    update.before[linkField] = g.linked;
    update.after[linkField] = [...new Set([...g.linked, ...g.named])].sort();
    updates.set(g.line, update);
  }
  return [...updates.values()];
}
