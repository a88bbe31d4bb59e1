import { logChoose } from './special';

export interface FisherResult {
  /** Two-sided p-value, summing the tables no more probable than the observed one (as R). */
  p: number;
  /** Sample odds ratio ad/bc (R reports the conditional MLE instead; this is the plain one). */
  sampleOddsRatio: number;
}

/**
 * Fisher's exact test for the 2x2 table [[a, b], [c, d]] (rows: groups; columns: yes, no).
 * Two-sided p as R's fisher.test: the sum of hypergeometric probabilities of all tables with the
 * same margins whose probability is <= the observed one times (1 + 1e-7).
 */
export function fisherExact(a: number, b: number, c: number, d: number): FisherResult {
  for (const [name, v] of Object.entries({ a, b, c, d })) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`Fisher's test needs counts >= 0, got ${name}=${v}`);
  }
  const row1 = a + b;
  const col1 = a + c;
  const total = a + b + c + d;
  const lowest = Math.max(0, col1 - (total - row1));
  const highest = Math.min(row1, col1);
  const logDensities: number[] = [];
  for (let x = lowest; x <= highest; x++) {
    logDensities.push(logChoose(row1, x) + logChoose(total - row1, col1 - x) - logChoose(total, col1));
  }
  const maxLog = Math.max(...logDensities);
  const weights = logDensities.map((l) => Math.exp(l - maxLog));
  const sum = weights.reduce((s, w) => s + w, 0);
  const observed = weights[a - lowest];
  let p = 0;
  for (const w of weights) if (w <= observed * (1 + 1e-7)) p += w;
  return { p: Math.min(1, p / sum), sampleOddsRatio: (a * d) / (b * c) };
}

/** Fisher's test of two proportions k1/n1 vs k2/n2 (e.g. sensitivity on two test sets). */
export function compareProportions(k1: number, n1: number, k2: number, n2: number): FisherResult {
  return fisherExact(k1, n1 - k1, k2, n2 - k2);
}
