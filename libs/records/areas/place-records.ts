import type { DataSource } from 'typeorm';
import { CASE_TABLES, type CaseKind } from '@scrutiny/auth';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { pointPlacer } from '../imports/placement';

export interface PlaceRecordsCounts {
  /** Records with coordinates looked at. */
  located: number;
  /** In a local authority of their force (whether or not they already were). */
  placed: number;
  /** Of those, records whose area this run changed. */
  changed: number;
  /** In no local authority or just over their force's boundary: left with the area they had. */
  unplaced: number;
  /** Clearly outside their force (an import would have rejected them): left as they were. */
  outside: number;
}

export interface PlaceRecordsResult extends PlaceRecordsCounts {
  byKind: Record<CaseKind, PlaceRecordsCounts>;
}

const empty = (): PlaceRecordsCounts => ({ located: 0, placed: 0, changed: 0, unplaced: 0, outside: 0 });

/**
 * Places records already stored (every kind, or one force's) by their coordinates, as an import now does: each is
 * set to the local authority of its force that its point lies in. Pages through the located records by id, places a
 * page in memory and writes its changes with one UPDATE; records whose area is already right are not touched, so a
 * second run changes nothing. One transaction with its audit events (each page's changed records with their areas
 * before and after, then the totals): all of it or none. The disproportionality rollup follows through its update
 * trigger (the counts move from the old area to the new).
 */
export async function placeStoredRecords(
  dataSource: DataSource,
  audit: AuditService,
  actor: AuditActor,
  options: { forceCode?: string; batchSize?: number } = {},
): Promise<PlaceRecordsResult> {
  const batchSize = options.batchSize ?? 10_000;
  return dataSource.transaction(async (m) => {
    const classify = await pointPlacer(m);
    const total = empty();
    const byKind = {} as Record<CaseKind, PlaceRecordsCounts>;
    for (const [kind, table] of Object.entries(CASE_TABLES) as [CaseKind, string][]) {
      const counts = (byKind[kind] = empty());
      for (let after: string | null = null; ;) {
        const rows = (await m.query(
          `SELECT id, force_code, area_code, latitude, longitude FROM ${table}
           WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND ($1::text IS NULL OR force_code = $1)
             AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
          [options.forceCode ?? null, after, batchSize],
        )) as { id: string; force_code: string; area_code: string | null; latitude: number; longitude: number }[];
        if (!rows.length) break;
        after = rows[rows.length - 1].id;
        const ids: string[] = [];
        const areas: string[] = [];
        const moved: { id: string; before: string | null; after: string }[] = [];
        for (const r of rows) {
          counts.located++;
          const verdict = classify(r.latitude, r.longitude, r.force_code);
          if (verdict.kind === 'unplaced') counts.unplaced++;
          else if (verdict.kind === 'outside') counts.outside++;
          else {
            counts.placed++;
            if (verdict.areaCode !== r.area_code) {
              ids.push(r.id);
              areas.push(verdict.areaCode);
              moved.push({ id: r.id, before: r.area_code, after: verdict.areaCode });
            }
          }
        }
        if (ids.length) {
          await m.query(
            `UPDATE ${table} t SET area_code = u.area_code, version = t.version + 1, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS u(id, area_code) WHERE t.id = u.id`,
            [ids, areas],
          );
          // Each record's area is a change of the case: named with its area before and after, one event a page.
          await audit.record(
            actor,
            { action: 'records.area_changed', details: { kind, force: options.forceCode ?? null, records: moved } },
            m,
          );
          counts.changed += ids.length;
        }
        if (rows.length < batchSize) break;
      }
      for (const key of Object.keys(total) as (keyof PlaceRecordsCounts)[]) total[key] += counts[key];
    }
    const result = { ...total, byKind };
    await audit.record(
      actor,
      { action: 'records.placed', details: { force: options.forceCode ?? null, ...result } },
      m,
    );
    return result;
  });
}
