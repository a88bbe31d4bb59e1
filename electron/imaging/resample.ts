import { gaussianBlur } from './resample-gaussian';
import { isAxisAligned, resampleAxisAligned } from './resample-separable';
import { invertAffine, type Affine, type Volume } from './volume';

/** A model input grid: size [D, H, W] = [slices, rows, cols], spacing [s, r, c] in mm, same order. */
export interface ModelGrid {
  size: readonly [number, number, number];
  spacing: readonly [number, number, number];
}

/** Where a resampled volume is defined: dims [nx, ny, nz] and its voxel -> LPS affine. */
export interface SamplingGrid {
  dims: readonly [number, number, number];
  affine: Affine;
}

export interface ResampleOptions {
  /** Gaussian pre-filter along each source axis that is downsampled (default true). */
  antiAlias?: boolean;
  /** Value for points outside the source (default 0). */
  fill?: number;
}

function column(affine: Affine, c: number): [number, number, number] {
  return [affine[c], affine[4 + c], affine[8 + c]];
}

function norm(v: readonly number[]): number {
  return Math.hypot(v[0], v[1], v[2]);
}

/**
 * The model grid laid in the stack's own oriented frame: output columns run along the stack's row
 * direction, output rows along its column direction, output slices along its slice axis, and the
 * grid centre sits on the stack centre. So a semicoronal stack stays semicoronal on the grid,
 * whatever the scanner's field of view, and the affine maps model voxels back to the patient.
 */
export function gridAffineForStack(stack: SamplingGrid, grid: ModelGrid): Affine {
  const [D, H, W] = grid.size;
  const [ss, sr, sc] = grid.spacing;
  const outSpacing = [sc, sr, ss];
  const a = stack.affine;
  const axes = [0, 1, 2].map((c) => {
    const v = column(a, c);
    const n = norm(v);
    if (!(n > 0)) throw new Error(`stack affine has a zero-length axis ${c}`);
    return v.map((x) => (x / n) * outSpacing[c]);
  });
  const [nx, ny, nz] = stack.dims;
  const srcCentre = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const outCentre = [(W - 1) / 2, (H - 1) / 2, (D - 1) / 2];
  const affine: Affine = new Array(16).fill(0);
  for (let r = 0; r < 3; r++) {
    const centrePatient =
      a[4 * r] * srcCentre[0] + a[4 * r + 1] * srcCentre[1] + a[4 * r + 2] * srcCentre[2] + a[4 * r + 3];
    for (let c = 0; c < 3; c++) affine[4 * r + c] = axes[c][r];
    affine[4 * r + 3] =
      centrePatient - (axes[0][r] * outCentre[0] + axes[1][r] * outCentre[1] + axes[2][r] * outCentre[2]);
  }
  affine[15] = 1;
  return affine;
}

/** Target voxel -> source voxel, as the 3x4 top of inv(source) * target. */
function targetToSource(source: Affine, target: Affine): number[] {
  const inv = invertAffine(source);
  const m = new Array(12).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += inv[4 * r + k] * target[4 * k + c];
      m[4 * r + c] = acc;
    }
  }
  return m;
}

/**
 * Anti-aliasing sigma per source axis, in source voxels: scikit-image's rule (factor - 1) / 2,
 * where factor is how many source voxels one target step covers along that axis (<= 1: none).
 */
function antiAliasSigma(m: number[]): [number, number, number] {
  const sigma: [number, number, number] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const factor = Math.max(Math.abs(m[4 * a]), Math.abs(m[4 * a + 1]), Math.abs(m[4 * a + 2]));
    sigma[a] = factor > 1 ? (factor - 1) / 2 : 0;
  }
  return sigma;
}

/**
 * Trilinear sampling of `source` at every voxel of `target`. A point within half a voxel of the
 * source edge takes the edge value (that voxel covers it); beyond that it is `fill`.
 */
