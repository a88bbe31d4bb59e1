import type { Rng } from './random';

const SIZE = 32;
/** The lattice is stored with one extra (wrapped) layer per axis, so corner n + 1 needs no wrap. */
const STORED = SIZE + 1;
const DY = STORED;
const DZ = STORED * STORED;
/** Keeps lattice coordinates positive so that `| 0` floors them (the frame spans about +-300 mm). */
const OFFSET = 4096;

/**
 * Band-limited random texture: value noise on a periodic 32^3 lattice of seeded random values,
 * interpolated with a smooth (C1) fade, so it has no edges and no regular pattern within a period.
 * One lattice serves several textures through different scales and offsets. `at` is kept small
 * so that V8 inlines it into its callers (a call that is not inlined boxes its arguments).
 */
export class ValueNoise {
  private readonly lattice: Float32Array;

  constructor(rng: Rng) {
    const values = new Float32Array(SIZE * SIZE * SIZE);
    for (let n = 0; n < values.length; n++) values[n] = rng.next();
    this.lattice = new Float32Array(STORED * STORED * STORED);
    for (let z = 0; z < STORED; z++)
      for (let y = 0; y < STORED; y++)
        for (let x = 0; x < STORED; x++)
          this.lattice[x + DY * y + DZ * z] = values[(x % SIZE) + SIZE * ((y % SIZE) + SIZE * (z % SIZE))];
  }

  /** Noise in [0, 1] (mean 0.5) at a point given in lattice units (one unit = one feature size). */
  at(x: number, y: number, z: number): number {
    const px = x + OFFSET;
    const py = y + OFFSET;
    const pz = z + OFFSET;
    const ix = px | 0;
    const iy = py | 0;
    const iz = pz | 0;
    const fx = smooth(px - ix);
    const fy = smooth(py - iy);
    const fz = smooth(pz - iz);
    const n = (ix & (SIZE - 1)) + DY * (iy & (SIZE - 1)) + DZ * (iz & (SIZE - 1));
    const L = this.lattice;
    const a = lerp(L[n], L[n + 1], fx);
    const b = lerp(L[n + DY], L[n + DY + 1], fx);
    const c = lerp(L[n + DZ], L[n + DZ + 1], fx);
    const d = lerp(L[n + DZ + DY], L[n + DZ + DY + 1], fx);
    return lerp(lerp(a, b, fy), lerp(c, d, fy), fz);
  }
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

function lerp(a: number, b: number, t: number): number {
  return a + t * (b - a);
}
