import { describe, expect, it } from 'vitest';
import { agreement, readScoreTable } from '../../../electron/analysis';

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
    expect(unaided.majority).toEqual({ atLeast: 2, of: 3, positive: 2, negative: 2, unresolved: [] });
    // aided, cases 1-5: votes 3, 0, 2, 3, 2 -> 4 positive, 1 negative
    expect(aided.majority).toMatchObject({ positive: 4, negative: 1 });
    // A vs B unaided on cases 1-5 (pairs use every case both read): (1,1) (0,0) (1,0) (1,1) (0,1)
    // po = 3/5, p(A=1) = 3/5, p(B=1) = 3/5 -> pe = 0.36 + 0.16 = 0.52, kappa = 0.08/0.48
    expect(unaided.pairwise[0].cohen).toMatchObject({ n: 5 });
    expect(unaided.pairwise[0].cohen.kappa).toBeCloseTo(0.08 / 0.48, 12);
  });

  it('reports an undefined kappa with its reason instead of failing', () => {
    const csv = 'case_id,reader_A,reader_B\n1,0,0\n2,0,0\n3,0,0\n';
    const g = agreement(readScoreTable(csv, 'z.csv', { requireTruth: false }), { resamples: 50 }).groups[0];
    expect(g.pairwise[0].cohen.kappa).toBeNull();
    expect(g.fleiss.kappa).toBeNull();
    expect(g.fleiss).toMatchObject({ reason: expect.stringMatching(/same category/) });
  });
});
