import { describe, expect, it } from 'vitest';
import { asasPositive, definiteActiveLesion, definiteStructuralLesion } from '../../../electron/reading';
import { c, r } from './cells';

describe('ASAS positive MRI rule', () => {
  it('one BME lesion on one slice is not enough', () => {
    expect(asasPositive([c(4, 'L', 'UI', ['bme'])]).positive).toBe(false);
  });

  it('one lesion at the same location on 2 consecutive slices is positive', () => {
    const res = asasPositive([c(4, 'L', 'UI', ['bme']), c(5, 'L', 'UI', ['bme'])]);
    expect(res.positive).toBe(true);
    expect(res.consecutiveRuns).toEqual([[r(4, 'L', 'UI'), r(5, 'L', 'UI')]]);
    expect(res.multiLesionSlices).toEqual([]);
  });

  it('the same location on non-consecutive slices (4 and 6) is not', () => {
    expect(asasPositive([c(4, 'L', 'UI', ['bme']), c(6, 'L', 'UI', ['bme'])]).positive).toBe(false);
  });

  it('single lesions at different locations on consecutive slices are not', () => {
    expect(asasPositive([c(4, 'L', 'UI', ['bme']), c(5, 'R', 'UI', ['bme'])]).positive).toBe(false);
  });

  it('two lesions on one slice are positive', () => {
    const res = asasPositive([c(4, 'L', 'UI', ['bme']), c(4, 'R', 'LS', ['bme'])]);
    expect(res.positive).toBe(true);
    expect(res.multiLesionSlices).toEqual([
      { slice: 4, lesions: 2, cells: [r(4, 'L', 'UI'), r(4, 'R', 'LS')] },
    ]);
  });

  it('one lesion spanning two quadrants on one slice is one lesion, not two', () => {
    const spanning = [
      c(4, 'L', 'UI', ['bme'], { lesionRefs: { bme: 'les-1' } }),
      c(4, 'L', 'LI', ['bme'], { lesionRefs: { bme: 'les-1' } }),
    ];
    expect(asasPositive(spanning).positive).toBe(false);
    // ...but with a second, separate lesion on that slice it is positive
    const res = asasPositive([...spanning, c(4, 'R', 'US', ['bme'])]);
    expect(res.positive).toBe(true);
    expect(res.multiLesionSlices[0].lesions).toBe(2);
  });

  it('two separate lesions inside one quadrant on one slice are positive', () => {
    const res = asasPositive([c(4, 'L', 'UI', ['bme'], { bmeLesions: 2 })]);
    expect(res.positive).toBe(true);
    expect(res.multiLesionSlices[0].lesions).toBe(2);
  });

  it('capsulitis, joint space enhancement, fluid and enthesitis alone are never enough', () => {
    const grid = [2, 3, 4].flatMap((s) => [
      c(s, 'L', 'UI', ['capsulitis', 'enthesitis']),
      c(s, 'L', 'LI', ['joint_space_enhancement', 'joint_space_fluid']),
      c(s, 'R', 'UI', ['inflammation_in_erosion', 'erosion']),
    ]);
    expect(asasPositive(grid).positive).toBe(false);
  });
});

describe('definite active lesion', () => {
  it('BME in 4 quadrants anywhere is definite', () => {
    const res = definiteActiveLesion([
      c(1, 'L', 'UI', ['bme']),
      c(3, 'L', 'LS', ['bme']),
      c(7, 'R', 'US', ['bme']),
      c(9, 'R', 'LI', ['bme']),
    ]);
    expect(res).toMatchObject({
      definite: true,
      quadrantCount: 4,
      byQuadrantCount: true,
      consecutiveRuns: [],
    });
    expect(res.cells).toHaveLength(4);
  });

  it('3 quadrants, even repeated on several slices, are not (when not 3 in a row)', () => {
    const res = definiteActiveLesion([
      c(1, 'L', 'UI', ['bme']),
      c(2, 'L', 'UI', ['bme']),
      c(4, 'L', 'UI', ['bme']),
      c(3, 'L', 'LS', ['bme']),
      c(7, 'R', 'US', ['bme']),
    ]);
    expect(res.definite).toBe(false);
    expect(res.quadrantCount).toBe(3);
  });

  it('the same location on 3 consecutive slices is definite; on 2 it is not', () => {
    const three = definiteActiveLesion([
      c(5, 'R', 'LI', ['bme']),
      c(6, 'R', 'LI', ['bme']),
      c(7, 'R', 'LI', ['bme']),
    ]);
    expect(three.definite).toBe(true);
    expect(three.consecutiveRuns).toEqual([[r(5, 'R', 'LI'), r(6, 'R', 'LI'), r(7, 'R', 'LI')]]);
    expect(definiteActiveLesion([c(5, 'R', 'LI', ['bme']), c(6, 'R', 'LI', ['bme'])]).definite).toBe(false);
  });

  it('other active lesions do not count', () => {
    const grid = [0, 1, 2, 3].flatMap((s) => [
      c(s, 'L', 'UI', ['capsulitis']),
      c(s, 'R', 'LS', ['enthesitis']),
    ]);
    expect(definiteActiveLesion(grid).definite).toBe(false);
  });
});

