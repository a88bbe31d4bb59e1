import type { Interval } from './binomial';
import { quantileType7, sampleVariance } from './moments';
import { aucOfSplit } from './roc';
import { randomIndex, seededRandom, type Random } from './random';
import { requireBothClasses, splitByTruth, type ScoredSet } from './scored-set';
import { twoSidedNormalP } from './special';
import type { AucComparison } from './delong';

export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;
export const DEFAULT_SEED = 20220602;

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

function resolve(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 10) {
    throw new RangeError(`bootstrap needs an integer number of resamples >= 10, got ${resamples}`);
  }
  return { resamples, seed: options.seed ?? DEFAULT_SEED, level: options.level ?? 0.95 };
}

/** Indices 0..n-1 drawn with replacement. */
function resampleIndices(random: Random, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = randomIndex(random, n);
  return out;
}

function pick(values: readonly number[], indices: Int32Array): number[] {
  return Array.from(indices, (i) => values[i]);
}

export interface BootstrapAuc {
  auc: number;
  ci: Interval;
  resamples: number;
  seed: number;
}

/**
 * Percentile CI of the AUC by stratified bootstrap (positives and negatives resampled separately,
 * keeping both counts, as pROC's ci.auc(method = "bootstrap", boot.stratified = TRUE)).
 */
export function bootstrapAucCi(set: ScoredSet, options: BootstrapOptions = {}): BootstrapAuc {
  const { resamples, seed, level } = resolve(options);
  const split = splitByTruth(set);
  requireBothClasses(split, 'a bootstrap AUC');
  const random = seededRandom(seed);
  const aucs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    aucs.push(
      aucOfSplit({
        positives: pick(split.positives, resampleIndices(random, split.positives.length)),
        negatives: pick(split.negatives, resampleIndices(random, split.negatives.length)),
      }),
    );
  }
  const alpha = 1 - level;
  return {
    auc: aucOfSplit(split),
    ci: [quantileType7(aucs, alpha / 2), quantileType7(aucs, 1 - alpha / 2)],
    resamples,
    seed,
  };
}

/**
 * Paired bootstrap test of two AUCs on the same cases (Hanley & McNeil's approach as in pROC's
 * roc.test(method = "bootstrap")): the same stratified resample is scored with both predictors,
 * D = (A1 - A2) / sd(bootstrap differences), two-sided p from the standard normal.
 */
export function bootstrapAucTest(
  truth: readonly number[],
  scores1: readonly number[],
  scores2: readonly number[],
  options: BootstrapOptions = {},
): AucComparison & { resamples: number; seed: number } {
  const { resamples, seed } = resolve(options);
  if (scores1.length !== scores2.length || truth.length !== scores1.length) {
    throw new RangeError('paired comparison needs truth and both scores for the same cases');
  }
  const s1 = splitByTruth({ truth, scores: scores1 });
  const s2 = splitByTruth({ truth, scores: scores2 });
  requireBothClasses(s1, 'a bootstrap AUC test');
  const random = seededRandom(seed);
  const differences: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const ip = resampleIndices(random, s1.positives.length);
    const ineg = resampleIndices(random, s1.negatives.length);
    const a1 = aucOfSplit({ positives: pick(s1.positives, ip), negatives: pick(s1.negatives, ineg) });
    const a2 = aucOfSplit({ positives: pick(s2.positives, ip), negatives: pick(s2.negatives, ineg) });
    differences.push(a1 - a2);
  }
  const auc1 = aucOfSplit(s1);
  const auc2 = aucOfSplit(s2);
  const difference = auc1 - auc2;
  const sd = Math.sqrt(sampleVariance(differences));
  const z = sd > 0 ? difference / sd : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  return { auc1, auc2, difference, z, p: twoSidedNormalP(z), resamples, seed };
}
