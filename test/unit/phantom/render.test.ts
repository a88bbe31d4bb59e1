import { describe, expect, it } from 'vitest';
import { Anatomy } from '../../../electron/phantom/anatomy';
import { planSeries, type SlicePlan } from '../../../electron/phantom/geometry';
import { samplePatient } from '../../../electron/phantom/patient';
import { axisWeights, resamplePlaneInto } from '../../../electron/phantom/psf';
import { Rng } from '../../../electron/phantom/random';
import {
  renderSeries,
  samplingGrid,
  sliceCentre,
  type SeriesToRender,
} from '../../../electron/phantom/render';
import { fatNullTi, signalTable, Tissue } from '../../../electron/phantom/tissues';

/**
 * The renderer samples each slice's two halves (sub-planes at -+thickness/4) only where the
 * anatomy differs between neighbours; elsewhere it samples one of them. Reference: both
 * sub-planes sampled at every grid point straight from Anatomy.classify, averaged, and resampled
 * with the same PSF. The shortcut must not change the image beyond texture differences.
 */
describe('render: through-plane partial volume', () => {
  const anat = new Anatomy(samplePatient(new Rng(3), false, [30, 40]));
  const plan: SlicePlan = {
    orientation: 'semicoronal',
    tiltDeg: 24,
    inPlaneDeg: 2,
    yawDeg: -1,
    centre: [0, -4, 0],
    fovMm: 280,
    slices: 3,
    thickness: 4,
    gap: 0.4,
  };
  const t1 = signalTable({ kind: 'se', tr: 600, te: 11 }, 1.5);
  const stir = signalTable({ kind: 'stir', tr: 5000, te: 50, ti: fatNullTi(1.5) }, 1.5);
  const series: SeriesToRender[] = [
    {
      geometry: planSeries(plan, 160),
      channel: { table: t1, role: 'structural', wrap: false },
      resolution: [280 / 112, 280 / 140],
    },
    {
      geometry: planSeries(plan, 128),
      channel: { table: stir, role: 'active', wrap: false },
      resolution: [280 / 96, 280 / 120],
    },
  ];
  const rendered = renderSeries(anat, [], series);

  /** Slice k of series s resampled from each half alone and from their mean. */
  function reference(k: number, s: number): { mean: Float32Array; halves: Float32Array[] } {
    const { hx, hy, nfx, nfy } = samplingGrid(series);
    const g = series[0].geometry;
    const M = anat.toLocal;
    const local = (p: readonly number[]): number[] =>
      [0, 1, 2].map((r) => M[3 * r] * p[0] + M[3 * r + 1] * p[1] + M[3 * r + 2] * p[2]);
    const centre = local(sliceCentre(g, k));
    const [row, col, normal] = [local(g.row), local(g.col), local(g.normal)];
    const table = series[s].channel.table;
    const halves = [new Float32Array(nfx * nfy), new Float32Array(nfx * nfy)];
    for (let j = 0; j < nfy; j++)
      for (let i = 0; i < nfx; i++) {
        for (const [h, z] of [
          [0, -0.25 * g.thickness],
          [1, 0.25 * g.thickness],
        ]) {
          const p = [0, 1, 2].map(
            (d) =>
              centre[d] +
              (i - (nfx - 1) / 2) * hx * row[d] +
              (j - (nfy - 1) / 2) * hy * col[d] +
              z * normal[d],
          );
          const t = anat.classify(p[0], p[1], p[2]);
          halves[h][j * nfx + i] =
            t === Tissue.air ? 0 : (1 - anat.fraction) * table[t] + anat.fraction * table[anat.second];
        }
      }
    const fine = halves[0].map((x, n) => (x + halves[1][n]) / 2);
    const [m, my] = series[s].geometry.dims;
    const step = series[s].geometry.spacing[0];
    const wx = axisWeights(
      -((nfx - 1) / 2) * hx,
      hx,
      nfx,
      -((m - 1) / 2) * step,
      step,
      m,
      series[s].resolution[0],
    );
    const wy = axisWeights(
      -((nfy - 1) / 2) * hy,
      hy,
      nfy,
      -((my - 1) / 2) * step,
      step,
      my,
      series[s].resolution[1],
    );
    const resampled = (plane: Float32Array): Float32Array => {
      const out = new Float32Array(m * my);
      resamplePlaneInto(plane, nfx, nfy, wx, wy, out, 0, m, my, new Float32Array(nfy * m));
      return out;
    };
    return { mean: resampled(fine), halves: halves.map(resampled) };
  }

  for (const [s, name] of [
    [0, 'T1'],
    [1, 'STIR'],
  ] as const) {
    it(`${name}: the image equals sampling both halves everywhere (texture differences only)`, () => {
      const k = 1;
      const expected = reference(k, s).mean;
      const [m, my] = series[s].geometry.dims;
      const got = rendered[s].clean.subarray(k * m * my, (k + 1) * m * my);
      const scale = Math.max(...expected);
      const diffs = Array.from(got, (v, n) => Math.abs(v - expected[n]) / scale).sort((a, b) => a - b);
      // Texture (muscle streaks, marrow mottle) differs between the halves and a single-sampled
      // point shows one half's: a few per cent at most. A thin structure missed on one half
      // would cost a quarter of the fat-muscle contrast or more.
      expect(diffs[diffs.length - 1]).toBeLessThan(0.1);
      expect(diffs[Math.floor(0.99 * diffs.length)]).toBeLessThan(0.035);
      expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(0.002);
      // And the slice is not empty: the body fills most of the field of view.
      expect(Array.from(got).filter((v) => v > 0.2 * scale).length).toBeGreaterThan(0.5 * m * my);
    });
  }

  it('where the two halves of the slice differ, a voxel shows their mean, not either half', () => {
    const k = 1;
    const { mean, halves } = reference(k, 0);
    const [m, my] = series[0].geometry.dims;
    const got = rendered[0].clean.subarray(k * m * my, (k + 1) * m * my);
    const contrast = t1[Tissue.fat] - t1[Tissue.muscle];
    let differing = 0;
    let closerToMean = 0;
    for (let n = 0; n < got.length; n++) {
      if (Math.abs(halves[0][n] - halves[1][n]) < 0.3 * contrast) continue;
      differing++;
      const toMean = Math.abs(got[n] - mean[n]);
      if (toMean < Math.abs(got[n] - halves[0][n]) && toMean < Math.abs(got[n] - halves[1][n]))
        closerToMean++;
    }
    // A 4 mm slice at 24 degrees through the pelvis cuts many oblique boundaries.
    expect(differing).toBeGreaterThan(0.01 * m * my);
    expect(closerToMean / differing).toBeGreaterThan(0.95);
  });
});
