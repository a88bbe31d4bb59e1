import type { Rng } from './random';
import type { SeriesGeometry } from './geometry';
import type { RenderOutput } from './render';

/** Artifact settings of one series, drawn per exam and recorded in truth.json. */
export interface ArtifactParams {
  /** noise standard deviation as a fraction of the reference tissue signal (1 / SNR) */
  noiseFraction: number;
  /** coefficients of the log bias field: x, y, z, x^2, y^2, xy (x, y, z in [-1, 1] over the image) */
  bias: [number, number, number, number, number, number];
  /** partial fat-suppression failure: a smooth patch where the inversion is imperfect */
  fatSatFailure?: { centre: [number, number]; radius: number; strength: number };
  ghosting?: { amplitude: number; shiftFraction: number };
  wrap?: { gain: number };
}

export function sampleArtifacts(
  rng: Rng,
  snr: number,
  biasStrength: number,
  probabilities: { fatSatFailure: number; ghosting: number; wrap: number },
  isStir: boolean,
): ArtifactParams {
  const b = (scale: number): number => rng.normal() * biasStrength * scale;
  const params: ArtifactParams = {
    noiseFraction: 1 / snr,
    bias: [b(0.6), b(0.6), b(0.3), b(0.4), b(0.4), b(0.2)],
  };
  if (isStir && rng.chance(probabilities.fatSatFailure)) {
    // Inhomogeneity is worst away from the magnet centre: put the patch towards an image edge.
    const side = rng.chance(0.5) ? -1 : 1;
    params.fatSatFailure = {
      centre: [side * rng.uniform(0.45, 0.85), rng.uniform(-0.6, 0.6)],
      radius: rng.uniform(0.25, 0.5),
      strength: rng.uniform(0.5, 1),
    };
  }
  if (rng.chance(probabilities.ghosting))
    params.ghosting = { amplitude: rng.uniform(0.04, 0.12), shiftFraction: rng.uniform(0.2, 0.5) };
  if (rng.chance(probabilities.wrap)) params.wrap = { gain: rng.uniform(0.4, 0.8) };
  return params;
}

/**
 * Turn a clean render into a measured image: fat-sat failure, wrap-around, motion ghosts along the
 * phase-encoding direction (rows, left-right), a smooth multiplicative bias field, then Rician
 * noise (magnitude of complex Gaussian noise). Returns signal in real-world units (clean x scale).
 */
export function applyArtifacts(
  render: RenderOutput,
  g: SeriesGeometry,
  p: ArtifactParams,
  referenceSignal: number,
  rng: Rng,
  scale: number,
): Float32Array {
  const [nx, ny, nz] = g.dims;
  const img = Float32Array.from(render.clean);
  if (p.fatSatFailure && render.fatFailureDelta) {
    const { centre, radius, strength } = p.fatSatFailure;
    const d = render.fatFailureDelta;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        const y = (2 * j) / (ny - 1) - 1 - centre[1];
        for (let i = 0; i < nx; i++) {
          const x = (2 * i) / (nx - 1) - 1 - centre[0];
          const f = strength * Math.exp(-(x * x + y * y) / (2 * radius * radius));
          if (f > 0.01) img[i + nx * (j + ny * k)] += f * d[i + nx * (j + ny * k)];
        }
      }
  }
  if (p.wrap && render.wrapped) {
    for (let n = 0; n < img.length; n++) img[n] += p.wrap.gain * render.wrapped[n];
  }
  if (p.ghosting) {
    const shift = Math.max(1, Math.round(nx * p.ghosting.shiftFraction));
    const row = new Float32Array(nx);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        const base = nx * (j + ny * k);
        row.set(img.subarray(base, base + nx));
        for (let i = 0; i < nx; i++) {
          img[base + i] += p.ghosting.amplitude * (row[(i + shift) % nx] + row[(i - shift + nx) % nx]) * 0.5;
        }
      }
  }
  const [c1, c2, c3, c4, c5, c6] = p.bias;
  const sigma = referenceSignal * p.noiseFraction * scale;
  // The in-plane part of the bias field is the same on every slice: compute it once.
  const plane = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = (2 * j) / (ny - 1) - 1;
    for (let i = 0; i < nx; i++) {
      const x = (2 * i) / (nx - 1) - 1;
      plane[i + nx * j] = scale * Math.exp(c1 * x + c2 * y + c4 * x * x + c5 * y * y + c6 * x * y);
    }
  }
  const normals = standardNormals();
  const mask = normals.length - 1;
  let state = (rng.next() * 4294967296) >>> 0 || 1;
  for (let k = 0; k < nz; k++) {
    const z = nz > 1 ? (2 * k) / (nz - 1) - 1 : 0;
    const fz = Math.exp(c3 * z);
    const base = nx * ny * k;
    for (let n = 0; n < nx * ny; n++) {
      // xorshift32 indexes a table of normal deviates: two independent ones for real and imaginary noise.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const re = img[base + n] * plane[n] * fz + sigma * normals[state & mask];
      const im = sigma * normals[(state >>> 16) & mask];
      img[base + n] = Math.sqrt(re * re + im * im);
    }
  }
  return img;
}

let normalTable: Float32Array | undefined;

/** 65,536 standard normal deviates (inverse CDF at evenly spaced quantiles, fixed for determinism). */
function standardNormals(): Float32Array {
  if (normalTable) return normalTable;
  const n = 65536;
  const t = new Float32Array(n);
  for (let m = 0; m < n; m++) t[m] = inverseNormal((m + 0.5) / n);
  normalTable = t;
  return t;
}

/** Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
