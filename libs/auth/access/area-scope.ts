/**
 * The area hierarchy (force → district → local authority) in SQL, in one place: a user scoped to an area sees what
 * lies anywhere beneath it, whether the question is a case's scope, a sample's population or a statistics filter.
 * It lives here, under access, because the access service needs it and the records lib (which owns areas) depends
 * on this one.
 */

/** SQL for `… IN <this>`: the codes in the text[] placeholder `param` and the codes of every area within them. */
export function areasAndDescendantsSql(param: string): string {
  return `(WITH RECURSIVE d(code) AS (SELECT unnest(${param}::text[]) UNION ALL SELECT a.code FROM areas a JOIN d ON a.parent_code = d.code) SELECT code FROM d)`;
}

/**
 * SQL keeping rows that lie within any of the areas in the text[] placeholder `param`: by the rows' force column
 * (a force's records all carry it, even those placed nowhere finer) or by their area column, at any depth.
 */
export function withinAreasSql(param: string, columns: { force: string; area: string }): string {
  return `(${columns.force} = ANY(${param}::text[]) OR ${columns.area} IN ${areasAndDescendantsSql(param)})`;
}
