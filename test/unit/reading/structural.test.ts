import { describe, expect, it } from 'vitest';
import {
  JOINTS,
  QUADRANTS,
  SSS_MAX,
  berlinScore,
  sparccStructural,
  type GridCell,
} from '../../../electron/reading';
import { c, r } from './cells';

// Worked example B (SSS), transitional slice 10, anterior towards lower indices -> slices 10,9,8,7,6:
//   slice 10: L-UI fat + erosion, L-LI fat, R-US backfill, R-LI ankylosis, R-LS ankylosis
//   slice 8:  R-UI erosion + fat, L-LS backfill, L-US backfill
//   slice 11: L-UI fat          (posterior to the transitional slice: outside)
//   slice 5:  R-LI erosion      (6th slice: outside)
// fat 2 + 1 = 3; erosion 1 + 1 = 2; backfill: slice 10 R upper, slice 8 L lower + L upper = 3;
// ankylosis: slice 10 R lower (two quadrants of one half count once) = 1. SSS = 9.
const exampleB: GridCell[] = [
  c(10, 'L', 'UI', ['fat_lesion', 'erosion']),
  c(10, 'L', 'LI', ['fat_lesion']),
  c(10, 'R', 'US', ['backfill']),
  c(10, 'R', 'LI', ['ankylosis']),
  c(10, 'R', 'LS', ['ankylosis']),
  c(8, 'R', 'UI', ['erosion', 'fat_lesion']),
  c(8, 'L', 'LS', ['backfill']),
  c(8, 'L', 'US', ['backfill']),
  c(11, 'L', 'UI', ['fat_lesion']),
  c(5, 'R', 'LI', ['erosion']),
];

describe('SPARCC SIJ structural score (SSS)', () => {
  it('scores worked example B over 5 slices from the transitional slice anteriorly as 9', () => {
    const res = sparccStructural(exampleB, { transitionalSlice: 10, anteriorStep: -1 });
    expect(res.slices).toEqual([10, 9, 8, 7, 6]);
    expect(res.fat.score).toBe(3);
    expect(res.erosion.score).toBe(2);
    expect(res.backfill.score).toBe(3);
    expect(res.ankylosis.score).toBe(1);
    expect(res.score).toBe(9);
    expect(res.ankylosis.halves).toEqual([{ slice: 10, joint: 'right', half: 'lower' }]);
    expect(res.ankylosis.cells).toEqual([r(10, 'R', 'LI'), r(10, 'R', 'LS')]);
    expect(res.erosion.cells).toEqual([r(8, 'R', 'UI'), r(10, 'L', 'UI')]);
  });

  it('follows the series direction: anterior towards higher indices scores slices 10..14 (= 6)', () => {
    const res = sparccStructural(exampleB, { transitionalSlice: 10, anteriorStep: 1 });
    expect(res.slices).toEqual([10, 11, 12, 13, 14]);
    // fat: slice 10 two + slice 11 one = 3; erosion 1; backfill 1; ankylosis 1
    expect([res.fat.score, res.erosion.score, res.backfill.score, res.ankylosis.score]).toEqual([3, 1, 1, 1]);
    expect(res.score).toBe(6);
  });

  it('reaches 120 only with every quadrant and half positive on all 5 slices', () => {
    const full: GridCell[] = [];
    for (let slice = 0; slice < 5; slice++)
      for (const joint of JOINTS)
        for (const quadrant of QUADRANTS)
          full.push({ slice, joint, quadrant, lesions: ['fat_lesion', 'erosion', 'backfill', 'ankylosis'] });
    const res = sparccStructural(full, { transitionalSlice: 0, anteriorStep: 1 });
    expect([res.fat.score, res.erosion.score, res.backfill.score, res.ankylosis.score]).toEqual([
      40, 40, 20, 20,
    ]);
    expect(res.score).toBe(SSS_MAX);
  });

  it('applies the joint-height rule to quadrants and halves', () => {
    // slice 10 left is 15 mm: only upper quadrants -> L-LI fat is dropped; slice 8 left is 5 mm: no left
    // joint at all -> L-LS and L-US backfill dropped. fat 2, erosion 2, backfill 1, ankylosis 1 = 6.
    const res = sparccStructural(exampleB, { transitionalSlice: 10, anteriorStep: -1 }, [
      { slice: 10, joint: 'left', heightMm: 15 },
      { slice: 8, joint: 'left', heightMm: 5 },
    ]);
    expect([res.fat.score, res.erosion.score, res.backfill.score, res.ankylosis.score]).toEqual([2, 2, 1, 1]);
    expect(res.excludedByHeight).toEqual([r(8, 'L', 'US'), r(8, 'L', 'LS'), r(10, 'L', 'LI')]);
  });

  it('refuses a window that runs off the start of the series', () => {
    expect(() => sparccStructural(exampleB, { transitionalSlice: 2, anteriorStep: -1 })).toThrow(
      /leaves the series/,
    );
  });
});

describe('Berlin BME score', () => {
  it('grades each quadrant by its largest recorded extent and sums (0-24)', () => {
    // L-UI: extent 2 on slice 3, 3 on slice 4 -> 3; R-LS extent 1 -> 1; L-LI BME without extent -> 1
    const res = berlinScore([
      c(3, 'L', 'UI', ['bme'], { bmeExtent: 2 }),
      c(4, 'L', 'UI', ['bme'], { bmeExtent: 3 }),
      c(4, 'R', 'LS', ['bme'], { bmeExtent: 1 }),
      c(6, 'L', 'LI', ['bme']),
      c(6, 'R', 'UI', ['fat_lesion']),
    ]);
    expect(res.score).toBe(5);
    expect(res.quadrants.find((q) => q.joint === 'left' && q.quadrant === 'upper_ilium')).toMatchObject({
      grade: 3,
      cells: [r(4, 'L', 'UI')],
    });
    expect(res.missingExtent).toEqual([r(6, 'L', 'LI')]);
    expect(res.quadrants).toHaveLength(8);
  });

  it('is 24 with every quadrant > 66%', () => {
    const grid: GridCell[] = [];
    for (const joint of JOINTS)
      for (const quadrant of QUADRANTS)
        grid.push({ slice: 0, joint, quadrant, lesions: ['bme'], bmeExtent: 3 });
    expect(berlinScore(grid).score).toBe(24);
  });
});
