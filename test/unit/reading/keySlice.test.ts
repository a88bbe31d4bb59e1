import { describe, expect, it } from 'vitest';
import { mapPeakSlice, newReading, readerKeySlice, setCell, type Reading } from '../../../electron/reading';
import type { Volume } from '../../../electron/imaging';
import { at, exam, reader } from './fixtures';

const fresh = (): Reading =>
  newReading({ readingId: 'r-1', exam, author: reader, at: at(0), blinded: false });

describe("a report's key slice", () => {
  it("is the reader's first key image, else the slice with most lesions, else none", () => {
    let r = fresh();
    expect(readerKeySlice(r)).toBeNull();
    r = setCell(r, { slice: 3, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }, at(1));
    r = setCell(r, { slice: 7, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme', 'erosion'] }, at(1));
    r = setCell(r, { slice: 3, joint: 'right', quadrant: 'lower_sacrum', lesions: ['bme'] }, at(1));
    r = setCell(r, { slice: 5, joint: 'right', quadrant: 'lower_sacrum', lesions: ['sclerosis'] }, at(1));
    // slice 3: 2 lesions, slice 7: 2 lesions, slice 5: 1; a tie goes to the lower slice
    expect(readerKeySlice(r)).toBe(3);
    expect(readerKeySlice({ ...r, keyImages: [{ slice: 9, sequence: 't1', cam: false }] })).toBe(9);
  });

  it("falls on the stack slice through the map's maximum, on the map's own grid", () => {
    // a 4 x 4 x 2 map of 8 x 8 x 4 mm cells starting at z = 10 mm; its maximum in cell (1, 2, 1): centre z = 14 mm
    const map: Volume = {
      dims: [4, 4, 2],
      spacing: [8, 8, 4],
      affine: [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 4, 10, 0, 0, 0, 1],
      data: new Float32Array(32),
    };
    map.data[1 + 4 * (2 + 4 * 1)] = 0.9;
    map.data[0] = 0.5;
    // stacks from z = 0: z = 14 mm is slice 14 of a 1 mm stack, and halfway between slices 3 and 4 of a 4 mm one
    const stack = (dz: number, n: number): Volume => ({
      dims: [32, 32, n],
      spacing: [1, 1, dz],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, dz, 0, 0, 0, 0, 1],
      data: new Float32Array(0),
    });
    expect(mapPeakSlice(map, stack(1, 20))).toBe(14);
    expect(mapPeakSlice(map, stack(4, 20))).toBe(4); // 3.5 rounds up
    expect(mapPeakSlice(map, stack(1, 10))).toBe(9); // clamped into the stack
  });
});
