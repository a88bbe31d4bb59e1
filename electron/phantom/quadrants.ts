import { Region, type Anatomy } from './anatomy';

export const QUADRANTS = ['upper_ilium', 'lower_ilium', 'upper_sacrum', 'lower_sacrum'] as const;
export type Quadrant = (typeof QUADRANTS)[number];
export const JOINTS = ['right', 'left'] as const;
export type Joint = (typeof JOINTS)[number];

/** Cells per slice: joint (right 0..3, left 4..7) x quadrant. */
export const CELLS_PER_SLICE = 8;

/**
 * The grid cell (joint * 4 + quadrant) of the point (u, v, w) that `anat` has just classified.
 * Ilium vs sacrum: the bone the voxel lies in; in the joint gap or soft tissue, the nearer joint
 * surface. Upper vs lower: above or below the midpoint of the joint's extent in that plane.
 */
export function cellOf(anat: Anatomy, u: number, v: number, w: number): number {
  let ilium: boolean;
  if (anat.region === Region.ilium) ilium = true;
  else if (anat.region === Region.sacrum) ilium = false;
  else if (anat.region === Region.joint) ilium = anat.gapFraction >= 0.5;
  else {
    const side = u >= 0 ? 1 : 0;
    const a = u < 0 ? -u : u;
    ilium = a >= anat.halfWidth(side, v, w) + anat.gap(side, v, w) / 2;
  }
  const upper = v >= anat.jointMidV(w);
  return anat.side * 4 + (ilium ? 0 : 2) + (upper ? 0 : 1);
}
