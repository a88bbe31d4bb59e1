import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quantileInPlace } from '../../../electron/inference/quantile';
import {
  assessQuality,
  sequenceFeatures,
  stirFatRatio,
  type QualityFeatures,
} from '../../../electron/inference';
import type { Volume } from '../../../electron/imaging';

const affine = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3.5, 0, 0, 0, 0, 1];
function volume(dims: [number, number, number], f: (i: number, j: number, k: number) => number): Volume {
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = f(i, j, k);
  return { dims, spacing: [2, 2, 3.5], affine, data };
}

describe('quantile', () => {
  it('matches numpy.percentile (linear) on random data', () => {
    let seed = 3;
    const values = Float32Array.from(
      { length: 1001 },
      () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 10,
    );
    const ps = [0, 0.05, 0.5, 0.85, 0.99, 1];
    const ours = ps.map((p) => quantileInPlace(Float32Array.from(values), p));
    const ref = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import json,sys,numpy as np; v=np.array(json.load(sys.stdin),dtype=np.float32).astype(np.float64); print(json.dumps([float(np.percentile(v,p*100)) for p in ${JSON.stringify(ps)}]))`,
        ],
        { input: JSON.stringify(Array.from(values)) },
      ).toString(),
    ) as number[];
    ours.forEach((q, n) => expect(q).toBeCloseTo(ref[n], 4));
  });
});

describe('quality features (worked examples)', () => {
  // Half the voxels 0 (background), a quarter 100, a quarter 300: foreground = the 200 non-zero voxels.
  const v = volume([20, 20, 1], (i, j) => (j < 10 ? 0 : i < 10 ? 100 : 300));

  it('computes the documented sequence features', () => {
    const f = sequenceFeatures(v);
    expect(f.foregroundFraction).toBeCloseTo(0.5, 12);
    // fg mean 200, population std 100 -> cv 0.5; symmetric two-point -> skewness 0, excess kurtosis -2
    expect(f.cv).toBeCloseTo(0.5, 6);
    expect(f.skewness).toBeCloseTo(0, 6);
    expect(f.kurtosis).toBeCloseTo(-2, 6);
    // fg median: 100 values of 100 and 100 of 300 -> (100 + 300) / 2 = 200; p99 = 300
    expect(f.p99OverMedian).toBeCloseTo(300 / 200, 6);
  });

  it('sees a smooth brightness gradient as a bias field and a flat image as none', () => {
    const flat = sequenceFeatures(volume([40, 40, 8], () => 500));
    const ramp = sequenceFeatures(volume([40, 40, 8], (i) => 200 * Math.exp((1.5 * i) / 39)));
    expect(flat.biasField).toBeCloseTo(0, 6);
    // ln(p95/p5) of a smoothed exponential ramp spanning e^1.5: below 1.5 (smoothing, percentiles) but far above 0
    expect(ramp.biasField).toBeGreaterThan(0.8);
    expect(ramp.biasField).toBeLessThan(1.5);
  });

  it('stirFatRatio: STIR signal where T1 is brightest, over the STIR median', () => {
    // T1: fat (bright, 1000) in columns 0..3, tissue 300 elsewhere. STIR: tissue 200; fat 20 (suppressed) or 400 (failed).
    const t1 = volume([20, 10, 4], (i) => (i < 4 ? 1000 : 300));
    const good = volume([20, 10, 4], (i) => (i < 4 ? 20 : 200));
    const failed = volume([20, 10, 4], (i) => (i < 4 ? 400 : 200));
    expect(stirFatRatio(t1, good)).toBeCloseTo(20 / 200, 6);
    expect(stirFatRatio(t1, failed)).toBeCloseTo(400 / 200, 6);
  });
});

describe('assessQuality', () => {
  const features: QualityFeatures = {
    t1: { cv: 0.5, biasField: 0.3 },
    stir: { cv: 0.9, biasField: 1.6 },
    exam: { stirFatRatio: 1.4 },
  };

  it('without a reference: absolute limits flag fat-suppression failure and bias field; no OOD score', () => {
    const q = assessQuality(features);
    expect(q.oodScore).toBeNull();
    expect(q.fatSuppressionFailureSuspected).toBe(true);
    expect(q.strongBiasField).toEqual({ t1: false, stir: true });
    expect(q.warnings.map((w) => w.code)).toEqual(['fat_suppression_failure', 'bias_field']);
  });

  it('OOD score = RMS of the z-scores against the reference (worked example)', () => {
    const q = assessQuality(features, {
      t1: { features: { cv: { mean: 0.5, std: 0.1 }, biasField: { mean: 0.3, std: 0.1 } } },
      stir: { features: { cv: { mean: 0.5, std: 0.1 }, biasField: { mean: 0.4, std: 0.2 } } },
      exam: { features: { stirFatRatio: { mean: 0.5, std: 0.3 } } },
    });
    // z: t1.cv 0, t1.bias 0, stir.cv 4, stir.bias 6, exam.fat 3 -> RMS = sqrt((16 + 36 + 9) / 5)
    expect(q.oodScore).toBeCloseTo(Math.sqrt(61 / 5), 9);
    expect(q.outliers.map((o) => o.feature)).toEqual(['stir.biasField', 'stir.cv']);
    expect(q.fatSuppressionFailureSuspected).toBe(false); // z = 3 is not beyond the limit
    expect(q.strongBiasField).toEqual({ t1: false, stir: true });
    expect(q.warnings.find((w) => w.code === 'out_of_distribution')?.message).toMatch(
      /score 3\.5 > 3; stir\.biasField z=6\.0, stir\.cv z=4\.0/,
    );
  });
});
