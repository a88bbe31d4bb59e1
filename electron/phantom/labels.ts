import type { GridCell } from './grid';
import type { GridLesion } from './lesions';
import type { Rng } from './random';

export interface GlobalLabels {
  active_inflammation: boolean;
  asas_bme: boolean;
  structural: boolean;
}
export const LABEL_KEYS = ['active_inflammation', 'asas_bme', 'structural'] as const;

/** Slices (sorted) on which each location (joint:quadrant) shows the lesion. */
function slicesByLocation(grid: readonly GridCell[], lesion: GridLesion): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of grid) {
    if (!c.lesions.includes(lesion)) continue;
    const key = `${c.joint}:${c.quadrant}`;
    const list = out.get(key) ?? [];
    list.push(c.slice);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

function longestRun(sorted: readonly number[]): number {
  let best = 0;
  let run = 0;
  for (let n = 0; n < sorted.length; n++) {
    run = n > 0 && sorted[n] === sorted[n - 1] + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

const maxRun = (m: Map<string, number[]>): number => Math.max(0, ...[...m.values()].map(longestRun));

/**
 * ASAS positive MRI (READING.md): BME in subchondral/periarticular marrow, one lesion on >= 2
 * consecutive slices (the same location), or >= 2 lesions on one slice. Capsulitis, enthesitis or
 * fluid alone do not count.
 */
export function asasPositive(grid: readonly GridCell[]): boolean {
  if (maxRun(slicesByLocation(grid, 'bme')) >= 2) return true;
  const slices = new Set(grid.filter((c) => c.lesions.includes('bme')).map((c) => c.slice));
  for (const slice of slices) {
    const cells = grid.filter((c) => c.slice === slice && c.lesions.includes('bme'));
    // Two BME quadrants on one slice, or two separate lesions within one quadrant.
    if (cells.length >= 2 || cells.some((c) => c.bmeLesions >= 2)) return true;
  }
  return false;
}

/** Definite active lesion: BME in >= 4 joint quadrants (distinct, any slices), or at the same location on >= 3 consecutive slices. */
export function definiteActive(grid: readonly GridCell[]): boolean {
  const bme = slicesByLocation(grid, 'bme');
  return bme.size >= 4 || maxRun(bme) >= 3;
}

/**
 * Definite structural lesion (READING.md): erosion in >= 3 quadrants, fat lesion in >= 5
 * quadrants, erosion at the same location on >= 2 consecutive slices, fat lesion at the same
 * location on >= 3 consecutive slices, or a fat lesion deeper than 1 cm. Added here: any
 * backfill or ankylosis (both specific for axSpA; the SSS scores them).
 */
export function definiteStructural(grid: readonly GridCell[]): boolean {
  const erosion = slicesByLocation(grid, 'erosion');
  const fat = slicesByLocation(grid, 'fat_lesion');
  if (erosion.size >= 3 || fat.size >= 5) return true;
  if (maxRun(erosion) >= 2 || maxRun(fat) >= 3) return true;
  if (grid.some((c) => c.fatDeep)) return true;
  return grid.some((c) => c.lesions.includes('backfill') || c.lesions.includes('ankylosis'));
}

export function labelsFromGrid(grid: readonly GridCell[]): GlobalLabels {
  return {
    active_inflammation: definiteActive(grid),
    asas_bme: asasPositive(grid),
    structural: definiteStructural(grid),
  };
}

/**
 * Reader disagreement: each reference label is flipped with probability `rate`. The rule-derived
 * labels are kept in truth.json beside the noisy ones.
 */
export function applyLabelNoise(
  labels: GlobalLabels,
  rate: number,
  rng: Rng,
): { labels: GlobalLabels; flipped: string[] } {
  const out = { ...labels };
  const flipped: string[] = [];
  for (const key of LABEL_KEYS) {
    if (rng.chance(rate)) {
      out[key] = !out[key];
      flipped.push(key);
    }
  }
  return { labels: out, flipped };
}
