import { sameLocationRuns, uniqueCells, type CellRef, type GridCell } from '../grid';

export interface AsasPositiveResult {
  positive: boolean;
  /** BME at one location on >= 2 consecutive slices */
  consecutiveRuns: CellRef[][];
  /** slices carrying >= 2 distinct BME lesions, with their cells */
  multiLesionSlices: { slice: number; lesions: number; cells: CellRef[] }[];
  cells: CellRef[];
}

/**
 * ASAS positive MRI (Lambert et al. 2016; Maksymowych et al. 2019): BME highly suggestive of SpA,
 * one lesion on >= 2 consecutive slices or >= 2 lesions on one slice. Only BME counts: capsulitis,
 * joint-space enhancement (synovitis), enthesitis or fluid alone never make it positive. Cells in
 * different quadrants of one slice are separate lesions unless they share a lesion id (one lesion
 * crossing a quadrant boundary); a cell may also record several separate lesions (`bmeLesions`).
 */
export function asasPositive(grid: readonly GridCell[]): AsasPositiveResult {
  const bme = grid.filter((c) => c.lesions.includes('bme'));
  const consecutiveRuns = sameLocationRuns(grid, 'bme', 2);
  const slices = [...new Set(bme.map((c) => c.slice))].sort((a, b) => a - b);
  const multiLesionSlices = slices.flatMap((slice) => {
    const here = bme.filter((c) => c.slice === slice);
    const shared = new Set(here.flatMap((c) => (c.lesionRefs?.bme ? [c.lesionRefs.bme] : [])));
    const separate = here
      .filter((c) => !c.lesionRefs?.bme)
      .reduce((n, c) => n + Math.max(1, c.bmeLesions ?? 1), 0);
    const lesions = shared.size + separate;
    return lesions >= 2 ? [{ slice, lesions, cells: uniqueCells(here) }] : [];
  });
  return {
    positive: consecutiveRuns.length > 0 || multiLesionSlices.length > 0,
    consecutiveRuns,
    multiLesionSlices,
    cells: uniqueCells([...consecutiveRuns.flat(), ...multiLesionSlices.flatMap((s) => s.cells)]),
  };
}
