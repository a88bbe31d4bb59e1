import { logChoose } from './special';

/**
 * Exact McNemar test for paired binary outcomes (e.g. one reader's correct/incorrect calls on
 * the same cases without and with the model): only the discordant pairs count, b = right only
 * in the first condition, c = right only in the second; under H0 b ~ Binomial(b + c, 1/2).
 * Two-sided p = min(1, 2 P(X <= min(b, c))), as R's binom.test(b, b + c).
 */
export function exactMcNemar(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`McNemar needs discordant counts >= 0, got ${b} and ${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  const low = Math.min(b, c);
  let tail = 0;
  for (let x = 0; x <= low; x++) tail += Math.exp(logChoose(n, x) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}
