import type { Interval } from './binomial';
import { covariance, mean } from './moments';
import { placements, type Placements } from './roc';
import { requireBothClasses, splitByTruth, type ScoredSet } from './scored-set';
import { normalQuantile, twoSidedNormalP } from './special';

/**
 * DeLong, DeLong & Clarke-Pearson (Biometrics 1988): the AUC's variance from the placement values,
 * var = S10/m + S01/n with S10, S01 the sample variances of the positives' and negatives'
 * placements. The CI is normal on the AUC scale and clipped to [0, 1], as pROC's ci.auc.
 */
export interface DelongAuc {
  auc: number;
  variance: number;
  ci: Interval;
}

function delongVariance(p: Placements): number {
  return (
    covariance(p.positives, p.positives) / p.positives.length +
    covariance(p.negatives, p.negatives) / p.negatives.length
  );
}

export function delongAuc(set: ScoredSet, level = 0.95): DelongAuc {
  const p = placements(splitByTruth(set));
  const value = mean(p.positives);
  const variance = delongVariance(p);
  const z = normalQuantile(1 - (1 - level) / 2);
  const half = z * Math.sqrt(variance);
  return { auc: value, variance, ci: [Math.max(0, value - half), Math.min(1, value + half)] };
}

/** Result of comparing two AUCs measured on the same cases. */
export interface AucComparison {
  auc1: number;
  auc2: number;
  /** auc1 - auc2 */
  difference: number;
  /** Test statistic, standard normal under H0: equal AUCs. */
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * DeLong's test for two correlated ROC curves (two scores of the same cases), as pROC's
 * roc.test(method = "delong", paired = TRUE): z = (A1 - A2) / sqrt(V1 + V2 - 2 Cov).
 */
export function delongTest(
  truth: readonly number[],
  scores1: readonly number[],
  scores2: readonly number[],
): AucComparison {
  if (scores1.length !== scores2.length) {
    throw new RangeError(
      `paired comparison needs the same cases: ${scores1.length} vs ${scores2.length} scores`,
    );
  }
  const s1 = splitByTruth({ truth, scores: scores1 });
  const s2 = splitByTruth({ truth, scores: scores2 });
  requireBothClasses(s1, 'DeLong test');
  const p1 = placements(s1);
  const p2 = placements(s2);
  const auc1 = mean(p1.positives);
  const auc2 = mean(p2.positives);
  const cov =
    covariance(p1.positives, p2.positives) / p1.positives.length +
    covariance(p1.negatives, p2.negatives) / p1.negatives.length;
  const varianceOfDifference = delongVariance(p1) + delongVariance(p2) - 2 * cov;
  const difference = auc1 - auc2;
  const z =
    varianceOfDifference > 0
      ? difference / Math.sqrt(varianceOfDifference)
      : difference === 0
        ? 0
        : Math.sign(difference) * Infinity;
  return { auc1, auc2, difference, z, p: twoSidedNormalP(z) };
}
