import { describe, expect, it } from 'vitest';
import {
  compareProportions,
  diagnosticPerformance,
  evaluate,
  proportion,
  readScoreTable,
} from '../../../electron/analysis';

// Bressem et al., Radiology 2022 (../shared/paper/000_7066ac33201dbb90.txt): confusion matrices
// of Figure 4 (test set, n = 116) and the percentages and Clopper-Pearson 95% CIs printed in the
// Results, rounded to whole percent as the paper prints them.
const pct = (x: number) => Math.round(100 * x);

describe("the paper's test-set confusion matrices reproduce its printed figures", () => {
  const tasks = [
    {
      task: 'active inflammatory',
      confusion: { tn: 65, fp: 26, fn: 3, tp: 22 },
      sensitivity: [88, 69, 97],
      specificity: [71, 61, 80],
      accuracy: [75, 66, 83],
    },
    {
      task: 'ASAS BME',
      confusion: { tn: 72, fp: 23, fn: 3, tp: 18 },
      sensitivity: [86, 64, 97],
      // printed as 76% [68, 86]: see the misprint test below
      specificity: [76, 66, 84],
      accuracy: [78, 69, 85],
    },
    {
      task: 'structural',
      confusion: { tn: 70, fp: 20, fn: 4, tp: 22 },
      sensitivity: [85, 65, 96],
      // printed as 78% [66, 84]: see the misprint test below
      specificity: [78, 68, 86],
      accuracy: [79, 71, 86],
    },
  ];
  it.each(tasks)('$task', ({ confusion, sensitivity, specificity, accuracy }) => {
    const perf = diagnosticPerformance(confusion);
    for (const [metric, printed] of [
      [perf.sensitivity, sensitivity],
      [perf.specificity, specificity],
      [perf.accuracy, accuracy],
    ] as const) {
      expect([pct(metric.estimate!), pct(metric.ci![0]), pct(metric.ci![1])]).toEqual(printed);
    }
  });

  it('the two specificity CIs the paper prints swapped (ASAS 72/95 and structural 70/90)', () => {
    // The paper prints 72/95 -> [68, 86] and 70/90 -> [66, 84]; the exact intervals are the
    // other way round (R: binom.test(72, 95) -> 0.659, 0.840; binom.test(70, 90) -> 0.678, 0.859).
    const asas = proportion(72, 95);
    const structural = proportion(70, 90);
    expect([pct(asas.ci![0]), pct(asas.ci![1])]).toEqual([66, 84]);
    expect([pct(structural.ci![0]), pct(structural.ci![1])]).toEqual([68, 86]);
  });
});

describe("the paper's validation-set figures (n = 73)", () => {
  it.each([
    ['active sensitivity', 26, 27, [96, 81, 100]],
    ['active specificity', 35, 46, [76, 61, 87]],
    ['active accuracy', 61, 73, [84, 73, 91]],
    ['ASAS accuracy', 60, 73, [82, 71, 90]],
    ['structural sensitivity', 35, 37, [95, 82, 99]],
    ['structural accuracy', 62, 73, [85, 75, 92]],
  ] as const)('%s %i/%i', (_name, k, n, printed) => {
    const p = proportion(k, n);
    expect([pct(p.estimate!), pct(p.ci![0]), pct(p.ci![1])]).toEqual(printed);
  });

  it('structural specificity 27/36: the printed upper bound 94 is a misprint for 88', () => {
    const p = proportion(27, 36);
    expect([pct(p.estimate!), pct(p.ci![0]), pct(p.ci![1])]).toEqual([75, 58, 88]);
  });
});

describe("the paper's Fisher tests between validation and test sets", () => {
  it.each([
    ['prevalence of active inflammation 27/73 vs 25/116', [27, 73, 25, 116], 0.03],
    ['active sensitivity 26/27 vs 22/25', [26, 27, 22, 25], 0.34],
    ['structural sensitivity 35/37 vs 22/26', [35, 37, 22, 26], 0.22],
    ['structural specificity 27/36 vs 70/90', [27, 36, 70, 90], 0.82],
  ] as const)('%s: P = %s as printed', (_name, [k1, n1, k2, n2], printed) => {
    expect(Number(compareProportions(k1, n1, k2, n2).p.toFixed(2))).toBe(printed);
  });
});

describe("evaluate with the paper's design: threshold from validation, Fisher tests between the sets", () => {
  /** A table whose calls at any threshold in (0.1, 0.9) reproduce a confusion matrix. */
  function tableFrom(name: string, c: { tp: number; fn: number; tn: number; fp: number }) {
    const rows = ['case_id,truth,score'];
    const add = (n: number, truth: number, score: number) => {
      for (let i = 0; i < n; i++) rows.push(`${name}${rows.length},${truth},${score}`);
    };
    add(c.tp, 1, 0.9);
    add(c.fn, 1, 0.1);
    add(c.tn, 0, 0.1);
    add(c.fp, 0, 0.9);
    return readScoreTable(rows.join('\n') + '\n', `${name}.csv`, { requireTruth: true });
  }

  it.each([
    {
      task: 'active inflammatory',
      validation: { tp: 26, fn: 1, tn: 35, fp: 11 },
      test: { tp: 22, fn: 3, tn: 65, fp: 26 },
      printed: { prevalence: 0.03, sensitivity: 0.34 },
    },
    {
      task: 'structural',
      validation: { tp: 35, fn: 2, tn: 27, fp: 9 },
      test: { tp: 22, fn: 4, tn: 70, fp: 20 },
      printed: { sensitivity: 0.22, specificity: 0.82 },
    },
  ])('$task: P values as printed', ({ validation, test, printed }) => {
    const r = evaluate(tableFrom('test', test), {
      threshold: { kind: 'rule', rule: { kind: 'youden' }, set: tableFrom('validation', validation) },
      resamples: 20,
    });
    expect(r.threshold).toBe(0.5);
    expect(r.confusion).toEqual(test);
    for (const [key, p] of Object.entries(printed)) {
      const c = r.validationComparison![key as 'prevalence' | 'sensitivity' | 'specificity'];
      expect(Number(c.fisherP.toFixed(2))).toBe(p);
    }
  });
});
