import type { Volume } from './volume';

/**
 * Discrete Gaussian weights with the same radius rule as scipy.ndimage.gaussian_filter
 * (radius = floor(truncate * sigma + 0.5)), so scipy can serve as the reference in tests. The 1e-9
 * keeps a sigma computed as 0.4999999999999999 from an affine from losing a kernel tap.
 */
export function gaussianKernel(sigma: number, truncate = 3): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5 + 1e-9);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const w = Math.exp((-0.5 * x * x) / (sigma * sigma));
    weights[x + radius] = w;
    sum += w;
  }
  for (let n = 0; n < weights.length; n++) weights[n] /= sum;
  return weights;
}

/**
 * Separable Gaussian blur with per-axis sigma in voxels (0 = leave that axis alone); edges are
 * extended by replicating the border voxel (scipy mode 'nearest') so a border does not darken.
 */
export function gaussianBlur(volume: Volume, sigmaVoxels: readonly [number, number, number]): Volume {
  let data = volume.data;
  const [nx, ny] = volume.dims;
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const sigma = sigmaVoxels[axis];
    if (!(sigma > 0)) continue;
    const kernel = gaussianKernel(sigma);
    data = blurAxis(data, volume.dims, axis, strides[axis], kernel);
  }
  return data === volume.data ? volume : { ...volume, data };
}

function blurAxis(
  src: Float32Array,
  dims: readonly [number, number, number],
  axis: number,
  stride: number,
  kernel: Float64Array,
): Float32Array {
  const n = dims[axis];
  const radius = (kernel.length - 1) / 2;
  const taps = kernel.length;
  const out = new Float32Array(src.length);
  // The line with `radius` replicated border voxels each side, so the inner loop has no branches.
  const line = new Float64Array(n + 2 * radius);
  const others = [0, 1, 2].filter((a) => a !== axis);
  const otherStrides = [1, dims[0], dims[0] * dims[1]];
  for (let b = 0; b < dims[others[1]]; b++) {
    for (let a = 0; a < dims[others[0]]; a++) {
      const base = a * otherStrides[others[0]] + b * otherStrides[others[1]];
      for (let p = 0; p < n; p++) line[p + radius] = src[base + p * stride];
      const first = line[radius];
      const last = line[radius + n - 1];
      for (let q = 0; q < radius; q++) {
        line[q] = first;
        line[radius + n + q] = last;
      }
      for (let p = 0; p < n; p++) {
        let acc = 0;
        for (let q = 0; q < taps; q++) acc += kernel[q] * line[p + q];
        out[base + p * stride] = acc;
      }
    }
  }
  return out;
}
