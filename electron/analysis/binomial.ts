import { betaQuantile } from './special';

export type Interval = [number, number];

/** A proportion k/n with its exact (Clopper-Pearson) confidence interval. */
export interface Proportion {
  /** k/n, or null when n = 0 (nothing to estimate). */
  estimate: number | null;
  ci: Interval | null;
  k: number;
  n: number;
}

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`a proportion needs integers 0 <= k <= n, got k=${k}, n=${n}`);
  }
}

/**
 * Exact Clopper-Pearson interval (Clopper & Pearson, Biometrika 1934), as R's binom.test:
 * lower = Beta quantile α/2 of (k, n-k+1), upper = Beta quantile 1-α/2 of (k+1, n-k).
 */
export function clopperPearson(k: number, n: number, level = 0.95): Interval {
  checkCounts(k, n);
  if (n === 0) throw new RangeError('a Clopper-Pearson interval needs n > 0');
  const alpha = 1 - level;
  const lower = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const upper = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return [lower, upper];
}

export function proportion(k: number, n: number, level = 0.95): Proportion {
  checkCounts(k, n);
  if (n === 0) return { estimate: null, ci: null, k, n };
  return { estimate: k / n, ci: clopperPearson(k, n, level), k, n };
}
