import { describe, expect, it } from 'vitest';
import { axisWeights, resamplePlaneInto } from '../../../electron/phantom/psf';

/** Weights of output i as a dense array over the source (index -> weight). */
function dense(w: ReturnType<typeof axisWeights>, i: number, sourceCount: number): number[] {
  const out = new Array<number>(sourceCount).fill(0);
  for (let t = 0; t < w.taps; t++) out[w.first[i] + t] = w.weights[i * w.taps + t];
  return out;
}

describe('PSF resampling (Lanczos-2)', () => {
  it('half-way between samples at resolution = step: Lanczos-2 worked by hand', () => {
    // L(x) = 2 sin(pi x) sin(pi x / 2) / (pi x)^2: L(0.5) = 0.5731591, L(1.5) = -0.0636843;
    // normalised by their sum 1.0189496: 0.5625005 and -0.0625005.
    const w = axisWeights(0, 1, 10, 4.5, 1, 1, 1);
    const d = dense(w, 0, 10);
    expect(d[4]).toBeCloseTo(0.5625005, 5);
    expect(d[5]).toBeCloseTo(0.5625005, 5);
    expect(d[3]).toBeCloseTo(-0.0625005, 5);
    expect(d[6]).toBeCloseTo(-0.0625005, 5);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('on a sample at resolution = step it interpolates (weight 1 there, 0 elsewhere)', () => {
    const d = dense(axisWeights(0, 1, 10, 5, 1, 1, 1), 0, 10);
    d.forEach((x, n) => expect(x).toBeCloseTo(n === 5 ? 1 : 0, 6));
  });

  it('a coarser resolution widens the kernel: resolution 2 x step, worked by hand', () => {
    // Taps at 0, +-1, +-2, +-3 steps: L(0) = 1, L(0.5) = 0.5731591, L(1) = 0, L(1.5) = -0.0636843;
    // sum 2.0189496, so the centre weighs 0.4953083.
    const d = dense(axisWeights(0, 1, 20, 10, 1, 1, 2), 0, 20);
    expect(d[10]).toBeCloseTo(0.4953083, 5);
    expect(d[11]).toBeCloseTo(0.5731591 / 2.0189496, 5);
    expect(d[12]).toBeCloseTo(0, 6);
    expect(d[13]).toBeCloseTo(-0.0636843 / 2.0189496, 5);
  });

  it('a step edge rises 10-90 % over about 0.9 resolutions, as for an ideal sinc PSF', () => {
    // Ideal (rect k-space) PSF: edge response 1/2 + Si(pi x / R) / pi, 10-90 % width 0.89 R.
    const step = 0.1;
    const n = 400;
    const resolution = 2;
    const source = new Float32Array(n).map((_, i) => (i * step >= 15 ? 1 : 0));
    const w = axisWeights(0, step, n, 10, 0.05, 200, resolution);
    const out = new Float32Array(200);
    resamplePlaneInto(
      source,
      n,
      1,
      w,
      axisWeights(0, 1, 1, 0, 1, 1, 1),
      out,
      0,
      200,
      1,
      new Float32Array(200),
    );
    const x = (level: number): number => 10 + 0.05 * out.findIndex((v) => v >= level);
    const width = x(0.9) - x(0.1);
    expect(width).toBeGreaterThan(0.8 * resolution);
    expect(width).toBeLessThan(1.1 * resolution);
  });

  it('keeps a constant plane constant, up to the edges', () => {
    const sx = 30;
    const sy = 20;
    const source = new Float32Array(sx * sy).fill(3);
    const wx = axisWeights(0, 1, sx, 0.3, 0.7, 40, 1.6);
    const wy = axisWeights(0, 1, sy, 0.1, 0.9, 21, 1.2);
    const out = new Float32Array(40 * 21);
    resamplePlaneInto(source, sx, sy, wx, wy, out, 0, 40, 21, new Float32Array(sy * 40));
    for (const v of out) expect(v).toBeCloseTo(3, 5);
  });
});
