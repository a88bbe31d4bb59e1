import { gaussianBlur, resampleOnto, type Volume } from '../imaging';
import type { ModelManifest } from './manifest';
import { quantileInPlace } from './quantile';

/**
 * Image-quality features, computed on the raw resampled volumes (model grid, before z-scoring).
 * All are ratios or shape statistics, so they do not depend on a scanner's arbitrary intensity
 * scale. Formulas (fg = foreground voxels, those above 10% of the volume's 99th percentile):
 *  - foregroundFraction: |fg| / all voxels
 *  - cv: std(fg) / mean(fg)
 *  - skewness, kurtosis: third standardised moment and excess kurtosis of fg
 *  - p99OverMedian: p99(fg) / median(fg)
 *  - biasField: ln(p95 / p5) of the fg intensity smoothed with a 15 mm Gaussian (normalised
 *    convolution inside fg, on 4 x 4 in-plane blocks that are at least half foreground): how much
 *    the slowly varying brightness changes across the anatomy.
 * Exam feature:
 *  - stirFatRatio: mean STIR signal where T1 is in the top 15% of its fg (fat is bright on T1),
 *    divided by the STIR fg median. Fat suppression makes fat dark on STIR (ratio well below 1);
 *    when it fails, fat is bright (ratio near or above 1).
 */
export const SEQUENCE_FEATURES = [
  'foregroundFraction',
  'cv',
  'skewness',
  'kurtosis',
  'p99OverMedian',
  'biasField',
] as const;
export const EXAM_FEATURES = ['stirFatRatio'] as const;

export type FeatureSet = Record<string, number>;
export interface QualityFeatures {
  t1: FeatureSet;
  stir: FeatureSet;
  exam: FeatureSet;
}

const BIAS_SIGMA_MM = 15;

/** p-quantile of a copy of `values` (the input is left untouched). */
function quantile(values: Float32Array, p: number): number {
  return quantileInPlace(Float32Array.from(values), p);
}

function foregroundMask(data: Float32Array): Uint8Array {
  const cut = 0.1 * quantile(data, 0.99);
  const mask = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) mask[n] = data[n] > cut ? 1 : 0;
  return mask;
}

function masked(data: Float32Array, mask: Uint8Array): Float32Array {
  let count = 0;
  for (let n = 0; n < mask.length; n++) count += mask[n];
  const out = new Float32Array(count);
  for (let n = 0, o = 0; n < mask.length; n++) if (mask[n]) out[o++] = data[n];
  return out;
}

/** In-plane block size for the bias estimate: the field is smooth, so 4 x 4 blocks lose nothing. */
const BIAS_BLOCK = 4;

function biasField(volume: Volume, mask: Uint8Array): number {
  const [nx, ny, nz] = volume.dims;
  const bx = Math.ceil(nx / BIAS_BLOCK);
  const by = Math.ceil(ny / BIAS_BLOCK);
  const sums = new Float32Array(bx * by * nz);
  const counts = new Float32Array(bx * by * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const n = i + nx * (j + ny * k);
        if (!mask[n]) continue;
        const b = Math.floor(i / BIAS_BLOCK) + bx * (Math.floor(j / BIAS_BLOCK) + by * k);
        sums[b] += volume.data[n];
        counts[b] += 1;
      }
    }
  }
  const spacing = [volume.spacing[0] * BIAS_BLOCK, volume.spacing[1] * BIAS_BLOCK, volume.spacing[2]];
  const sigma = spacing.map((s) => BIAS_SIGMA_MM / s) as [number, number, number];
  const blocks = {
    dims: [bx, by, nz] as [number, number, number],
    spacing: spacing as [number, number, number],
    affine: volume.affine,
  };
  // Normalised convolution: blurred sum over blurred count is the local foreground mean.
  const num = gaussianBlur({ ...blocks, data: sums }, sigma).data;
  const den = gaussianBlur({ ...blocks, data: counts }, sigma).data;
  const smooth: number[] = [];
  const half = (BIAS_BLOCK * BIAS_BLOCK) / 2;
  for (let b = 0; b < sums.length; b++) if (counts[b] >= half && den[b] > 0) smooth.push(num[b] / den[b]);
  const values = Float32Array.from(smooth);
  const p5 = quantile(values, 0.05);
  const p95 = quantile(values, 0.95);
  return p5 > 0 ? Math.log(p95 / p5) : 0;
}

