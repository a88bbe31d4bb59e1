/**
 * Deterministic pseudo-random numbers. Every random choice of the generator is drawn from a `Rng`
 * seeded from the exam seed, so an exam is reproducible bit for bit for a given seed and version.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hashSeed(seed);
  }

  /** Uniform in [0, 1): mulberry32, fast and well distributed enough for simulation. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn with probability proportional to weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An independent child stream, so adding draws to one part does not shift another. */
  fork(label: string): Rng {
    return new Rng(hashString(label, this.state));
  }
}

function hashSeed(seed: number): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** 32-bit FNV-1a of a string, mixed with a salt. */
export function hashString(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A DICOM UID under the 2.25 root (ITU-T X.667: a decimal 128-bit number), derived from a text key
 * so the same exam always gets the same UIDs.
 */
export function uidFromKey(key: string): string {
  let value = 0n;
  for (let part = 0; part < 4; part++) {
    value = (value << 32n) | BigInt(hashString(key, part * 0x27d4eb2d));
  }
  // A leading zero is not allowed in a UID component; the top bit keeps the number long enough.
  return `2.25.${(value | (1n << 127n)).toString()}`;
}
