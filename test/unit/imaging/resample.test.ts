import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  gridAffineForStack,
  resampleLabelsToGrid,
  resampleOnto,
  resampleToGrid,
  type ModelGrid,
} from '../../../electron/imaging/resample';
import { voxelToPatient, type Volume } from '../../../electron/imaging/volume';

// Semicoronal stack tilted 30 degrees about left-right: row dir +x, column dir (0, sin30, -cos30),
// normal (0, cos30, sin30); 0.8 x 0.8 x 4 mm; first voxel at (-100, 20, 50). Same as volume.test.ts.
const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
const obliqueAffine = [0.8, 0, 0, -100, 0, 0.8 * s30, 4 * c30, 20, 0, -0.8 * c30, 4 * s30, 50, 0, 0, 0, 1];

function makeVolume(
  dims: [number, number, number],
  affine: number[],
  f: (i: number, j: number, k: number) => number,
): Volume {
  const [nx, ny, nz] = dims;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + nx * (j + ny * k)] = f(i, j, k);
  const spacing: [number, number, number] = [0, 1, 2].map((col) =>
    Math.hypot(affine[col], affine[4 + col], affine[8 + col]),
  ) as [number, number, number];
  return { dims, spacing, affine, data };
}

/** A linear function of patient position: trilinear interpolation must reproduce it exactly. */
function ramp(p: readonly number[]): number {
  return 3 + 0.5 * p[0] - 0.25 * p[1] + 0.125 * p[2];
}

describe('gridAffineForStack', () => {
  const stack = { dims: [200, 160, 18] as [number, number, number], affine: obliqueAffine };
  const grid: ModelGrid = { size: [20, 112, 112], spacing: [3.5, 2, 2] };
  const a = gridAffineForStack(stack, grid);

  it('keeps the stack directions and applies the grid spacing (worked example)', () => {
    // column 0 = row direction (1,0,0) * 2 mm; column 1 = (0, sin30, -cos30) * 2 mm; column 2 = normal * 3.5 mm
    const expected = [2, 0, 0, 0, 2 * s30, 3.5 * c30, 0, -2 * c30, 3.5 * s30];
    const got = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
    got.forEach((v, n) => expect(v).toBeCloseTo(expected[n], 12));
    expect(a.slice(12)).toEqual([0, 0, 0, 1]);
  });

  it('puts the grid centre on the stack centre', () => {
    const stackCentre = voxelToPatient(obliqueAffine, [199 / 2, 159 / 2, 17 / 2]);
    const gridCentre = voxelToPatient(a, [111 / 2, 111 / 2, 19 / 2]);
    for (let n = 0; n < 3; n++) expect(gridCentre[n]).toBeCloseTo(stackCentre[n], 9);
    // Hand check of the centre: x = -100 + 0.8 * 99.5 = -20.4
    expect(gridCentre[0]).toBeCloseTo(-20.4, 9);
  });
});

