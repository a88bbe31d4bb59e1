import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Anatomy, QUADRANTS as PHANTOM_QUADRANTS, cellOf, generateExam } from '../../../electron/phantom';
import { toggledCell } from '../../../electron/reading';
import { voxelToPatient, type StackGeometry, type Vec3 } from '../../../renderer/src/viewer/geometry';
import {
  estimateJointAxes,
  moveTop,
  onSlice,
  quadrantAt,
  quadrantCentre,
  sliceIndexAt,
} from '../../../renderer/src/viewer/quadrants';

/**
 * A semicoronal stack written out by hand: columns run to the patient's left (+x), rows to the
 * feet (-z), slices backwards (+y); 1 mm voxels, 100 x 100 x 10, centred on the LPS origin.
 */
const stack: StackGeometry = {
  dims: [100, 100, 10],
  spacing: [1, 1, 1],
  affine: [1, 0, 0, -49.5, 0, 0, 1, -4.5, 0, -1, 0, 49.5, 0, 0, 0, 1],
};
const deg = Math.PI / 180;
const [s17, c17] = [Math.sin(17 * deg), Math.cos(17 * deg)];

describe('default joint axes from the stack geometry', () => {
  const axes = estimateJointAxes(stack);
  it('puts each joint 42 mm from the slab centre on its side, the line leaning its top outwards by 17 degrees', () => {
    expect(axes.left.centre).toEqual([42, 0, 0]);
    expect(axes.right.centre).toEqual([-42, 0, 0]);
    // up = cos 17 * head (+z) + sin 17 * lateral (left joint: +x, right joint: -x)
    expect(axes.left.up[0]).toBeCloseTo(s17, 12);
    expect(axes.left.up[2]).toBeCloseTo(c17, 12);
    expect(axes.right.up[0]).toBeCloseTo(-s17, 12);
  });

  it('classifies worked points: lateral-above is upper ilium, medial-level falls below the tilted mid-line', () => {
    // (47, 0, 10): along = 5 sin17 + 10 cos17 = 11.0 > 0 (upper); across = 5 cos17 - 10 sin17 = 1.86 > 0 (ilium)
    expect(quadrantAt(stack, axes, [47, 0, 10])).toEqual({ joint: 'left', quadrant: 'upper_ilium' });
    // (32, 0, 0): along = -10 sin17 = -2.9 (lower); across = -10 cos17 (sacrum)
    expect(quadrantAt(stack, axes, [32, 0, 0])).toEqual({ joint: 'left', quadrant: 'lower_sacrum' });
    // mirror image on the patient's right
    expect(quadrantAt(stack, axes, [-47, 0, 10])).toEqual({ joint: 'right', quadrant: 'upper_ilium' });
    expect(quadrantAt(stack, axes, [-42, 3, -20])).toEqual({ joint: 'right', quadrant: 'lower_ilium' });
    // slice position does not matter: the same point three slices back
    expect(quadrantAt(stack, axes, [47, 3, 10])).toEqual({ joint: 'left', quadrant: 'upper_ilium' });
    // far lateral of the joint line (across > 45 mm) belongs to no joint
    expect(quadrantAt(stack, axes, [95, 0, 0])).toBeNull();
  });

  it('a quadrant centre lies in its own quadrant on the requested slice', () => {
    for (const joint of ['left', 'right'] as const)
      for (const quadrant of ['upper_ilium', 'lower_ilium', 'upper_sacrum', 'lower_sacrum'] as const) {
        const plane = onSlice(stack, [0, 0, 0], 7);
        const centre = quadrantCentre(stack, axes, joint, quadrant, plane);
        expect(sliceIndexAt(stack, centre)).toBe(7);
        expect(quadrantAt(stack, axes, centre)).toEqual({ joint, quadrant });
      }
  });

  it('the top handle turns the line about its centre, but never below the centre (no upper/lower swap)', () => {
    const turned = moveTop(stack, axes.left, [42, 0, 20]);
    expect(turned.up).toEqual([0, 0, 1]);
    expect(turned.halfHeightMm).toBe(20);
    expect(moveTop(stack, axes.left, [42, 0, -20])).toBe(axes.left);
  });
});

