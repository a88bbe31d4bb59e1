import type { Lesion } from './lesions';
import { CODE_NAMES, LESION_CODES, type GridLesion } from './lesions';
import { CELLS_PER_SLICE, JOINTS, QUADRANTS, type Joint, type Quadrant } from './quadrants';
import type { RenderOutput } from './render';

/** One filled cell of the reading grid, as a reader would record it. */
export interface GridCell {
  slice: number;
  joint: Joint;
  quadrant: Quadrant;
  lesions: GridLesion[];
  /** ids of the generated lesions (truth.json `lesions`) seen in this cell */
  lesionIds: number[];
  /** number of separate BME lesions in this cell */
  bmeLesions: number;
  bmeIntense: boolean;
  bmeDeep: boolean;
  /** fat lesion reaching >= 10 mm from the articular surface */
  fatDeep: boolean;
}

/** A lesion must cover at least this area on a slice within a quadrant to be scored there. */
export const MIN_SCORED_AREA_MM2 = 5;
/** "Intense" BME: edema fraction that makes marrow as bright as slow-flowing venous blood on STIR. */
export const INTENSE_THRESHOLD = 0.85;
export const DEEP_MM = 10;

function activeKey(l: Lesion): GridLesion | undefined {
  if (l.kind === 'erosion') return l.inflamed ? 'inflammation_in_erosion' : undefined;
  if (l.kind === 'osteophyte') return undefined;
  if (
    l.kind === 'bme' ||
    l.kind === 'capsulitis' ||
    l.kind === 'joint_space_fluid' ||
    l.kind === 'enthesitis'
  )
    return l.kind;
  return undefined;
}

function structuralKey(l: Lesion): GridLesion | undefined {
  if (
    l.kind === 'erosion' ||
    l.kind === 'sclerosis' ||
    l.kind === 'fat_lesion' ||
    l.kind === 'backfill' ||
    l.kind === 'ankylosis' ||
    l.kind === 'bone_bud'
  )
    return l.kind;
  return undefined;
}

/**
 * Build the grid from what was rendered: active lesions from the STIR render, structural ones from
 * the T1 render (both series share slice positions). Lesion voxels in cells below the scoring area
 * are removed from the masks so that masks and grid say the same thing.
 */
export function buildGrid(
  lesions: readonly Lesion[],
  stir: RenderOutput,
  t1: RenderOutput,
  slices: number,
): GridCell[] {
  const cells = new Map<number, GridCell>();
  const cellFor = (k: number, c: number): GridCell => {
    const key = k * CELLS_PER_SLICE + c;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        slice: k,
        joint: JOINTS[c >> 2],
        quadrant: QUADRANTS[c & 3],
        lesions: [],
        lesionIds: [],
        bmeLesions: 0,
        bmeIntense: false,
        bmeDeep: false,
        fatDeep: false,
      };
      cells.set(key, cell);
    }
    return cell;
  };
  const scored = (out: RenderOutput, keyOf: (l: Lesion) => GridLesion | undefined): Set<string> => {
    const present = new Set<string>();
    lesions.forEach((lesion, L) => {
      const key = keyOf(lesion);
      if (!key) return;
      for (let k = 0; k < slices; k++) {
        for (let c = 0; c < CELLS_PER_SLICE; c++) {
          const a = (L * slices + k) * CELLS_PER_SLICE + c;
          if (out.area[a] < MIN_SCORED_AREA_MM2) continue;
          const cell = cellFor(k, c);
          if (!cell.lesions.includes(key)) cell.lesions.push(key);
          if (!cell.lesionIds.includes(lesion.id)) cell.lesionIds.push(lesion.id);
          if (key === 'bme') {
            cell.bmeLesions += 1;
            if (lesion.intensity >= INTENSE_THRESHOLD) cell.bmeIntense = true;
            if (out.depth[a] >= DEEP_MM) cell.bmeDeep = true;
          }
          if (key === 'fat_lesion' && out.depth[a] >= DEEP_MM) cell.fatDeep = true;
          present.add(`${k}:${c}:${LESION_CODES[key]}`);
        }
      }
    });
    return present;
  };
  const activePresent = scored(stir, activeKey);
  const structuralPresent = scored(t1, structuralKey);
  pruneMask(stir, slices, activePresent);
  pruneMask(t1, slices, structuralPresent);
  return [...cells.values()].sort(
    (a, b) =>
      a.slice - b.slice ||
      JOINTS.indexOf(a.joint) - JOINTS.indexOf(b.joint) ||
      QUADRANTS.indexOf(a.quadrant) - QUADRANTS.indexOf(b.quadrant),
  );
}

function pruneMask(out: RenderOutput, slices: number, present: Set<string>): void {
  const perSlice = out.mask.length / slices;
  const [first, last] = out.maskedRange;
  for (let idx = first; idx <= last; idx++) {
    const code = out.mask[idx];
    if (code === 0 || CODE_NAMES[code] === 'osteophyte') continue;
    const k = Math.floor(idx / perSlice);
    if (!present.has(`${k}:${out.cells[idx]}:${code}`)) {
      out.mask[idx] = 0;
      out.cells[idx] = 255;
    }
  }
}
