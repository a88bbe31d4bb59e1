import { JOINTS, uniqueCells, type CellRef, type GridCell, type Joint } from '../grid';
import { scorableLookup, type JointHeight } from '../jointHeight';

/** SPARCC SIJ inflammation is read on 6 consecutive semicoronal slices chosen by the reader. */
export const SPARCC_WINDOW_SLICES = 6;
export const SPARCC_MAX = 72;

export interface SparccSliceScore {
  slice: number;
  quadrants: number;
  intense: Record<Joint, boolean>;
  deep: Record<Joint, boolean>;
  total: number;
}

export interface SparccInflammationResult {
  score: number;
  slices: number[];
  perSlice: SparccSliceScore[];
  /** BME cells that scored a quadrant point */
  cells: CellRef[];
  /** cells whose intense / deep flag earned the joint's bonus on that slice */
  intenseCells: CellRef[];
  deepCells: CellRef[];
  /** BME cells inside the window that the joint-height rule excluded */
  excludedByHeight: CellRef[];
}

export function sparccWindowSlices(firstSlice: number): number[] {
  return Array.from({ length: SPARCC_WINDOW_SLICES }, (_, i) => firstSlice + i);
}

/**
 * 1 point per quadrant with BME (<= 8 per slice), +1 per joint per slice when any of its BME is
 * intense, +1 per joint per slice when any is deep; summed over the 6 window slices (0-72).
 */
export function sparccInflammation(
  grid: readonly GridCell[],
  firstSlice: number,
  jointHeights?: readonly JointHeight[],
): SparccInflammationResult {
  if (!Number.isInteger(firstSlice) || firstSlice < 0) {
    throw new Error(`SPARCC window must start at a slice index >= 0, got ${firstSlice}`);
  }
  const slices = sparccWindowSlices(firstSlice);
  const scorable = scorableLookup(jointHeights);
  const bme = grid.filter((c) => c.lesions.includes('bme') && slices.includes(c.slice));
  const counted = bme.filter((c) => scorable(c.slice, c.joint, c.quadrant));
  const excludedByHeight = bme.filter((c) => !scorable(c.slice, c.joint, c.quadrant));
  const intenseCells: GridCell[] = [];
  const deepCells: GridCell[] = [];
  const perSlice = slices.map((slice): SparccSliceScore => {
    const here = counted.filter((c) => c.slice === slice);
    const quadrants = new Set(here.map((c) => `${c.joint}/${c.quadrant}`)).size;
    const intense = { left: false, right: false };
    const deep = { left: false, right: false };
    for (const joint of JOINTS) {
      const inJoint = here.filter((c) => c.joint === joint);
      intense[joint] = inJoint.some((c) => c.bmeIntense);
      deep[joint] = inJoint.some((c) => c.bmeDeep);
      intenseCells.push(...inJoint.filter((c) => c.bmeIntense));
      deepCells.push(...inJoint.filter((c) => c.bmeDeep));
    }
    const total = quadrants + JOINTS.filter((j) => intense[j]).length + JOINTS.filter((j) => deep[j]).length;
    return { slice, quadrants, intense, deep, total };
  });
  return {
    score: perSlice.reduce((s, p) => s + p.total, 0),
    slices,
    perSlice,
    cells: uniqueCells(counted),
    intenseCells: uniqueCells(intenseCells),
    deepCells: uniqueCells(deepCells),
    excludedByHeight: uniqueCells(excludedByHeight),
  };
}
