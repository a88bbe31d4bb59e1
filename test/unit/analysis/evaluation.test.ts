import { describe, expect, it } from 'vitest';
import { auc, chooseThreshold, evaluate, readScoreTable, rocCurve } from '../../../electron/analysis';

// A worked example small enough to do by hand.
// Validation: positives 0.9 0.8 0.6 0.4, negatives 0.7 0.3 0.2 0.1.
// Pairs won by positives: 4 + 4 + 3 + 3 = 14 of 16 -> AUC 0.875.
// Thresholds (midpoints) and (sensitivity, specificity):
//   0.85 (.25, 1)  0.75 (.5, 1)  0.65 (.5, .75)  0.5 (.75, .75)  0.35 (1, .75)  0.25 (1, .5)  0.15 (1, .25)
// Youden J is largest (0.75) at 0.35; the highest threshold reaching sensitivity 0.75 is 0.5.
const validationCsv = `case_id,truth,score
v1,1,0.9
v2,1,0.8
v3,1,0.6
v4,1,0.4
v5,0,0.7
v6,0,0.3
v7,0,0.2
v8,0,0.1
`;
// Test: positives 0.36 0.5 0.2, negatives 0.34 0.9 0.1; reader R: calls 1 0 1 / 0 0 1.
// At 0.35: TP 2 (0.36, 0.5), FN 1, FP 1 (0.9), TN 2.  At 0.5: TP 1 (0.5 itself counts), FN 2, FP 1, TN 2.
const testCsv = `case_id,truth,score,reader_R
t1,1,0.36,1
t2,1,0.5,0
t3,1,0.2,1
t4,0,0.34,0
t5,0,0.9,0
t6,0,0.1,1
`;
const validation = readScoreTable(validationCsv, 'validation.csv', { requireTruth: true });
const test = readScoreTable(testCsv, 'test.csv', { requireTruth: true });
const setOf = (t: typeof validation) => ({
  truth: t.rows.map((r) => r.truth!),
  scores: t.rows.map((r) => r.score!),
});

describe('ROC and thresholds (worked example)', () => {
  it('AUC 14/16 = 0.875; ties count one half', () => {
    expect(auc(setOf(validation))).toBe(0.875);
    expect(auc({ truth: [1, 1, 0, 0], scores: [1, 1, 1, 0] })).toBe(0.75);
  });

  it('ROC points at midpoint thresholds', () => {
    const points = rocCurve(setOf(validation)).map((p) => [p.threshold, p.sensitivity, p.specificity]);
    const expected = [
      [Infinity, 0, 1],
      [0.85, 0.25, 1],
      [0.75, 0.5, 1],
      [0.65, 0.5, 0.75],
      [0.5, 0.75, 0.75],
      [0.35, 1, 0.75],
      [0.25, 1, 0.5],
      [0.15, 1, 0.25],
      [-Infinity, 1, 0],
    ];
    expect(points.length).toBe(expected.length);
    points.forEach((p, i) => {
      if (Number.isFinite(expected[i][0])) expect(p[0]).toBeCloseTo(expected[i][0], 12);
      else expect(p[0]).toBe(expected[i][0]);
      expect(p.slice(1)).toEqual(expected[i].slice(1));
    });
  });

  it('Youden and target-sensitivity thresholds', () => {
    expect(chooseThreshold(setOf(validation), { kind: 'youden' }).threshold).toBeCloseTo(0.35, 12);
    const t = chooseThreshold(setOf(validation), { kind: 'target-sensitivity', sensitivity: 0.75 });
    expect(t.threshold).toBeCloseTo(0.5, 12);
    expect([t.sensitivity, t.specificity]).toEqual([0.75, 0.75]);
  });
});

