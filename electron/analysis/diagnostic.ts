import { proportion, type Proportion } from './binomial';

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Binary calls (1 = positive) against the reference standard. */
export function confusionOf(truth: readonly number[], calls: readonly number[]): Confusion {
  if (truth.length !== calls.length) {
    throw new RangeError(`truth has ${truth.length} values but the calls have ${calls.length}`);
  }
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  truth.forEach((t, i) => {
    const call = calls[i];
    if ((t !== 0 && t !== 1) || (call !== 0 && call !== 1)) {
      throw new RangeError(`case ${i + 1}: truth and call must be 0 or 1, got ${t} and ${call}`);
    }
    if (t === 1) c[call === 1 ? 'tp' : 'fn']++;
    else c[call === 1 ? 'fp' : 'tn']++;
  });
  return c;
}

/** Calls from scores: positive when score >= threshold. */
export function callsAt(scores: readonly number[], threshold: number): number[] {
  return scores.map((s) => (s >= threshold ? 1 : 0));
}

export interface DiagnosticPerformance {
  sensitivity: Proportion;
  specificity: Proportion;
  accuracy: Proportion;
  ppv: Proportion;
  npv: Proportion;
  confusion: Confusion;
}

/** Sensitivity, specificity, accuracy, PPV, NPV, each with its exact Clopper-Pearson CI. */
export function diagnosticPerformance(confusion: Confusion, level = 0.95): DiagnosticPerformance {
  const { tp, fp, tn, fn } = confusion;
  return {
    sensitivity: proportion(tp, tp + fn, level),
    specificity: proportion(tn, tn + fp, level),
    accuracy: proportion(tp + tn, tp + fp + tn + fn, level),
    ppv: proportion(tp, tp + fp, level),
    npv: proportion(tn, tn + fn, level),
    confusion: { tp, fp, tn, fn },
  };
}