export function sequenceFeatures(volume: Volume): FeatureSet {
  const mask = foregroundMask(volume.data);
  const fg = masked(volume.data, mask);
  const n = fg.length;
  if (n < 2) {
    return {
      foregroundFraction: n / volume.data.length,
      cv: 0,
      skewness: 0,
      kurtosis: 0,
      p99OverMedian: 0,
      biasField: 0,
    };
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += fg[i];
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = fg[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const median = quantile(fg, 0.5);
  return {
    foregroundFraction: n / volume.data.length,
    cv: mean !== 0 ? Math.sqrt(m2) / mean : 0,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    p99OverMedian: median > 0 ? quantile(fg, 0.99) / median : 0,
    biasField: biasField(volume, mask),
  };
}

/** stirFatRatio (see above); T1 is sampled at the STIR grid's voxels through patient space. */
export function stirFatRatio(t1: Volume, stir: Volume): number {
  const t1OnStir = resampleOnto(t1, stir, { antiAlias: false }).data;
  const t1Mask = foregroundMask(t1OnStir);
  const stirMask = foregroundMask(stir.data);
  const t1Fg = masked(t1OnStir, t1Mask);
  const stirFg = masked(stir.data, stirMask);
  if (t1Fg.length === 0 || stirFg.length === 0) return 0;
  const fatCut = quantileInPlace(t1Fg, 0.85);
  const stirMedian = quantileInPlace(stirFg, 0.5);
  let sum = 0;
  let count = 0;
  for (let n = 0; n < t1OnStir.length; n++) {
    if (t1Mask[n] && t1OnStir[n] >= fatCut) {
      sum += stir.data[n];
      count += 1;
    }
  }
  return count > 0 && stirMedian > 0 ? sum / count / stirMedian : 0;
}

export function qualityFeatures(t1: Volume, stir: Volume): QualityFeatures {
  return {
    t1: sequenceFeatures(t1),
    stir: sequenceFeatures(stir),
    exam: { stirFatRatio: stirFatRatio(t1, stir) },
  };
}

export type QualityReference = NonNullable<ModelManifest['qualityReference']>;

export interface QualityAssessment {
  /** RMS of the feature z-scores against the model's training reference; null without a reference */
  oodScore: number | null;
  fatSuppressionFailureSuspected: boolean;
  strongBiasField: { t1: boolean; stir: boolean };
  /** the features furthest from the reference, |z| descending */
  outliers: { feature: string; value: number; z: number }[];
  warnings: { code: string; message: string }[];
}

/** Used when a model ships no reference for a feature; set on the phantom set (docs/MODEL_MANIFEST.md). */
export const ABSOLUTE_LIMITS = { stirFatRatio: 1.0, biasField: 1.1 };
/** A z-score beyond this flags a single feature; an RMS beyond it flags the whole exam. */
export const Z_LIMIT = 3;

function zOf(
  ref: Record<string, { mean: number; std: number }> | undefined,
  name: string,
  value: number,
): number | null {
  const stats = ref?.[name];
  if (!stats || !(stats.std > 0)) return null;
  return (value - stats.mean) / stats.std;
}

/** Turns features into the quality signals shown with a result (formulas in docs/MODEL_MANIFEST.md). */
export function assessQuality(features: QualityFeatures, reference?: QualityReference): QualityAssessment {
  const zs: { feature: string; value: number; z: number }[] = [];
  for (const group of ['t1', 'stir', 'exam'] as const) {
    for (const [name, value] of Object.entries(features[group])) {
      const z = zOf(reference?.[group]?.features, name, value);
      if (z !== null) zs.push({ feature: `${group}.${name}`, value, z });
    }
  }
  const oodScore = zs.length > 0 ? Math.sqrt(zs.reduce((s, e) => s + e.z * e.z, 0) / zs.length) : null;
  const high = (group: 't1' | 'stir' | 'exam', name: string, limit: number) => {
    const value = features[group][name];
    const z = zOf(reference?.[group]?.features, name, value);
    return z !== null ? z > Z_LIMIT : value > limit;
  };
  const fat = high('exam', 'stirFatRatio', ABSOLUTE_LIMITS.stirFatRatio);
  const bias = {
    t1: high('t1', 'biasField', ABSOLUTE_LIMITS.biasField),
    stir: high('stir', 'biasField', ABSOLUTE_LIMITS.biasField),
  };
  const warnings: QualityAssessment['warnings'] = [];
  if (fat) {
    warnings.push({
      code: 'fat_suppression_failure',
      message: `suspected failure of fat suppression on STIR (fat signal ratio ${features.exam.stirFatRatio.toFixed(2)}): bright fat can be read as bone marrow edema (a known cause of false positives)`,
    });
  }
  for (const seq of ['t1', 'stir'] as const) {
    if (bias[seq]) {
      warnings.push({
        code: 'bias_field',
        message: `strong intensity inhomogeneity (bias field) on ${seq.toUpperCase()} (smoothed intensity varies ${Math.exp(features[seq].biasField).toFixed(1)}x across the anatomy): a known cause of false positives`,
      });
    }
  }
  const outliers = zs.filter((e) => Math.abs(e.z) > Z_LIMIT).sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
  if (oodScore !== null && oodScore > Z_LIMIT) {
    const top = outliers
      .slice(0, 3)
      .map((o) => `${o.feature} z=${o.z.toFixed(1)}`)
      .join(', ');
    warnings.push({
      code: 'out_of_distribution',
      message: `image statistics far from the model's training data (out-of-distribution score ${oodScore.toFixed(1)} > ${Z_LIMIT}${top ? `; ${top}` : ''}): treat the result with caution`,
    });
  }
  return { oodScore, fatSuppressionFailureSuspected: fat, strongBiasField: bias, outliers, warnings };
}
