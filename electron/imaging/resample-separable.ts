import { gaussianKernel } from './resample-gaussian';

/** Source taps and weights of each output sample along one axis (weights already include the blur). */
interface AxisPlan {
  start: Int32Array;
  count: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  /** 1 where the output sample lies beyond half a voxel outside the source */
  outside: Uint8Array;
}

/**
 * Along one axis: output o sits at source coordinate scale * o + offset. Its value is the linear
 * interpolation of the Gaussian-blurred line (border replicated), written out as one weighted sum
 * over source voxels: (1 - f) * blur(i0) + f * blur(i1), blur(i) = sum_q K[q] * src(clamp(i + q)).
 */
function planAxis(n: number, outN: number, scale: number, offset: number, sigma: number): AxisPlan {
  const kernel = sigma > 0 ? gaussianKernel(sigma) : new Float64Array([1]);
  const radius = (kernel.length - 1) / 2;
  const taps = 2 * kernel.length;
  const plan: AxisPlan = {
    start: new Int32Array(outN),
    count: new Int32Array(outN),
    index: new Int32Array(outN * taps),
    weight: new Float64Array(outN * taps),
    outside: new Uint8Array(outN),
  };
  let w = 0;
  for (let o = 0; o < outN; o++) {
    const x = scale * o + offset;
    plan.start[o] = w;
    if (x < -0.5 || x > n - 0.5) {
      plan.outside[o] = 1;
      continue;
    }
    const c = x < 0 ? 0 : x > n - 1 ? n - 1 : x;
    const i0 = Math.floor(c);
    const f = c - i0;
    const i1 = i0 + 1 < n ? i0 + 1 : i0;
    for (const [base, share] of [
      [i0, 1 - f],
      [i1, f],
    ] as const) {
      if (share === 0) continue;
      for (let q = -radius; q <= radius; q++) {
        const s = Math.min(n - 1, Math.max(0, base + q));
        plan.index[w] = s;
        plan.weight[w] = share * kernel[q + radius];
        w++;
      }
    }
    plan.count[o] = w - plan.start[o];
  }
  return plan;
}

/** Applies a plan along `axis` of a [d0, d1, d2] array (index i0 + d0 * (i1 + d1 * i2)). */
function applyAxis(
  src: Float32Array,
  dims: [number, number, number],
  axis: number,
  plan: AxisPlan,
  outN: number,
) {
  const outDims: [number, number, number] = [...dims];
  outDims[axis] = outN;
  const out = new Float32Array(outDims[0] * outDims[1] * outDims[2]);
  const inStride = [1, dims[0], dims[0] * dims[1]][axis];
  const outStride = [1, outDims[0], outDims[0] * outDims[1]][axis];
  const others = [0, 1, 2].filter((a) => a !== axis);
  const inStrides = [1, dims[0], dims[0] * dims[1]];
  const outStrides = [1, outDims[0], outDims[0] * outDims[1]];
  const { start, count, index, weight } = plan;
  for (let b = 0; b < dims[others[1]]; b++) {
    for (let a = 0; a < dims[others[0]]; a++) {
      const inBase = a * inStrides[others[0]] + b * inStrides[others[1]];
      const outBase = a * outStrides[others[0]] + b * outStrides[others[1]];
      for (let o = 0; o < outN; o++) {
        let acc = 0;
        const end = start[o] + count[o];
        for (let t = start[o]; t < end; t++) acc += weight[t] * src[inBase + index[t] * inStride];
        out[outBase + o * outStride] = acc;
      }
    }
  }
  return { data: out, dims: outDims };
}

/**
 * Anti-aliased trilinear resampling when target axes are parallel to source axes (m is the 3x4
 * target -> source voxel map, diagonal). Equal to blurring then sampling, but one axis at a time
 * and only where samples are taken, so a 384 x 384 stack costs a fraction of a full-volume blur.
 */
export function resampleAxisAligned(
  src: Float32Array,
  dims: readonly [number, number, number],
  outDims: readonly [number, number, number],
  m: number[],
  sigma: readonly [number, number, number],
  fill: number,
): Float32Array {
  const plans = [0, 1, 2].map((a) => planAxis(dims[a], outDims[a], m[5 * a], m[4 * a + 3], sigma[a]));
  // Shrink the axis that shrinks most first, so later passes touch fewer voxels.
  const order = [0, 1, 2].sort((a, b) => outDims[a] / dims[a] - outDims[b] / dims[b]);
  let data = src;
  let current: [number, number, number] = [...dims];
  for (const axis of order) {
    const step = applyAxis(data, current, axis, plans[axis], outDims[axis]);
    data = step.data;
    current = step.dims;
  }
  const [ox, oy, oz] = outDims;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      for (let i = 0; i < ox; i++) {
        if (plans[0].outside[i] || plans[1].outside[j] || plans[2].outside[k])
          data[i + ox * (j + oy * k)] = fill;
      }
    }
  }
  return data;
}

/** True when the map has no rotation or shear between axes (off-diagonal terms negligible). */
export function isAxisAligned(m: number[]): boolean {
  const scale = Math.max(Math.abs(m[0]), Math.abs(m[5]), Math.abs(m[10]));
  const off = [m[1], m[2], m[4], m[6], m[8], m[9]];
  return off.every((v) => Math.abs(v) <= 1e-9 * scale) && m[0] > 0 && m[5] > 0 && m[10] > 0;
}
