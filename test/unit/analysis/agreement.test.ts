import { describe, expect, it } from 'vitest';
import { agreement, readScoreTable, referenceCsv } from '../../../electron/analysis';

/** Rows for two readers from a 2x2 table of (reader 1, reader 2) calls. */
function twoReaderCsv(table: [[number, number], [number, number]], extra = ''): string {
  const lines = [`case_id,reader_one,reader_two${extra ? ',' + extra : ''}`];
  let id = 0;
  for (const [a, b, count] of [
    [1, 1, table[0][0]],
    [1, 0, table[0][1]],
    [0, 1, table[1][0]],
    [0, 0, table[1][1]],
  ]) {
    for (let k = 0; k < count; k++) lines.push(`c${++id},${a},${b}${extra ? ',' + a : ''}`);
  }
  return lines.join('\n') + '\n';
}

describe('agreement report', () => {
  it("two readers: Cohen's kappa 0.4 (Wikipedia worked example) and Fleiss = Scott's pi 0.394", () => {
    const table = readScoreTable(
      twoReaderCsv([
        [20, 5],
        [10, 15],
      ]),
      'r.csv',
      { requireTruth: false },
    );
    const r = agreement(table, { resamples: 200 });
    expect(r.groups).toHaveLength(1);
    const g = r.groups[0];
    expect(g.condition).toBe('plain');
    expect(g.pairwise[0].cohen.kappa).toBeCloseTo(0.4, 12);
    expect(g.fleiss.kappa).toBeCloseTo(0.195 / 0.495, 12);
    expect(g.model).toBeNull();
  });

  it("the model as a rater: identical to reader one, so Cohen's kappa with it is 1", () => {
    const table = readScoreTable(
      twoReaderCsv(
        [
          [20, 5],
          [10, 15],
        ],
        'model',
      ),
      'r.csv',
      { requireTruth: false },
    );
    const r = agreement(table, { resamples: 100 });
    expect(r.modelCalls).toBe("the 'model' column");
    const [withOne, withTwo] = r.groups[0].model!.cohenWithReaders;
    expect(withOne.cohen.kappa).toBe(1);
    expect(withTwo.cohen.kappa).toBeCloseTo(0.4, 12);
  });

  it('groups unaided and aided readings, leaves incomplete cases out of Fleiss, counts the k-of-n majority', () => {
    const csv = `case_id,reader_A_unaided,reader_B_unaided,reader_C_unaided,reader_A_aided,reader_B_aided,reader_C_aided
1,1,1,0,1,1,1
2,0,0,0,0,0,0
3,1,0,0,1,1,0
4,1,1,1,1,1,1
5,0,1,,0,1,1
`;
    const r = agreement(readScoreTable(csv, 's.csv', { requireTruth: false }), {
      majority: 2,
      resamples: 100,
    });
    expect(r.groups.map((g) => g.condition)).toEqual(['unaided', 'aided']);
    const [unaided, aided] = r.groups;
    expect(unaided.cases).toBe(4);
    expect(unaided.excludedCases).toEqual(['5']);
    // 2 of 3, unaided, cases 1-4: votes 2, 0, 1, 3 -> positive, negative, negative, positive
    expect(unaided.majority).toMatchObject({
      atLeast: 2,
      of: 3,
      positive: 2,
      negative: 2,
      adjudicated: [],
      unresolved: [],
    });
    // aided, cases 1-5: votes 3, 0, 2, 3, 2 -> 4 positive, 1 negative
    expect(aided.majority).toMatchObject({ positive: 4, negative: 1 });
    // A vs B unaided on cases 1-5 (pairs use every case both read): (1,1) (0,0) (1,0) (1,1) (0,1)
    // po = 3/5, p(A=1) = 3/5, p(B=1) = 3/5 -> pe = 0.36 + 0.16 = 0.52, kappa = 0.08/0.48
    expect(unaided.pairwise[0].cohen).toMatchObject({ n: 5 });
    expect(unaided.pairwise[0].cohen.kappa).toBeCloseTo(0.08 / 0.48, 12);
  });

  it('4 of 6 with a consensus decision for the 3:3 case; the reference as CSV', () => {
    const csv = `case_id,reader_1,reader_2,reader_3,reader_4,reader_5,reader_6
a,1,1,1,1,0,0
b,1,1,1,0,0,0
c,0,0,0,0,0,1
d,0,1,0,1,0,1
`;
    const table = readScoreTable(csv, 'six.csv', { requireTruth: false });
    const m = agreement(table, { majority: 4, adjudication: new Map([['b', 1]]), resamples: 50 }).groups[0]
      .majority!;
    expect(m).toMatchObject({ positive: 2, negative: 1, adjudicated: ['b'], unresolved: ['d'] });
    expect(referenceCsv(m.reference)).toBe(
      'case_id,truth,basis,positive_votes,raters\na,1,majority,4,6\nb,1,adjudicated,3,6\nc,0,majority,1,6\nd,,unresolved,3,6\n',
    );
  });

  it('a reader who calls every case the same gets no kappa, with the reason', () => {
    const csv = 'case_id,reader_A,reader_B\n1,1,0\n2,0,0\n3,1,0\n';
    const g = agreement(readScoreTable(csv, 'c.csv', { requireTruth: false }), { resamples: 50 }).groups[0];
    expect(g.pairwise[0].cohen).toMatchObject({
      kappa: null,
      reason: expect.stringMatching(/second rater gave every case the same rating/),
    });
  });

  it('reports an undefined kappa with its reason instead of failing', () => {
    const csv = 'case_id,reader_A,reader_B\n1,0,0\n2,0,0\n3,0,0\n';
    const g = agreement(readScoreTable(csv, 'z.csv', { requireTruth: false }), { resamples: 50 }).groups[0];
    expect(g.pairwise[0].cohen.kappa).toBeNull();
    expect(g.fleiss.kappa).toBeNull();
    expect(g.fleiss).toMatchObject({ reason: expect.stringMatching(/same category/) });
  });
});
