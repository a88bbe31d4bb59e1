import { distinctLocations, sameLocationRuns, uniqueCells, type CellRef, type GridCell } from '../grid';

export interface DefiniteActiveResult {
  definite: boolean;
  /** distinct quadrants (any slice) with BME, and whether that reached 4 */
  quadrantCount: number;
  byQuadrantCount: boolean;
  /** BME at one location on >= 3 consecutive slices */
  consecutiveRuns: CellRef[][];
  cells: CellRef[];
}

/**
 * ASAS MRI working group (Maksymowych et al. 2019) definite active lesion suggestive of axSpA: BME
 * in >= 4 quadrants at any location, or at the same location on >= 3 consecutive slices.
 */
export function definiteActiveLesion(grid: readonly GridCell[]): DefiniteActiveResult {
  const quadrantCount = distinctLocations(grid, 'bme').length;
  const byQuadrantCount = quadrantCount >= 4;
  const consecutiveRuns = sameLocationRuns(grid, 'bme', 3);
  const bmeCells = grid.filter((c) => c.lesions.includes('bme'));
  return {
    definite: byQuadrantCount || consecutiveRuns.length > 0,
    quadrantCount,
    byQuadrantCount,
    consecutiveRuns,
    cells: uniqueCells([...(byQuadrantCount ? bmeCells : []), ...consecutiveRuns.flat()]),
  };
}
