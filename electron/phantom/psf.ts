/**
 * The in-plane point spread function of an MR acquisition, and resampling with it.
 *
 * A scanner measures k-space up to the acquired resolution and reconstructs (often to a finer
 * display matrix) by Fourier interpolation, so an image is the object band-limited to its
 * acquired resolution: a sinc PSF, with some ringing next to sharp edges. Lanczos-2 (a sinc
 * windowed to two lobes) stands in for it here.
 */

function lanczos2(x: number): number {
  if (x === 0) return 1;
  if (x <= -2 || x >= 2) return 0;
  const px = Math.PI * x;
  return (2 * Math.sin(px) * Math.sin(px / 2)) / (px * px);
}

/** Weights that take samples of one axis to the output positions of another (sparse rows). */
export interface AxisWeights {
  /** first source index per output; first + taps never passes the source's end */
  first: Int32Array;
  /** taps per output */
  taps: number;
  /** output-major, `taps` weights each (zero where the kernel is cut by the source edge) */
  weights: Float32Array;
}

/**
 * Weights from a source axis (sample n at `sourceStart + n * sourceStep` mm, `sourceCount` of
 * them) to output positions `outStart + i * outStep` (`outCount`), with the PSF of resolution
 * `resolution` mm. Weights are normalised per output so flat regions keep their value.
 */
export function axisWeights(
  sourceStart: number,
  sourceStep: number,
  sourceCount: number,
  outStart: number,
  outStep: number,
  outCount: number,
  resolution: number,
): AxisWeights {
  const width = Math.max(resolution, sourceStep);
  const reach = 2 * width;
  // Samples strictly inside (x - reach, x + reach): the kernel is zero at its ends.
  const taps = Math.min(sourceCount, Math.ceil((2 * reach) / sourceStep - 1e-9));
  const first = new Int32Array(outCount);
  const weights = new Float32Array(outCount * taps);
  for (let i = 0; i < outCount; i++) {
    const x = outStart + i * outStep;
    // Kept inside the source so that the resampling loops need no bounds checks.
    const n0 = Math.min(Math.max(Math.ceil((x - reach - sourceStart) / sourceStep), 0), sourceCount - taps);
    first[i] = n0;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const wgt = lanczos2((sourceStart + (n0 + t) * sourceStep - x) / width);
      weights[i * taps + t] = wgt;
      sum += wgt;
    }
    if (sum !== 0) for (let t = 0; t < taps; t++) weights[i * taps + t] /= sum;
  }
  return { first, taps, weights };
}

/**
 * Resample a source plane (sx columns x sy rows) to an output plane with separable weights, into
 * `out` (ox x oy, from `outOffset`). `scratch` holds sy * ox values.
 */
export function resamplePlaneInto(
  source: Float32Array,
  sx: number,
  sy: number,
  wx: AxisWeights,
  wy: AxisWeights,
  out: Float32Array,
  outOffset: number,
  ox: number,
  oy: number,
  scratch: Float32Array,
): void {
  const xFirst = wx.first;
  const xWeights = wx.weights;
  const tx = wx.taps;
  for (let j = 0; j < sy; j++) {
    const row = j * sx;
    const dst = j * ox;
    if (tx === 4) {
      // The common case (resolution = sampling step), unrolled.
      for (let i = 0; i < ox; i++) {
        const n = row + xFirst[i];
        const wi = 4 * i;
        scratch[dst + i] =
          xWeights[wi] * source[n] +
          xWeights[wi + 1] * source[n + 1] +
          xWeights[wi + 2] * source[n + 2] +
          xWeights[wi + 3] * source[n + 3];
      }
      continue;
    }
    for (let i = 0; i < ox; i++) {
      const n = row + xFirst[i];
      const wi = i * tx;
      let acc = 0;
      for (let t = 0; t < tx; t++) acc += xWeights[wi + t] * source[n + t];
      scratch[dst + i] = acc;
    }
  }
  const ty = wy.taps;
  for (let j = 0; j < oy; j++) {
    const n0 = wy.first[j];
    const o = outOffset + j * ox;
    out.fill(0, o, o + ox);
    for (let t = 0; t < ty; t++) {
      const wgt = wy.weights[j * ty + t];
      if (wgt === 0) continue;
      const base = (n0 + t) * ox;
      for (let i = 0; i < ox; i++) out[o + i] += wgt * scratch[base + i];
    }
  }
}
