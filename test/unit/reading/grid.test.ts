import { describe, expect, it } from 'vitest';
import {
  computeScores,
  normaliseGrid,
  quadrantsOfLesion,
  scorableQuadrants,
  type GridCell,
} from '../../../electron/reading';
import type { GridCell as PhantomGridCell } from '../../../electron/phantom';
import { c } from './cells';

// Compile-time check that the phantom's truth grid type is accepted as it is.
export const scorePhantomGrid = (grid: readonly PhantomGridCell[]) =>
  computeScores({ grid, sparccFirstSlice: 0, sssWindow: null });

describe('joint-height rule', () => {
  it('scores no quadrant under 10 mm, upper quadrants from 10 to under 30 mm, all from 30 mm', () => {
    expect(scorableQuadrants(undefined)).toHaveLength(4);
    expect(scorableQuadrants(9.9)).toEqual([]);
    expect(scorableQuadrants(10)).toEqual(['upper_ilium', 'upper_sacrum']);
    expect(scorableQuadrants(29.9)).toEqual(['upper_ilium', 'upper_sacrum']);
    expect(scorableQuadrants(30)).toHaveLength(4);
  });
});

describe('lesions placed in a view -> quadrants', () => {
  // joint from 0 to 40 mm (cranial to caudal): the upper/lower line is at 20 mm
  const joint = { jointTopMm: 0, jointBottomMm: 40 };
  it('a lesion wholly above the mid-height line is upper', () => {
    expect(quadrantsOfLesion({ ...joint, lesionTopMm: 5, lesionBottomMm: 15, bones: ['ilium'] })).toEqual([
      'upper_ilium',
    ]);
  });
  it('a lesion crossing the line occupies upper and lower quadrants', () => {
    expect(quadrantsOfLesion({ ...joint, lesionTopMm: 15, lesionBottomMm: 25, bones: ['ilium'] })).toEqual([
      'upper_ilium',
      'lower_ilium',
    ]);
  });
  it('a lesion straddling the joint line occupies both bones', () => {
    expect(
      quadrantsOfLesion({ ...joint, lesionTopMm: 35, lesionBottomMm: 25, bones: ['sacrum', 'ilium'] }),
    ).toEqual(['lower_ilium', 'lower_sacrum']);
  });
  it('a lesion touching the line from above stays upper; a point on the line counts upper', () => {
    expect(quadrantsOfLesion({ ...joint, lesionTopMm: 10, lesionBottomMm: 20, bones: ['sacrum'] })).toEqual([
      'upper_sacrum',
    ]);
    expect(quadrantsOfLesion({ ...joint, lesionTopMm: 20, lesionBottomMm: 30, bones: ['sacrum'] })).toEqual([
      'lower_sacrum',
    ]);
    expect(quadrantsOfLesion({ ...joint, lesionTopMm: 20, lesionBottomMm: 20, bones: ['sacrum'] })).toEqual([
      'upper_sacrum',
    ]);
  });
  it('rejects a joint without height', () => {
    expect(() =>
      quadrantsOfLesion({
        jointTopMm: 5,
        jointBottomMm: 5,
        lesionTopMm: 5,
        lesionBottomMm: 5,
        bones: ['ilium'],
      }),
    ).toThrow(/caudal/);
  });
});

describe('grid', () => {
  it('merges duplicate cells, keeps flags, drops empty cells', () => {
    const grid = normaliseGrid([
      c(2, 'L', 'UI', ['bme'], { bmeIntense: true }),
      c(2, 'L', 'UI', ['erosion', 'bme'], { bmeExtent: 2 }),
      c(1, 'R', 'LS', []),
    ]);
    expect(grid).toEqual([
      {
        slice: 2,
        joint: 'left',
        quadrant: 'upper_ilium',
        lesions: ['bme', 'erosion'],
        bmeIntense: true,
        bmeDeep: undefined,
        fatDeep: undefined,
        bmeExtent: 2,
        lesionRefs: {},
        bmeLesions: 1,
      },
    ]);
  });

  it('accepts a phantom truth.json grid as it is (extra keys ignored)', () => {
    // shape of docs/INTERFACES.md §1: BME L-UI on slices 4, 5, 6, intense on 5 -> SPARCC window 3..8:
    // 1 + (1 + 1) + 1 = 4; ASAS positive (consecutive); definite active (3 consecutive)
    const truth = JSON.parse(`{ "schema": "sij-phantom-truth/1", "grid": [
      { "slice": 4, "joint": "left", "quadrant": "upper_ilium", "lesions": ["bme"], "bmeIntense": false, "bmeDeep": false, "volumeMm3": 12 },
      { "slice": 5, "joint": "left", "quadrant": "upper_ilium", "lesions": ["bme"], "bmeIntense": true, "bmeDeep": false },
      { "slice": 6, "joint": "left", "quadrant": "upper_ilium", "lesions": ["bme"], "bmeIntense": false, "bmeDeep": false } ] }`) as {
      grid: GridCell[];
    };
    const s = computeScores({ grid: truth.grid, sparccFirstSlice: 3, sssWindow: null });
    expect(s.sparcc?.score).toBe(4);
    expect(s.asasPositive.positive).toBe(true);
    expect(s.definiteActive.definite).toBe(true);
    expect(s.definiteStructural.definite).toBe(false);
    expect(s.sss).toBeNull();
  });
});
