import { describe, expect, it } from 'vitest';
import { asasPositive, definiteActive, definiteStructural, type GridCell } from '../../../electron/phantom';

type Partial = Pick<GridCell, 'slice' | 'joint' | 'quadrant' | 'lesions'> & {
  bmeLesions?: number;
  fatDeep?: boolean;
};
const grid = (cells: Partial[]): GridCell[] =>
  cells.map((c) => ({
    lesionIds: [],
    bmeIntense: false,
    bmeDeep: false,
    fatDeep: false,
    bmeLesions: c.lesions.includes('bme') ? 1 : 0,
    ...c,
  }));

// Worked examples of the READING.md rules, written out by hand.
describe('ASAS positive MRI (BME)', () => {
  it('one BME on two consecutive slices at the same location is positive', () => {
    expect(
      asasPositive(
        grid([
          { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
          { slice: 5, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
        ]),
      ),
    ).toBe(true);
  });
  it('two BME quadrants on one slice are positive', () => {
    expect(
      asasPositive(
        grid([
          { slice: 7, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
          { slice: 7, joint: 'right', quadrant: 'lower_sacrum', lesions: ['bme'] },
        ]),
      ),
    ).toBe(true);
  });
  it('two separate lesions in one quadrant on one slice are positive', () => {
    expect(
      asasPositive(
        grid([{ slice: 7, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeLesions: 2 }]),
      ),
    ).toBe(true);
  });
  it('a single BME on one slice is negative', () => {
    expect(
      asasPositive(grid([{ slice: 3, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'] }])),
    ).toBe(false);
  });
  it('BME on non-consecutive slices in different quadrants is negative', () => {
    expect(
      asasPositive(
        grid([
          { slice: 3, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'] },
          { slice: 5, joint: 'left', quadrant: 'upper_sacrum', lesions: ['bme'] },
        ]),
      ),
    ).toBe(false);
  });
  it('capsulitis, enthesitis and fluid alone are negative', () => {
    expect(
      asasPositive(
        grid([
          { slice: 3, joint: 'right', quadrant: 'lower_ilium', lesions: ['capsulitis', 'joint_space_fluid'] },
          { slice: 4, joint: 'right', quadrant: 'lower_ilium', lesions: ['capsulitis', 'enthesitis'] },
          { slice: 4, joint: 'left', quadrant: 'lower_ilium', lesions: ['enthesitis'] },
        ]),
      ),
    ).toBe(false);
  });
});

describe('definite active lesion', () => {
  it('BME at the same location on three consecutive slices', () => {
    const g = grid(
      [3, 4, 5].map((slice) => ({
        slice,
        joint: 'left' as const,
        quadrant: 'lower_sacrum' as const,
        lesions: ['bme' as const],
      })),
    );
    expect(definiteActive(g)).toBe(true);
    expect(definiteActive(g.slice(0, 2))).toBe(false);
  });
  it('BME in four distinct quadrants anywhere', () => {
    const g = grid([
      { slice: 1, joint: 'left', quadrant: 'lower_sacrum', lesions: ['bme'] },
      { slice: 6, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
      { slice: 9, joint: 'right', quadrant: 'upper_ilium', lesions: ['bme'] },
      { slice: 12, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'] },
    ]);
    expect(definiteActive(g)).toBe(true);
    expect(definiteActive(g.slice(1))).toBe(false);
  });
  it('the same quadrant on non-consecutive slices does not count as a run', () => {
    expect(
      definiteActive(
        grid(
          [1, 3, 5].map((slice) => ({
            slice,
            joint: 'left' as const,
            quadrant: 'upper_ilium' as const,
            lesions: ['bme' as const],
          })),
        ),
      ),
    ).toBe(false);
  });
});

describe('definite structural lesion', () => {
  const at = (
    slice: number,
    joint: 'left' | 'right',
    quadrant: GridCell['quadrant'],
    lesion: GridCell['lesions'][number],
  ): Partial => ({ slice, joint, quadrant, lesions: [lesion] });
  it('erosion in three quadrants', () => {
    expect(
      definiteStructural(
        grid([
          at(2, 'left', 'upper_ilium', 'erosion'),
          at(6, 'left', 'lower_ilium', 'erosion'),
          at(9, 'right', 'lower_ilium', 'erosion'),
        ]),
      ),
    ).toBe(true);
    expect(
      definiteStructural(
        grid([at(2, 'left', 'upper_ilium', 'erosion'), at(6, 'left', 'lower_ilium', 'erosion')]),
      ),
    ).toBe(false);
  });
  it('erosion at the same location on two consecutive slices', () => {
    expect(
      definiteStructural(
        grid([at(2, 'right', 'upper_sacrum', 'erosion'), at(3, 'right', 'upper_sacrum', 'erosion')]),
      ),
    ).toBe(true);
  });
  it('fat lesion: five quadrants, three consecutive slices, or deeper than 1 cm', () => {
    const four = [
      at(1, 'left', 'upper_ilium', 'fat_lesion'),
      at(1, 'left', 'lower_ilium', 'fat_lesion'),
      at(4, 'right', 'upper_sacrum', 'fat_lesion'),
      at(8, 'right', 'lower_sacrum', 'fat_lesion'),
    ];
    expect(definiteStructural(grid(four))).toBe(false);
    expect(definiteStructural(grid([...four, at(9, 'right', 'upper_ilium', 'fat_lesion')]))).toBe(true);
    expect(
      definiteStructural(
        grid([at(4, 'left', 'upper_ilium', 'fat_lesion'), at(5, 'left', 'upper_ilium', 'fat_lesion')]),
      ),
    ).toBe(false);
    expect(definiteStructural(grid([4, 5, 6].map((s) => at(s, 'left', 'upper_ilium', 'fat_lesion'))))).toBe(
      true,
    );
    expect(definiteStructural(grid([{ ...at(4, 'left', 'upper_ilium', 'fat_lesion'), fatDeep: true }]))).toBe(
      true,
    );
  });
  it('backfill or ankylosis anywhere; sclerosis alone (osteitis condensans) is not structural', () => {
    expect(definiteStructural(grid([at(4, 'left', 'upper_ilium', 'backfill')]))).toBe(true);
    expect(definiteStructural(grid([at(4, 'left', 'upper_ilium', 'ankylosis')]))).toBe(true);
    expect(
      definiteStructural(
        grid(
          [3, 4, 5, 6].flatMap((s) => [
            at(s, 'left', 'lower_ilium', 'sclerosis'),
            at(s, 'right', 'lower_ilium', 'sclerosis'),
          ]),
        ),
      ),
    ).toBe(false);
  });
});
