import { describe, expect, it } from 'vitest';
import { ValueNoise } from '../../../electron/phantom/noise';
import { Rng } from '../../../electron/phantom/random';

describe('value noise (textures)', () => {
  const noise = new ValueNoise(new Rng(5));
  const points = Array.from({ length: 4000 }, (_, n) => [n * 0.731, n * 0.377 + 3, -n * 0.219] as const);

  it('lies in [0, 1] with mean 1/2 (uniform lattice values, convex interpolation)', () => {
    const values = points.map(([x, y, z]) => noise.at(x, y, z));
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of values) expect(v).toBeLessThanOrEqual(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    // Lattice values are uniform (sd 0.29); 32^3 of them, sampled at 4,000 correlated points.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
  });

  it('equals the lattice value at lattice points and repeats with the 32-unit period', () => {
    const lattice = new Rng(5);
    const first = lattice.next();
    expect(noise.at(0, 0, 0)).toBeCloseTo(first, 6);
    expect(noise.at(32, -64, 96)).toBeCloseTo(first, 6);
    for (const [x, y, z] of points.slice(0, 200))
      expect(noise.at(x + 32, y, z - 32)).toBeCloseTo(noise.at(x, y, z), 5);
  });

  it('is continuous and band-limited: neighbouring points a 1/100 unit apart differ by < 0.03', () => {
    for (const [x, y, z] of points) {
      expect(Math.abs(noise.at(x + 0.01, y, z) - noise.at(x, y, z))).toBeLessThan(0.03);
      expect(Math.abs(noise.at(x, y, z + 0.01) - noise.at(x, y, z))).toBeLessThan(0.03);
    }
  });

  it('differs between seeds and is the same for the same seed', () => {
    const again = new ValueNoise(new Rng(5));
    const other = new ValueNoise(new Rng(6));
    const [x, y, z] = points[17];
    expect(again.at(x, y, z)).toBe(noise.at(x, y, z));
    expect(points.some(([a, b, c]) => Math.abs(other.at(a, b, c) - noise.at(a, b, c)) > 0.2)).toBe(true);
  });
});
