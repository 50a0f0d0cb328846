/** One page of a list, and how many match in all. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Page bounds: 50 by default, at most 200. */
export function pageOf(page: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const limit = Number.isInteger(page.limit) && page.limit! > 0 ? Math.min(page.limit!, 200) : 50;
  const offset = Number.isInteger(page.offset) && page.offset! > 0 ? page.offset! : 0;
  return { limit, offset };
}