describe('toggledCell: the one edit a grid click and a mark in a view both make', () => {
  it('adds the lesion to an empty position, removes it with its flags, keeps other lesions', () => {
    const ref = { slice: 3, joint: 'left', quadrant: 'lower_ilium' } as const;
    expect(toggledCell([], ref, 'bme')).toEqual({ ...ref, lesions: ['bme'] });
    const grid = [{ ...ref, lesions: ['bme', 'erosion'] as const, bmeIntense: true, bmeDeep: true }].map(
      (c) => ({
        ...c,
        lesions: [...c.lesions],
      }),
    );
    expect(toggledCell(grid, ref, 'bme')).toEqual({ ...ref, lesions: ['erosion'] });
    expect(toggledCell(grid, ref, 'fat_lesion').lesions).toEqual(['bme', 'erosion', 'fat_lesion']);
  });
});

/**
 * Against the phantom's truth: every bone voxel within 2 cm of a joint surface and 3 cm of its
 * mid-height is assigned a cell by the generator's own anatomy (cellOf); the default estimate
 * (which never sees that anatomy) must agree far above chance (25 % per joint), so the reader
 * starts close and only nudges the handles.
 */
describe('default quadrants vs the phantom anatomy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sij-quadrants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [seed, profile] of [
    [11, 'siemens-skyra-3t'],
    [5, 'ge-discovery-750-3t'],
    [8, 'philips-achieva-1.5t'],
  ] as const) {
    it(`seed ${seed}, ${profile}: joint, bone and half agree with the truth`, () => {
      const { truth } = generateExam(join(dir, String(seed)), { seed, profile, maxMatrix: 64 });
      const series = truth.seriesDetails.stir ?? truth.seriesDetails.t1;
      const geometry: StackGeometry = { dims: series.dims, spacing: series.spacing, affine: series.affine };
      const axes = estimateJointAxes(geometry);
      const anatomy = new Anatomy(truth.patient);
      const m = anatomy.toLocal;
      const tally = { n: 0, joint: 0, bone: 0, half: 0, cell: 0 };
      const [nx, ny, nz] = series.dims;
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const p: Vec3 = voxelToPatient(geometry, [i, j, k]);
            const u = m[0] * p[0] + m[1] * p[1] + m[2] * p[2];
            const v = m[3] * p[0] + m[4] * p[1] + m[5] * p[2];
            const w = m[6] * p[0] + m[7] * p[1] + m[8] * p[2];
            anatomy.classify(u, v, w);
            const inBone = anatomy.region === 1 || anatomy.region === 2;
            if (!inBone || anatomy.depth > 20 || Math.abs(v - anatomy.jointMidV(w)) > 30) continue;
            const code = cellOf(anatomy, u, v, w);
            const joint = code >= 4 ? 'left' : 'right';
            const [half, bone] = PHANTOM_QUADRANTS[code % 4].split('_');
            const hit = quadrantAt(geometry, axes, p);
            tally.n++;
            if (hit?.joint !== joint) continue;
            tally.joint++;
            const [h, b] = hit.quadrant.split('_');
            if (b === bone) tally.bone++;
            if (h === half) tally.half++;
            if (h === half && b === bone) tally.cell++;
          }
      const rate = (x: number) => x / tally.n;
      expect(tally.n).toBeGreaterThan(1000);
      expect(rate(tally.joint)).toBeGreaterThan(0.95);
      expect(rate(tally.bone)).toBeGreaterThan(0.82);
      expect(rate(tally.half)).toBeGreaterThan(0.78);
      expect(rate(tally.cell)).toBeGreaterThan(0.68);
    });
  }
});