describe('definite structural lesion', () => {
  it('erosion in 3 quadrants is definite, in 2 (non-consecutive) it is not', () => {
    const two = [c(1, 'L', 'UI', ['erosion']), c(5, 'R', 'LS', ['erosion'])];
    expect(definiteStructuralLesion(two).definite).toBe(false);
    const three = definiteStructuralLesion([...two, c(8, 'R', 'US', ['erosion'])]);
    expect(three.criteria.map((x) => x.criterion)).toEqual(['erosion_3_quadrants']);
  });

  it('erosion at the same location on 2 consecutive slices is definite', () => {
    const res = definiteStructuralLesion([c(4, 'L', 'LI', ['erosion']), c(5, 'L', 'LI', ['erosion'])]);
    expect(res.criteria).toEqual([
      { criterion: 'erosion_2_consecutive', cells: [r(4, 'L', 'LI'), r(5, 'L', 'LI')] },
    ]);
  });

  it('fat lesion in 5 quadrants is definite, in 4 it is not', () => {
    const four = [
      c(0, 'L', 'UI', ['fat_lesion']),
      c(2, 'L', 'LI', ['fat_lesion']),
      c(4, 'R', 'UI', ['fat_lesion']),
      c(6, 'R', 'LS', ['fat_lesion']),
    ];
    expect(definiteStructuralLesion(four).definite).toBe(false);
    const five = definiteStructuralLesion([...four, c(8, 'L', 'US', ['fat_lesion'])]);
    expect(five.criteria.map((x) => x.criterion)).toEqual(['fat_5_quadrants']);
    expect(five.fatQuadrants).toBe(5);
  });

  it('fat at the same location on 3 consecutive slices is definite, on 2 not', () => {
    const two = [c(3, 'R', 'UI', ['fat_lesion']), c(4, 'R', 'UI', ['fat_lesion'])];
    expect(definiteStructuralLesion(two).definite).toBe(false);
    const res = definiteStructuralLesion([...two, c(5, 'R', 'UI', ['fat_lesion'])]);
    expect(res.criteria.map((x) => x.criterion)).toEqual(['fat_3_consecutive']);
  });

  it('one fat lesion deeper than 1 cm is definite on its own', () => {
    const res = definiteStructuralLesion([c(3, 'R', 'UI', ['fat_lesion'], { fatDeep: true })]);
    expect(res.criteria).toEqual([{ criterion: 'fat_deep', cells: [r(3, 'R', 'UI')] }]);
  });

  it('sclerosis, bone buds and backfill alone do not make a definite structural lesion', () => {
    const grid = [0, 1, 2, 3, 4].flatMap((s) => [
      c(s, 'L', 'UI', ['sclerosis']),
      c(s, 'L', 'LI', ['bone_bud']),
      c(s, 'R', 'UI', ['backfill']),
    ]);
    expect(definiteStructuralLesion(grid).definite).toBe(false);
  });

  it('lists every criterion met and the union of their cells', () => {
    const res = definiteStructuralLesion([
      c(1, 'L', 'UI', ['erosion']),
      c(2, 'L', 'UI', ['erosion']),
      c(2, 'R', 'LS', ['erosion', 'fat_lesion'], { fatDeep: true }),
      c(6, 'R', 'US', ['erosion']),
    ]);
    expect(res.criteria.map((x) => x.criterion)).toEqual([
      'erosion_3_quadrants',
      'erosion_2_consecutive',
      'fat_deep',
    ]);
    expect(res.cells).toEqual([r(1, 'L', 'UI'), r(2, 'L', 'UI'), r(2, 'R', 'LS'), r(6, 'R', 'US')]);
  });
});
