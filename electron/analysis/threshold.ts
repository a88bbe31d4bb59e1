import { rocCurve, type RocPoint } from './roc';
import type { ScoredSet } from './scored-set';

export type ThresholdRule = { kind: 'youden' } | { kind: 'target-sensitivity'; sensitivity: number };

/**
 * Chooses a cut-off on one set (the validation set) to be applied unchanged to another — the
 * paper's design. Candidates are the ROC thresholds (midpoints between distinct scores).
 * - youden: maximises sensitivity + specificity - 1; ties go to the higher sensitivity, because
 *   a second reader that misses disease costs more than one that asks for a second look.
 * - target-sensitivity: the highest threshold whose sensitivity is >= the target, i.e. the best
 *   specificity that still reaches the target sensitivity.
 */
export function chooseThreshold(set: ScoredSet, rule: ThresholdRule): RocPoint {
  const curve = rocCurve(set).filter((p) => Number.isFinite(p.threshold));
  if (curve.length === 0) throw new RangeError('all scores are equal: no threshold separates any cases');
  if (rule.kind === 'youden') {
    let best = curve[0];
    for (const p of curve) {
      const j = p.sensitivity + p.specificity;
      const bestJ = best.sensitivity + best.specificity;
      if (j > bestJ + 1e-12 || (Math.abs(j - bestJ) <= 1e-12 && p.sensitivity > best.sensitivity)) best = p;
    }
    return best;
  }
  const target = rule.sensitivity;
  if (!(target > 0 && target <= 1))
    throw new RangeError(`target sensitivity must be in (0, 1], got ${target}`);
  // The curve runs from high to low thresholds, so the first point reaching the target is the highest.
  const reached = curve.find((p) => p.sensitivity >= target - 1e-12);
  if (!reached) throw new RangeError(`no finite threshold reaches sensitivity ${target}`);
  return reached;
}
