import { describe, expect, it } from 'vitest';
import { JOINTS, QUADRANTS, SPARCC_MAX, sparccInflammation, type GridCell } from '../../../electron/reading';
import { c, r } from './cells';

// Worked example A, scored by hand:
//   slice 2: L-UI bme                                   (outside a window starting at 3)
//   slice 3: L-UI bme intense, L-LI bme, R-US bme deep -> 3 quadrants + intense L + deep R = 5
//   slice 4: L-UI bme intense+deep, R-LS bme           -> 2 + intense L + deep L          = 4
//   slice 5: capsulitis R-UI, enthesitis L-LS           -> 0 (not BME)
//   slice 8: all four right quadrants bme, R-LI and R-US intense -> 4 + intense R (once)  = 5
//   slice 9: L-LS bme                                   (outside window 3..8)
// Window 3..8 = 5 + 4 + 0 + 0 + 0 + 5 = 14; window 4..9 = 4 + 0 + 0 + 0 + 5 + 1 = 10.
const exampleA: GridCell[] = [
  c(2, 'L', 'UI', ['bme']),
  c(3, 'L', 'UI', ['bme'], { bmeIntense: true }),
  c(3, 'L', 'LI', ['bme']),
  c(3, 'R', 'US', ['bme'], { bmeDeep: true }),
  c(4, 'L', 'UI', ['bme'], { bmeIntense: true, bmeDeep: true }),
  c(4, 'R', 'LS', ['bme']),
  c(5, 'R', 'UI', ['capsulitis']),
  c(5, 'L', 'LS', ['enthesitis']),
  c(8, 'R', 'UI', ['bme']),
  c(8, 'R', 'LI', ['bme'], { bmeIntense: true }),
  c(8, 'R', 'US', ['bme'], { bmeIntense: true }),
  c(8, 'R', 'LS', ['bme']),
  c(9, 'L', 'LS', ['bme']),
];

describe('SPARCC SIJ inflammation', () => {
  it('scores worked example A over the reader-chosen window 3..8 as 14', () => {
    const res = sparccInflammation(exampleA, 3);
    expect(res.slices).toEqual([3, 4, 5, 6, 7, 8]);
    expect(res.perSlice.map((s) => s.total)).toEqual([5, 4, 0, 0, 0, 5]);
    expect(res.score).toBe(14);
    expect(res.perSlice[0]).toMatchObject({
      quadrants: 3,
      intense: { left: true, right: false },
      deep: { left: false, right: true },
    });
    expect(res.intenseCells).toEqual([r(3, 'L', 'UI'), r(4, 'L', 'UI'), r(8, 'R', 'LI'), r(8, 'R', 'US')]);
    expect(res.deepCells).toEqual([r(3, 'R', 'US'), r(4, 'L', 'UI')]);
    expect(res.cells).not.toContainEqual(r(2, 'L', 'UI'));
    expect(res.cells).toHaveLength(9);
  });

  it('moving the window changes the score (window 4..9 = 10)', () => {
    const res = sparccInflammation(exampleA, 4);
    expect(res.perSlice.map((s) => s.total)).toEqual([4, 0, 0, 0, 5, 1]);
    expect(res.score).toBe(10);
  });

  it('reaches the maximum 72 only when all 8 quadrants are intense and deep on all 6 slices', () => {
    const full: GridCell[] = [];
    for (let slice = 0; slice < 6; slice++)
      for (const joint of JOINTS)
        for (const quadrant of QUADRANTS)
          full.push({ slice, joint, quadrant, lesions: ['bme'], bmeIntense: true, bmeDeep: true });
    expect(sparccInflammation(full, 0).score).toBe(SPARCC_MAX);
    // the bonus is per joint per slice: dropping the flag on one cell of a joint changes nothing
    full[0].bmeIntense = false;
    expect(sparccInflammation(full, 0).score).toBe(72);
    // dropping it on all 4 cells of the left joint on slice 0 loses exactly 1
    for (const cell of full.filter((x) => x.slice === 0 && x.joint === 'left')) cell.bmeIntense = false;
    expect(sparccInflammation(full, 0).score).toBe(71);
  });

  it('applies the joint-height rule: 10-30 mm scores upper quadrants only, < 10 mm none', () => {
    // slice 3 left joint is 20 mm high: L-LI is not scored (slice 3 = 2 quadrants + intense L + deep R = 4)
    // slice 4 left joint is 8 mm high: the left joint is not scored, nor its intense/deep bonus (slice 4 = 1)
    const res = sparccInflammation(exampleA, 3, [
      { slice: 3, joint: 'left', heightMm: 20 },
      { slice: 4, joint: 'left', heightMm: 8 },
      { slice: 8, joint: 'right', heightMm: 30 },
    ]);
    expect(res.perSlice.map((s) => s.total)).toEqual([4, 1, 0, 0, 0, 5]);
    expect(res.score).toBe(10);
    expect(res.excludedByHeight).toEqual([r(3, 'L', 'LI'), r(4, 'L', 'UI')]);
  });

  it('counts a lesion spanning two quadrants once per quadrant it occupies', () => {
    const spanning = [
      c(0, 'R', 'UI', ['bme'], { lesionRefs: { bme: 'a' } }),
      c(0, 'R', 'LI', ['bme'], { lesionRefs: { bme: 'a' } }),
    ];
    expect(sparccInflammation(spanning, 0).score).toBe(2);
  });

  it('rejects a window that does not start on a slice', () => {
    expect(() => sparccInflammation(exampleA, -1)).toThrow(/slice index/);
    expect(() => sparccInflammation(exampleA, 1.5)).toThrow(/slice index/);
  });
});
