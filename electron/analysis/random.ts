/**
 * A small seeded generator (mulberry32) so that every bootstrap the workstation reports can be
 * reproduced exactly from its seed. Statistical quality is ample for resampling indices.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`a seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.floor(random() * n);
}