describe('evaluate', () => {
  it('applies the validation threshold unchanged to the test set', () => {
    const r = evaluate(test, {
      threshold: { kind: 'rule', rule: { kind: 'youden' }, set: validation },
      resamples: 200,
    });
    expect(r.threshold).toBeCloseTo(0.35, 12);
    expect(r.thresholdSource).toMatchObject({ method: 'youden', set: 'validation.csv', sameSet: false });
    expect(r.thresholdSource!.operatingPoint).toEqual({ sensitivity: 1, specificity: 0.75 });
    expect(r.confusion).toEqual({ tp: 2, fn: 1, fp: 1, tn: 2 });
    expect([r.sensitivity!.k, r.sensitivity!.n, r.specificity!.k, r.specificity!.n]).toEqual([2, 3, 2, 3]);
    expect([r.ppv!.k, r.ppv!.n, r.npv!.k, r.npv!.n, r.accuracy!.k, r.accuracy!.n]).toEqual([
      2, 3, 2, 3, 4, 6,
    ]);
  });

  it('a score equal to the threshold is positive', () => {
    const r = evaluate(test, {
      threshold: { kind: 'rule', rule: { kind: 'target-sensitivity', sensitivity: 0.75 }, set: validation },
      resamples: 200,
    });
    expect(r.confusion).toEqual({ tp: 1, fn: 2, fp: 1, tn: 2 });
  });

  it('a given threshold is flagged as such, a same-set one as optimistic', () => {
    expect(
      evaluate(test, { threshold: { kind: 'given', value: 0.5 }, resamples: 50 }).thresholdSource,
    ).toMatchObject({
      method: 'given',
      sameSet: false,
    });
    expect(evaluate(test, { resamples: 50 }).thresholdSource!.sameSet).toBe(true);
  });

  it('scores readers against the same truth', () => {
    const r = evaluate(test, { threshold: { kind: 'given', value: 0.5 }, resamples: 50 });
    expect(r.readers).toHaveLength(1);
    // reader R: positives 1 0 1 -> 2/3; negatives 0 0 1 -> 2/3 correct
    expect(r.readers[0]).toMatchObject({
      reader: 'R',
      condition: 'plain',
      n: 6,
      confusion: { tp: 2, fn: 1, tn: 2, fp: 1 },
    });
  });

  it('pairs unaided and aided readings of the same reader on the cases read in both', () => {
    const table = readScoreTable(
      `case_id,truth,reader_A_unaided,reader_A_aided
1,1,0,1
2,1,0,1
3,1,1,1
4,0,1,0
5,0,0,
6,0,0,0
`,
      'study.csv',
      { requireTruth: true },
    );
    const r = evaluate(table);
    expect(r.auc).toBeNull();
    const [c] = r.readerComparisons;
    expect(c.reader).toBe('A');
    expect(c.n).toBe(5); // case 5 has no aided reading
    expect([c.sensitivity.unaided.k, c.sensitivity.aided.k, c.sensitivity.unaided.n]).toEqual([1, 3, 3]);
    expect([c.specificity.unaided.k, c.specificity.aided.k, c.specificity.unaided.n]).toEqual([1, 2, 2]);
    // discordant: sensitivity 0 vs 2 -> exact McNemar p = 2 * 0.5^2 = 0.5; accuracy 0 vs 3 -> 2 * 0.5^3 = 0.25
    expect(c.sensitivity.mcnemarP).toBeCloseTo(0.5, 12);
    expect(c.accuracy.mcnemarP).toBeCloseTo(0.25, 12);
  });
});

describe('reading the score table', () => {
  const read = (text: string) => () => readScoreTable(text, 'scores.csv', { requireTruth: true });
  it.each([
    ['case_id,score\n1,0.5\n', /scores.csv, line 1: no 'truth' column/],
    ['case_id,truth,score\n1,1,0.5\n2,2,0.1\n', /scores.csv, line 3: truth must be 0 or 1, got '2'/],
    ['case_id,truth,score\n1,1,abc\n', /line 2: score must be a number, got 'abc'/],
    ['case_id,truth,score\n1,1,0.5\n1,0,0.1\n', /line 3: case '1' appears twice/],
    ['case_id,truth,score,colour\n1,1,0.5,red\n', /unknown column 'colour'/],
    ['case_id,truth,score\n1,1\n', /line 2: 2 fields but the header has 3/],
    ['case_id,truth,reader_A\n1,1,yes\n', /reader_A must be 0 or 1 \(or blank\), got 'yes'/],
    ['', /scores.csv: the file is empty/],
  ])('%j is refused with a located message', (text, message) => {
    expect(read(text)).toThrow(message);
  });

  it('accepts quoted fields, CRLF, a BOM and blank reader cells', () => {
    const t = readScoreTable(
      '\uFEFFcase_id,truth,score,reader_X\r\n"a,1",1,0.5,\r\n"b ""2""",0,0.25,0\r\n',
      'x.csv',
      {
        requireTruth: true,
      },
    );
    expect(t.rows.map((r) => [r.caseId, r.truth, r.score, r.readers.reader_X])).toEqual([
      ['a,1', 1, 0.5, null],
      ['b "2"', 0, 0.25, 0],
    ]);
  });
});
