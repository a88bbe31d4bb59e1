import { describe, expect, it } from 'vitest';
import { camAffine, camVolume } from '../../../electron/inference';
import { voxelToPatient } from '../../../electron/imaging';

describe('CAM geometry', () => {
  // Model grid 8 x 6 x 4 (x, y, z) at 2 x 2 x 3.5 mm, origin (10, 20, 30); CAM at feature resolution 4 x 3 x 2.
  const grid = [2, 0, 0, 10, 0, 2, 0, 20, 0, 0, 3.5, 30, 0, 0, 0, 1];

  it('puts each feature voxel at the centre of the grid block it summarises', () => {
    const a = camAffine(grid, [8, 6, 4], [4, 3, 2]);
    // feature voxel 0 covers grid voxels 0..1 along x: centre at grid x 0.5 -> 10 + 2 * 0.5 = 11 mm, spacing 4 mm
    expect(voxelToPatient(a, [0, 0, 0])).toEqual([11, 21, 30 + 3.5 * 0.5]);
    expect(voxelToPatient(a, [3, 2, 1])).toEqual([10 + 2 * 6.5, 20 + 2 * 4.5, 30 + 3.5 * 2.5]);
  });

  it('picks the task/sequence block of the [task][sequence][z][y][x] output', () => {
    const shape: [number, number, number, number, number] = [3, 2, 2, 3, 4];
    const cam = Float32Array.from({ length: 3 * 2 * 24 }, (_, n) => n);
    const v = camVolume(cam, shape, 1, 1, { dims: [8, 6, 4], affine: grid });
    // block (task 1, sequence 1) starts at (1 * 2 + 1) * 24 = 72
    expect(v.dims).toEqual([4, 3, 2]);
    expect(v.data[0]).toBe(72);
    expect(v.data[23]).toBe(95);
    expect(v.spacing).toEqual([4, 4, 7]);
  });
});
