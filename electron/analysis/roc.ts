import { mean } from './moments';
import { requireBothClasses, splitByTruth, type ScoredSet, type SplitScores } from './scored-set';

/** One operating point: a case is called positive when its score is >= threshold. */
export interface RocPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

/**
 * The empirical ROC curve at every distinct cut-off. Thresholds are placed midway between
 * consecutive distinct scores (plus ±Infinity at the ends), as pROC does, so a threshold never
 * coincides with an observed score and tied scores move the curve in one diagonal step.
 * Points run from threshold +Infinity (nothing positive) to -Infinity (everything positive).
 */
export function rocCurve(set: ScoredSet): RocPoint[] {
  const split = splitByTruth(set);
  requireBothClasses(split, 'a ROC curve');
  const distinct = [...new Set([...split.positives, ...split.negatives])].sort((a, b) => b - a);
  const thresholds = [Infinity];
  for (let i = 0; i + 1 < distinct.length; i++) thresholds.push((distinct[i] + distinct[i + 1]) / 2);
  thresholds.push(-Infinity);
  const pos = [...split.positives].sort((a, b) => b - a);
  const neg = [...split.negatives].sort((a, b) => b - a);
  let ip = 0;
  let ineg = 0;
  return thresholds.map((threshold) => {
    while (ip < pos.length && pos[ip] >= threshold) ip++;
    while (ineg < neg.length && neg[ineg] >= threshold) ineg++;
    return { threshold, sensitivity: ip / pos.length, specificity: 1 - ineg / neg.length };
  });
}

/**
 * Placement values (DeLong 1988): for each positive, the fraction of negatives it outscores
 * (ties count half); for each negative, the fraction of positives that outscore it.
 * Their means are both the AUC.
 */
export interface Placements {
  positives: Float64Array;
  negatives: Float64Array;
}

/** Count of values < x and == x in an ascending array, by binary search. */
function countBelowAndEqual(sorted: readonly number[], x: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return [below, lo - below];
}

export function placements(split: SplitScores): Placements {
  requireBothClasses(split, 'an AUC');
  const pos = [...split.positives].sort((a, b) => a - b);
  const neg = [...split.negatives].sort((a, b) => a - b);
  const positives = new Float64Array(split.positives.length);
  split.positives.forEach((x, i) => {
    const [below, equal] = countBelowAndEqual(neg, x);
    positives[i] = (below + 0.5 * equal) / neg.length;
  });
  const negatives = new Float64Array(split.negatives.length);
  split.negatives.forEach((y, j) => {
    const [below, equal] = countBelowAndEqual(pos, y);
    negatives[j] = (pos.length - below - equal + 0.5 * equal) / pos.length;
  });
  return { positives, negatives };
}

/**
 * AUC as the Mann-Whitney statistic: the probability that a random positive outscores a random
 * negative, ties counting one half. Equals the trapezoidal area under rocCurve.
 */
export function aucOfSplit(split: SplitScores): number {
  return mean(placements(split).positives);
}

export function auc(set: ScoredSet): number {
  return aucOfSplit(splitByTruth(set));
}