export function resampleOnto(source: Volume, target: SamplingGrid, options: ResampleOptions = {}): Volume {
  const m = targetToSource(source.affine, target.affine);
  if (isAxisAligned(m)) {
    const sigma: [number, number, number] = options.antiAlias === false ? [0, 0, 0] : antiAliasSigma(m);
    const data = resampleAxisAligned(source.data, source.dims, target.dims, m, sigma, options.fill ?? 0);
    return { dims: [...target.dims], spacing: spacingOf(target.affine), affine: [...target.affine], data };
  }
  const filtered = options.antiAlias === false ? source : gaussianBlur(source, antiAliasSigma(m));
  const fill = options.fill ?? 0;
  const [nx, ny, nz] = source.dims;
  const [ox, oy, oz] = target.dims;
  const src = filtered.data;
  const out = new Float32Array(ox * oy * oz);
  const plane = nx * ny;
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < ox; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > nx - 0.5 || y > ny - 0.5 || z > nz - 0.5) {
          out[o] = fill;
          continue;
        }
        const cx = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x;
        const cy = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y;
        const cz = z < 0 ? 0 : z > nz - 1 ? nz - 1 : z;
        const i0 = Math.floor(cx);
        const j0 = Math.floor(cy);
        const k0 = Math.floor(cz);
        const fx = cx - i0;
        const fy = cy - j0;
        const fz = cz - k0;
        const di = i0 + 1 < nx ? 1 : 0;
        const dj = j0 + 1 < ny ? nx : 0;
        const dk = k0 + 1 < nz ? plane : 0;
        const b = i0 + nx * j0 + plane * k0;
        const c00 = src[b] + fx * (src[b + di] - src[b]);
        const c10 = src[b + dj] + fx * (src[b + dj + di] - src[b + dj]);
        const c01 = src[b + dk] + fx * (src[b + dk + di] - src[b + dk]);
        const c11 = src[b + dk + dj] + fx * (src[b + dk + dj + di] - src[b + dk + dj]);
        const c0 = c00 + fy * (c10 - c00);
        const c1 = c01 + fy * (c11 - c01);
        out[o] = c0 + fz * (c1 - c0);
      }
    }
  }
  return { dims: [ox, oy, oz], spacing: spacingOf(target.affine), affine: [...target.affine], data: out };
}

function spacingOf(affine: Affine): [number, number, number] {
  return [norm(column(affine, 0)), norm(column(affine, 1)), norm(column(affine, 2))];
}

/** The model grid of a stack (see gridAffineForStack) as a sampling target. */
export function modelGridSampling(stack: SamplingGrid, grid: ModelGrid): SamplingGrid {
  const [D, H, W] = grid.size;
  return { dims: [W, H, D], affine: gridAffineForStack(stack, grid) };
}

/**
 * A stack resampled onto the model grid in its own oriented frame (see gridAffineForStack):
 * trilinear, Gaussian anti-aliasing where the grid is coarser than the stack. The returned
 * volume's data is C order [D][H][W], ready as an ONNX tensor; its affine maps back to LPS.
 */
export function resampleToGrid(stack: Volume, grid: ModelGrid, options: ResampleOptions = {}): Volume {
  return resampleOnto(stack, modelGridSampling(stack, grid), options);
}

/** A label volume onto the model grid laid in its own frame (see resampleLabelsOnto). */
export function resampleLabelsToGrid(labels: Volume, grid: ModelGrid): Volume {
  return resampleLabelsOnto(labels, modelGridSampling(labels, grid));
}

/**
 * A label volume onto a target grid: each target voxel takes the largest label among the source
 * voxels whose centres fall inside it, so a lesion thinner than a target voxel is not lost;
 * when none falls inside (upsampling), the nearest source voxel's label.
 */
export function resampleLabelsOnto(labels: Volume, target: SamplingGrid): Volume {
  const [ox, oy, oz] = target.dims;
  const out = new Float32Array(ox * oy * oz);
  const found = new Uint8Array(out.length);
  const toTarget = targetToSource(target.affine, labels.affine);
  const [nx, ny, nz] = labels.dims;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = labels.data[i + nx * (j + ny * k)];
        const ti = Math.round(toTarget[0] * i + toTarget[1] * j + toTarget[2] * k + toTarget[3]);
        const tj = Math.round(toTarget[4] * i + toTarget[5] * j + toTarget[6] * k + toTarget[7]);
        const tk = Math.round(toTarget[8] * i + toTarget[9] * j + toTarget[10] * k + toTarget[11]);
        if (ti < 0 || tj < 0 || tk < 0 || ti >= ox || tj >= oy || tk >= oz) continue;
        const o = ti + ox * (tj + oy * tk);
        if (!found[o] || v > out[o]) out[o] = v;
        found[o] = 1;
      }
    }
  }
  const toSource = targetToSource(labels.affine, target.affine);
  for (let k = 0, o = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      for (let i = 0; i < ox; i++, o++) {
        if (found[o]) continue;
        const si = Math.round(toSource[0] * i + toSource[1] * j + toSource[2] * k + toSource[3]);
        const sj = Math.round(toSource[4] * i + toSource[5] * j + toSource[6] * k + toSource[7]);
        const sk = Math.round(toSource[8] * i + toSource[9] * j + toSource[10] * k + toSource[11]);
        if (si < 0 || sj < 0 || sk < 0 || si >= nx || sj >= ny || sk >= nz) continue;
        out[o] = labels.data[si + nx * (sj + ny * sk)];
      }
    }
  }
  return { dims: [ox, oy, oz], spacing: spacingOf(target.affine), affine: [...target.affine], data: out };
}
