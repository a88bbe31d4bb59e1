import { distinctLocations, sameLocationRuns, uniqueCells, type CellRef, type GridCell } from '../grid';

export type DefiniteStructuralCriterion =
  'erosion_3_quadrants' | 'fat_5_quadrants' | 'erosion_2_consecutive' | 'fat_3_consecutive' | 'fat_deep';

export interface DefiniteStructuralResult {
  definite: boolean;
  criteria: { criterion: DefiniteStructuralCriterion; cells: CellRef[] }[];
  erosionQuadrants: number;
  fatQuadrants: number;
  cells: CellRef[];
}

/**
 * ASAS MRI working group (Maksymowych et al. 2019) definite structural lesion suggestive of axSpA:
 * erosion in >= 3 quadrants, or fat lesion in >= 5 quadrants, or erosion at the same location on
 * >= 2 consecutive slices, or fat lesion at the same location on >= 3 consecutive slices, or a fat
 * lesion deeper than 1 cm.
 */
export function definiteStructuralLesion(grid: readonly GridCell[]): DefiniteStructuralResult {
  const erosionCells = grid.filter((c) => c.lesions.includes('erosion'));
  const fatCells = grid.filter((c) => c.lesions.includes('fat_lesion'));
  const erosionQuadrants = distinctLocations(grid, 'erosion').length;
  const fatQuadrants = distinctLocations(grid, 'fat_lesion').length;
  const criteria: DefiniteStructuralResult['criteria'] = [];
  if (erosionQuadrants >= 3)
    criteria.push({ criterion: 'erosion_3_quadrants', cells: uniqueCells(erosionCells) });
  if (fatQuadrants >= 5) criteria.push({ criterion: 'fat_5_quadrants', cells: uniqueCells(fatCells) });
  const erosionRuns = sameLocationRuns(grid, 'erosion', 2);
  if (erosionRuns.length > 0)
    criteria.push({ criterion: 'erosion_2_consecutive', cells: uniqueCells(erosionRuns.flat()) });
  const fatRuns = sameLocationRuns(grid, 'fat_lesion', 3);
  if (fatRuns.length > 0)
    criteria.push({ criterion: 'fat_3_consecutive', cells: uniqueCells(fatRuns.flat()) });
  const deepFat = fatCells.filter((c) => c.fatDeep);
  if (deepFat.length > 0) criteria.push({ criterion: 'fat_deep', cells: uniqueCells(deepFat) });
  return {
    definite: criteria.length > 0,
    criteria,
    erosionQuadrants,
    fatQuadrants,
    cells: uniqueCells(criteria.flatMap((c) => c.cells)),
  };
}