describe('resampleToGrid', () => {
  const stack = makeVolume([120, 100, 16], obliqueAffine, (i, j, k) =>
    ramp(voxelToPatient(obliqueAffine, [i, j, k])),
  );

  it('reproduces a linear ramp exactly (trilinear, no anti-aliasing)', () => {
    const grid: ModelGrid = { size: [10, 30, 30], spacing: [3.5, 2, 2] };
    const out = resampleToGrid(stack, grid, { antiAlias: false });
    expect(out.dims).toEqual([30, 30, 10]);
    let worst = 0;
    for (let k = 0; k < 10; k++)
      for (let j = 0; j < 30; j++)
        for (let i = 0; i < 30; i++) {
          const truth = ramp(voxelToPatient(out.affine, [i, j, k]));
          worst = Math.max(worst, Math.abs(out.data[i + 30 * (j + 30 * k)] - truth));
        }
    expect(worst).toBeLessThan(1e-4);
  });

  it('keeps a linear ramp away from the borders when anti-aliasing (the Gaussian is symmetric)', () => {
    const grid: ModelGrid = { size: [6, 20, 20], spacing: [4, 2.4, 2.4] };
    const out = resampleToGrid(stack, grid);
    let worst = 0;
    for (let k = 0; k < 6; k++)
      for (let j = 0; j < 20; j++)
        for (let i = 0; i < 20; i++) {
          const truth = ramp(voxelToPatient(out.affine, [i, j, k]));
          worst = Math.max(worst, Math.abs(out.data[i + 20 * (j + 20 * k)] - truth));
        }
    expect(worst).toBeLessThan(1e-4);
  });

  it('fills outside the stack with 0', () => {
    const grid: ModelGrid = { size: [40, 10, 10], spacing: [4, 2, 2] };
    const out = resampleToGrid(stack, grid, { antiAlias: false });
    expect(out.data[0]).toBe(0); // slice 0 of 40 x 4 mm lies 78 mm from the centre of a 64 mm stack
    expect(out.data[out.data.length - 1]).toBe(0);
  });

  it('suppresses aliasing of a pattern finer than the grid', () => {
    // Alternating columns 0/100 at 0.8 mm, resampled to 3.2 mm (factor 4): without the pre-filter
    // every sample lands on the same phase; with it the result is close to the mean.
    // 91 columns: the centre (column 45) is odd, and 3.2 mm = 4 columns, so every sample hits an odd column.
    const stripes = makeVolume(
      [91, 8, 4],
      [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1],
      (i) => (i % 2) * 100,
    );
    const grid: ModelGrid = { size: [4, 8, 20], spacing: [4, 0.8, 3.2] };
    const aliased = resampleToGrid(stripes, grid, { antiAlias: false });
    const filtered = resampleToGrid(stripes, grid);
    const spread = (v: Volume) => Math.max(...v.data.subarray(2, 18)) - Math.min(...v.data.subarray(2, 18));
    const mean = (v: Volume) => v.data.subarray(2, 18).reduce((s, x) => s + x, 0) / 16;
    expect(Math.abs(mean(aliased) - 50)).toBeGreaterThan(40);
    expect(Math.abs(mean(filtered) - 50)).toBeLessThan(5);
    expect(spread(filtered)).toBeLessThan(10);
  });
});

