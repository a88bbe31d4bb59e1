import {
  JOINTS,
  halfOf,
  uniqueCells,
  type CellRef,
  type GridCell,
  type Joint,
  type JointHalf,
} from '../grid';
import { scorableLookup, type JointHeight } from '../jointHeight';

/** SSS is read on 5 consecutive T1 slices, from the transitional slice towards the anterior joint. */
export const SSS_WINDOW_SLICES = 5;
export const SSS_MAX = 120;

export interface SssWindow {
  /** the slice showing the transition from the cartilaginous to the ligamentous compartment */
  transitionalSlice: number;
  /** +1 when anterior is towards higher slice indices in this series, -1 otherwise */
  anteriorStep: 1 | -1;
}

export interface HalfRef {
  slice: number;
  joint: Joint;
  half: JointHalf;
}

export interface SssResult {
  score: number;
  slices: number[];
  fat: { score: number; cells: CellRef[] };
  erosion: { score: number; cells: CellRef[] };
  backfill: { score: number; halves: HalfRef[]; cells: CellRef[] };
  ankylosis: { score: number; halves: HalfRef[]; cells: CellRef[] };
  excludedByHeight: CellRef[];
}

export function sssWindowSlices(w: SssWindow): number[] {
  return Array.from({ length: SSS_WINDOW_SLICES }, (_, i) => w.transitionalSlice + i * w.anteriorStep);
}

/**
 * SPARCC SIJ structural score (Maksymowych et al., J Rheumatol 2015): fat metaplasia and erosion
 * 1 per quadrant per slice (0-40 each), backfill and ankylosis 1 per joint half per slice (0-20
 * each), over the 5 window slices.
 */
export function sparccStructural(
  grid: readonly GridCell[],
  window: SssWindow,
  jointHeights?: readonly JointHeight[],
): SssResult {
  const slices = sssWindowSlices(window);
  if (!Number.isInteger(window.transitionalSlice) || slices.some((s) => s < 0)) {
    throw new Error(
      `SSS window from transitional slice ${window.transitionalSlice} leaves the series (slices ${slices.join(', ')})`,
    );
  }
  const scorable = scorableLookup(jointHeights);
  const inWindow = grid.filter((c) => slices.includes(c.slice));
  const counted = inWindow.filter((c) => scorable(c.slice, c.joint, c.quadrant));
  const structuralKeys = ['fat_lesion', 'erosion', 'backfill', 'ankylosis'] as const;
  const excludedByHeight = inWindow.filter(
    (c) =>
      !scorable(c.slice, c.joint, c.quadrant) &&
      c.lesions.some((l) => (structuralKeys as readonly string[]).includes(l)),
  );
  const perQuadrant = (lesion: 'fat_lesion' | 'erosion') => {
    const cells = uniqueCells(counted.filter((c) => c.lesions.includes(lesion)));
    return { score: cells.length, cells };
  };
  const perHalf = (lesion: 'backfill' | 'ankylosis') => {
    const cells = counted.filter((c) => c.lesions.includes(lesion));
    const halves = new Map<string, HalfRef>();
    for (const c of cells) {
      const h: HalfRef = { slice: c.slice, joint: c.joint, half: halfOf(c.quadrant) };
      halves.set(`${h.slice}/${h.joint}/${h.half}`, h);
    }
    const sorted = [...halves.values()].sort(
      (a, b) =>
        a.slice - b.slice ||
        JOINTS.indexOf(a.joint) - JOINTS.indexOf(b.joint) ||
        (a.half === 'upper' ? -1 : 1),
    );
    return { score: sorted.length, halves: sorted, cells: uniqueCells(cells) };
  };
  const fat = perQuadrant('fat_lesion');
  const erosion = perQuadrant('erosion');
  const backfill = perHalf('backfill');
  const ankylosis = perHalf('ankylosis');
  return {
    score: fat.score + erosion.score + backfill.score + ankylosis.score,
    slices,
    fat,
    erosion,
    backfill,
    ankylosis,
    excludedByHeight: uniqueCells(excludedByHeight),
  };
}
