/** A stratum (cell) of the random part: records sharing the same stratification values. */
export interface Cell {
  key: string;
  area: string | null;
  team: string | null;
  size: number;
}

/**
 * How many of `total` random items each cell gets: proportional to its size by the highest-averages method (each
 * next item goes to the cell with the largest size ÷ (items so far + 1)), after first giving every inspector area
 * at least `areaFloor` items (or all it has), and never more than a team's remaining capacity. Floors win over the
 * total: the sample grows rather than leave an area out. Ties go to the smaller key, so the result is a pure function
 * of its inputs.
 *
 * With `oneForEveryCell` (algorithm version 2), every non-empty cell first gets one item, largest cells first, while
 * the total lasts: a stratum left with no item is a part of the month the estimate cannot speak for, so it is left
 * out only when the total is smaller than the number of cells (or a team's quota is spent), and the estimate then
 * names it. Version 1 (without) stays as it was, so samples drawn with it still verify.
 */
export function allocate(
  cells: readonly Cell[],
  total: number,
  areaFloor: number,
  teamCapacity: ReadonlyMap<string, number> | null,
  options: { oneForEveryCell?: boolean } = {},
): Map<string, number> {
  const sorted = [...cells].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const alloc = new Map<string, number>(sorted.map((c) => [c.key, 0]));
  const teamUsed = new Map<string, number>();
  const canTake = (c: Cell) =>
    alloc.get(c.key)! < c.size &&
    (teamCapacity === null || c.team === null || (teamUsed.get(c.team) ?? 0) < (teamCapacity.get(c.team) ?? Infinity));
  const give = (c: Cell) => {
    alloc.set(c.key, alloc.get(c.key)! + 1);
    if (c.team !== null) teamUsed.set(c.team, (teamUsed.get(c.team) ?? 0) + 1);
  };
  const pick = (candidates: readonly Cell[]): Cell | undefined => {
    let best: Cell | undefined;
    let bestScore = -1;
    for (const c of candidates) {
      if (!canTake(c)) continue;
      const score = c.size / (alloc.get(c.key)! + 1);
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  };

  let given = 0;
  if (options.oneForEveryCell) {
    const bySize = [...sorted].sort((a, b) => b.size - a.size);
    for (const c of bySize) {
      if (given >= total) break;
      if (c.size === 0 || !canTake(c)) continue;
      give(c);
      given++;
    }
  }
  if (areaFloor > 0) {
    const areas = [...new Set(sorted.map((c) => c.area).filter((a): a is string => a !== null))].sort();
    for (const area of areas) {
      const inArea = sorted.filter((c) => c.area === area);
      const already = inArea.reduce((t, c) => t + alloc.get(c.key)!, 0);
      for (let n = already; n < areaFloor; n++) {
        const c = pick(inArea);
        if (!c) break;
        give(c);
        given++;
      }
    }
  }
  while (given < total) {
    const c = pick(sorted);
    if (!c) break;
    give(c);
    given++;
  }
  return alloc;
}