describe('resampleOnto against scipy (gaussian_filter + map_coordinates order 1)', () => {
  it('matches scipy on a random volume with downsampling in two axes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resample-'));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 100;
    const src = makeVolume([40, 36, 12], [0.7, 0, 0, 0, 0, 0.9, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1], () => rand());
    // Target: 2.1 mm columns (factor 3), 1.8 mm rows (factor 2), 3 mm slices; offset into the interior.
    const target = {
      dims: [10, 12, 8] as [number, number, number],
      affine: [2.1, 0, 0, 3.5, 0, 1.8, 0, 4.5, 0, 0, 3, 3, 0, 0, 0, 1],
    };
    const ours = resampleOnto(src, target);
    writeFileSync(path.join(dir, 'src.f32'), Buffer.from(src.data.buffer));
    const script = `
import numpy as np, scipy.ndimage as nd, sys
d = sys.argv[1]
v = np.fromfile(d + '/src.f32', dtype='<f4').reshape(12, 36, 40).astype(np.float64)
# our sigma rule: (factor - 1) / 2 per axis, in source voxels (axes z, y, x)
v = nd.gaussian_filter(v, sigma=[0, (2 - 1) / 2, (3 - 1) / 2], mode='nearest', truncate=3.0)
k, j, i = np.meshgrid(np.arange(8), np.arange(12), np.arange(10), indexing='ij')
x = (2.1 * i + 3.5) / 0.7; y = (1.8 * j + 4.5) / 0.9; z = (3.0 * k + 3) / 3.0
out = nd.map_coordinates(v, [z, y, x], order=1, mode='nearest')
out.astype('<f4').tofile(d + '/ref.f32')
`;
    execFileSync('/usr/bin/python3', ['-c', script, dir]);
    const buf = readFileSync(path.join(dir, 'ref.f32'));
    const ref = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    expect(ref.length).toBe(ours.data.length);
    let worst = 0;
    for (let n = 0; n < ref.length; n++) worst = Math.max(worst, Math.abs(ref[n] - ours.data[n]));
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('resampleOnto, general (rotated) target', () => {
  // Target rotated 20 degrees in-plane relative to the source: the non-separable path.
  const src = makeVolume([60, 50, 8], [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1], (i, j, k) =>
    ramp(voxelToPatient([0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1], [i, j, k])),
  );
  const c = Math.cos(Math.PI / 9);
  const s = Math.sin(Math.PI / 9);
  const target = {
    dims: [12, 10, 4] as [number, number, number],
    affine: [1.6 * c, -1.6 * s, 0, 18, 1.6 * s, 1.6 * c, 0, 8, 0, 0, 3, 6, 0, 0, 0, 1],
  };

  it('reproduces a linear ramp inside the source', () => {
    const out = resampleOnto(src, target, { antiAlias: false });
    let worst = 0;
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 10; j++)
        for (let i = 0; i < 12; i++) {
          const p = voxelToPatient(target.affine, [i, j, k]);
          worst = Math.max(worst, Math.abs(out.data[i + 12 * (j + 10 * k)] - ramp(p)));
        }
    expect(worst).toBeLessThan(1e-4);
  });

  it('matches scipy gaussian_filter + map_coordinates with the rotated map', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resample-rot-'));
    let seed = 11;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 100;
    const noisy = { ...src, data: src.data.map(() => rand()) };
    const ours = resampleOnto(noisy, target);
    writeFileSync(path.join(dir, 'src.f32'), Buffer.from(noisy.data.buffer));
    // factor per source axis = max |m[a][*]| = 2 * max(cos, sin) in-plane, 1 across slices
    const script = `
import numpy as np, scipy.ndimage as nd, sys, math
d = sys.argv[1]
v = np.fromfile(d + '/src.f32', dtype='<f4').reshape(8, 50, 60).astype(np.float64)
c, s = math.cos(math.pi / 9), math.sin(math.pi / 9)
f = 2 * max(c, s)
v = nd.gaussian_filter(v, sigma=[0, (f - 1) / 2, (f - 1) / 2], mode='nearest', truncate=3.0)
k, j, i = np.meshgrid(np.arange(4), np.arange(10), np.arange(12), indexing='ij')
x = (1.6 * c * i - 1.6 * s * j + 18) / 0.8; y = (1.6 * s * i + 1.6 * c * j + 8) / 0.8; z = (3.0 * k + 6) / 3.0
out = nd.map_coordinates(v, [z, y, x], order=1, mode='nearest')
out.astype('<f4').tofile(d + '/ref.f32')
`;
    execFileSync('/usr/bin/python3', ['-c', script, dir]);
    const buf = readFileSync(path.join(dir, 'ref.f32'));
    const ref = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    let worst = 0;
    for (let n = 0; n < ref.length; n++) worst = Math.max(worst, Math.abs(ref[n] - ours.data[n]));
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('resampleLabelsToGrid', () => {
  it('keeps a one-voxel-thin lesion when downsampling and keeps labels integral', () => {
    const affine = [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 3.5, 0, 0, 0, 0, 1];
    // 2 at column 41 only (one 0.5 mm column), rows 40..43, slice 5.
    const labels = makeVolume([80, 80, 10], affine, (i, j, k) =>
      i === 41 && j >= 40 && j < 44 && k === 5 ? 2 : 0,
    );
    const out = resampleLabelsToGrid(labels, { size: [10, 20, 20], spacing: [3.5, 2, 2] });
    const values = new Set(out.data);
    expect([...values].sort()).toEqual([0, 2]);
    // The lesion sits in the patient where the label says: check the labelled grid voxel's centre.
    const n = out.data.indexOf(2);
    const i = n % 20;
    const j = Math.floor(n / 20) % 20;
    const k = Math.floor(n / 400);
    const p = voxelToPatient(out.affine, [i, j, k]);
    expect(Math.abs(p[0] - 41 * 0.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(p[2] - 5 * 3.5)).toBeLessThanOrEqual(1.75);
  });

  it('upsampling takes the nearest label', () => {
    const affine = [4, 0, 0, 0, 0, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1];
    const labels = makeVolume([4, 4, 4], affine, (i) => (i >= 2 ? 1 : 0));
    const out = resampleLabelsToGrid(labels, { size: [8, 8, 8], spacing: [2, 2, 2] });
    // Grid x (mm) of column i: centre 6 mm, so x = 6 + 2 * (i - 3.5); labelled where x > 6 (closer to voxel 2 at 8 mm).
    for (let i = 0; i < 8; i++) expect(out.data[i + 8 * (3 + 8 * 3)]).toBe(6 + 2 * (i - 3.5) > 6 ? 1 : 0);
  });
});
