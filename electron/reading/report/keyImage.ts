import { PNG } from 'pngjs';
import { invertAffine, type Volume } from '../../imaging';

export interface KeyImageOptions {
  volume: Volume;
  /** slice index k of the volume */
  slice: number;
  /** Grad-CAM volume in patient space (any grid); drawn over the image when given */
  cam?: Volume;
  /** CAM values below this fraction of `camMax` stay transparent */
  camThreshold?: number;
  camMax?: number;
  camOpacity?: number;
}

/** Window from the 1st to the 99.5th percentile of the slice: robust to a few hot voxels. */
function autoWindow(values: Float32Array): [number, number] {
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)];
  const hi = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.995))];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** A perceptually ordered dark-blue -> red -> yellow ramp (inferno-like), t in [0, 1]. */
export function heatColour(t: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 20, 11, 52],
    [0.25, 101, 21, 110],
    [0.5, 188, 55, 84],
    [0.75, 249, 142, 9],
    [1, 252, 255, 164],
  ];
  const x = Math.min(1, Math.max(0, t));
  for (let s = 1; s < stops.length; s++) {
    if (x <= stops[s][0]) {
      const [t0, r0, g0, b0] = stops[s - 1];
      const [t1, r1, g1, b1] = stops[s];
      const f = (x - t0) / (t1 - t0);
      return [r0 + f * (r1 - r0), g0 + f * (g1 - g0), b0 + f * (b1 - b0)];
    }
  }
  return [252, 255, 164];
}

/** Trilinear sample of a volume at voxel coordinates; 0 outside. */
function sampleTrilinear(v: Volume, x: number, y: number, z: number): number {
  const [nx, ny, nz] = v.dims;
  if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) return 0;
  const x0 = Math.min(Math.floor(x), nx - 2 < 0 ? 0 : nx - 2);
  const y0 = Math.min(Math.floor(y), ny - 2 < 0 ? 0 : ny - 2);
  const z0 = Math.min(Math.floor(z), nz - 2 < 0 ? 0 : nz - 2);
  const fx = nx > 1 ? x - x0 : 0;
  const fy = ny > 1 ? y - y0 : 0;
  const fz = nz > 1 ? z - z0 : 0;
  const at = (i: number, j: number, k: number) =>
    v.data[Math.min(i, nx - 1) + nx * (Math.min(j, ny - 1) + ny * Math.min(k, nz - 1))];
  let out = 0;
  for (let dk = 0; dk <= 1; dk++)
    for (let dj = 0; dj <= 1; dj++)
      for (let di = 0; di <= 1; di++) {
        const w = (di ? fx : 1 - fx) * (dj ? fy : 1 - fy) * (dk ? fz : 1 - fz);
        if (w > 0) out += w * at(x0 + di, y0 + dj, z0 + dk);
      }
  return out;
}

/**
 * One slice as an RGB PNG: grey levels, optionally the CAM composited at constant opacity above a
 * threshold (sampled through patient space, so the CAM may live on any grid). Pixels are square in the output only when the slice's spacing is; reports scale them.
 */
export function renderKeyImage(o: KeyImageOptions): Buffer {
  const [nx, ny, nz] = o.volume.dims;
  if (!Number.isInteger(o.slice) || o.slice < 0 || o.slice >= nz)
    throw new Error(`slice ${o.slice} is outside 0..${nz - 1}`);
  const plane = o.volume.data.subarray(o.slice * nx * ny, (o.slice + 1) * nx * ny);
  const [lo, hi] = autoWindow(plane);
  const png = new PNG({ width: nx, height: ny });
  const camToVoxel = o.cam ? invertAffine(o.cam.affine) : null;
  const camMax = o.camMax ?? (o.cam ? o.cam.data.reduce((m, v) => (v > m ? v : m), 0) : 1);
  const threshold = (o.camThreshold ?? 0.2) * camMax;
  const alpha = o.camOpacity ?? 0.45;
  const a = o.volume.affine;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const g = Math.round((255 * Math.min(Math.max(plane[i + nx * j] - lo, 0), hi - lo)) / (hi - lo));
      let rgb: [number, number, number] = [g, g, g];
      if (o.cam && camToVoxel && camMax > 0) {
        const px = a[0] * i + a[1] * j + a[2] * o.slice + a[3];
        const py = a[4] * i + a[5] * j + a[6] * o.slice + a[7];
        const pz = a[8] * i + a[9] * j + a[10] * o.slice + a[11];
        const m = camToVoxel;
        const value = sampleTrilinear(
          o.cam,
          m[0] * px + m[1] * py + m[2] * pz + m[3],
          m[4] * px + m[5] * py + m[6] * pz + m[7],
          m[8] * px + m[9] * py + m[10] * pz + m[11],
        );
        if (value >= threshold) {
          const c = heatColour(value / camMax);
          rgb = [0, 1, 2].map((n) => Math.round((1 - alpha) * rgb[n] + alpha * c[n])) as [
            number,
            number,
            number,
          ];
        }
      }
      const p = 4 * (i + nx * j);
      png.data[p] = rgb[0];
      png.data[p + 1] = rgb[1];
      png.data[p + 2] = rgb[2];
      png.data[p + 3] = 255;
    }
  return PNG.sync.write(png);
}
