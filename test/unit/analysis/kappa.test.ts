import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa, majorityReference } from '../../../electron/analysis';
import { seededRandom } from '../../../electron/analysis/random';

/** Expands a contingency table into two raters' case-by-case ratings. */
function ratersFromTable(table: number[][]): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) {
        a.push(i);
        b.push(j);
      }
    }),
  );
  return [a, b];
}

/** Expands per-case category counts into rows of ratings (Fleiss' kappa is exchangeable in raters). */
function ratingsFromCounts(counts: number[][]): number[][] {
  return counts.map((row) => row.flatMap((count, category) => Array<number>(count).fill(category)));
}

// Fleiss (1971) psychiatric diagnoses: 30 patients, 6 raters, 5 categories (R irr's `diagnoses`).
const diagnoses = [
  [4, 4, 4, 4, 4, 4],
  [2, 2, 2, 5, 5, 5],
  [2, 3, 3, 3, 3, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3],
  [3, 3, 3, 3, 5, 5],
  [1, 1, 3, 3, 3, 4],
  [1, 1, 4, 4, 4, 4],
  [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4],
  [1, 2, 4, 4, 4, 4],
  [2, 2, 2, 3, 3, 3],
  [1, 4, 4, 4, 4, 4],
  [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5],
  [1, 1, 1, 4, 5, 5],
  [1, 1, 1, 1, 1, 2],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 4, 4, 4, 4, 4],
  [2, 2, 4, 5, 5, 5],
  [1, 1, 4, 4, 4, 4],
  [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4],
  [1, 1, 1, 1, 5, 5],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 3, 3, 3],
  [5, 5, 5, 5, 5, 5],
];

describe("Cohen's kappa", () => {
  it('worked example (Wikipedia, "Cohen\'s kappa"): 20/5/10/15 of 50 -> po 0.7, pe 0.5, kappa 0.4', () => {
    const [a, b] = ratersFromTable([
      [20, 5],
      [10, 15],
    ]);
    const k = cohenKappa(a, b);
    expect(k.observedAgreement).toBeCloseTo(0.7, 12);
    expect(k.expectedAgreement).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
  });

  it('SAS PROC FREQ example (3x3 table [[0,4,1],[0,8,0],[0,1,5]]): kappa, ASE, CI, H0 ASE, Z', () => {
    // SAS printout: Kappa 0.4842, ASE 0.1380, 95% CL 0.2137-0.7547; ASE under H0 0.1484, Z 3.2626,
    // two-sided Pr > |Z| 0.0011.
    const [a, b] = ratersFromTable([
      [0, 4, 1],
      [0, 8, 0],
      [0, 1, 5],
    ]);
    const k = cohenKappa(a, b);
    expect(k.kappa).toBeCloseTo(0.4842, 4);
    expect(k.se).toBeCloseTo(0.138, 4);
    expect(k.ci[0]).toBeCloseTo(0.2137, 4);
    expect(k.ci[1]).toBeCloseTo(0.7547, 4);
    expect(k.seNull).toBeCloseTo(0.1484, 4);
    expect(k.z).toBeCloseTo(3.2626, 4);
    expect(k.p).toBeCloseTo(0.0011, 4);
  });

  it('R irr::kappa2(diagnoses[, 1:2]): kappa 0.651, z 7, p 2.63e-12', () => {
    const k = cohenKappa(
      diagnoses.map((r) => r[0]),
      diagnoses.map((r) => r[1]),
    );
    expect(k.kappa).toBeCloseTo(0.651, 3);
    expect(k.z).toBeCloseTo(7.0, 2);
    expect(k.p / 2.63e-12).toBeCloseTo(1, 2);
  });

  it('refuses raters with different numbers of cases', () => {
    expect(() => cohenKappa([1, 0], [1])).toThrow(/different numbers of cases/);
  });
});

describe("Fleiss' kappa", () => {
  it('R irr::kappam.fleiss(diagnoses) (Fleiss 1971 data): kappa 0.4302445, z 17.65183', () => {
    const k = fleissKappa(diagnoses, { resamples: 200 });
    expect(k.kappa).toBeCloseTo(0.4302445, 7);
    expect(k.z).toBeCloseTo(17.65183, 4);
    expect(k.subjects).toBe(30);
    expect(k.raters).toBe(6);
  });

  it('worked example (Wikipedia, "Fleiss\' kappa"): 10 cases, 14 raters, 5 categories -> 0.210', () => {
    const counts = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    // Hand computation: P̄ = 3.780/10 = 0.378, P̄e = Σ p_j² with p = (20, 28, 39, 21, 32)/140 = 0.2128
    expect(fleissKappa(ratingsFromCounts(counts), { resamples: 100 }).kappa).toBeCloseTo(0.21, 3);
  });

  it("two raters: Fleiss differs from Cohen only through pooled marginals (Scott's pi)", () => {
    // Scott's pi by hand for [[20,5],[10,15]]: pooled p(yes) = (25+30)/100 = 0.55, pe = 0.55²+0.45² = 0.505,
    // pi = (0.7 - 0.505) / (1 - 0.505) = 0.393939...
    const [a, b] = ratersFromTable([
      [20, 5],
      [10, 15],
    ]);
    const k = fleissKappa(
      a.map((x, i) => [x, b[i]]),
      { resamples: 50 },
    );
    expect(k.kappa).toBeCloseTo(0.195 / 0.495, 12);
  });

  it('bootstrap CI covers the true agreement about 95% of the time (simulation)', () => {
    // Binary ratings from a beta-binomial model: each case has its own probability of a positive
    // call p_i ~ Beta(a, b); the raters' calls are independent given p_i. Fleiss' kappa then
    // estimates the intraclass correlation 1 / (a + b + 1), the truth the CI must cover.
    const random = seededRandom(99);
    const gammaSample = (shape: number): number => {
      // Marsaglia-Tsang (shape >= 1)
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const v = (1 + c * z) ** 3;
        if (v > 0 && Math.log(random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const [a, b] = [1.2, 1.8];
    const truth = 1 / (a + b + 1);
    let covered = 0;
    const trials = 120;
    for (let t = 0; t < trials; t++) {
      const ratings = Array.from({ length: 80 }, () => {
        const x = gammaSample(a);
        const p = x / (x + gammaSample(b));
        return Array.from({ length: 5 }, () => (random() < p ? 1 : 0));
      });
      const k = fleissKappa(ratings, { resamples: 300, seed: t });
      if (k.ci[0] <= truth && truth <= k.ci[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.86);
    expect(covered / trials).toBeLessThan(0.995);
  });

  it('names the case with a missing rating', () => {
    expect(() =>
      fleissKappa([
        [1, 0, 1],
        [1, 1],
      ]),
    ).toThrow(/case 2 has 2 ratings, expected 3/);
  });
});

describe('reference standard: at least k of n', () => {
  it('4 of 7 decides every case; 4 of 6 sends 3:3 ties to adjudication', () => {
    const seven = majorityReference(
      [
        { caseId: 'a', votes: [1, 1, 1, 1, 0, 0, 0] },
        { caseId: 'b', votes: [1, 1, 1, 0, 0, 0, 0] },
      ],
      4,
    );
    expect(seven.map((c) => [c.truth, c.basis])).toEqual([
      [1, 'majority'],
      [0, 'majority'],
    ]);
    const asked: string[] = [];
    const six = majorityReference(
      [
        { caseId: 'tie', votes: [1, 1, 1, 0, 0, 0] },
        { caseId: 'clear', votes: [0, 0, 0, 0, 1, 1] },
        { caseId: 'open', votes: [0, 1, 0, 1, 0, 1] },
      ],
      4,
      (caseId) => {
        asked.push(caseId);
        return caseId === 'tie' ? 1 : undefined;
      },
    );
    expect(asked).toEqual(['tie', 'open']);
    expect(six.map((c) => [c.caseId, c.truth, c.basis])).toEqual([
      ['tie', 1, 'adjudicated'],
      ['clear', 0, 'majority'],
      ['open', null, 'unresolved'],
    ]);
  });

  it('refuses a rule that is not a majority', () => {
    expect(() => majorityReference([{ caseId: 'x', votes: [1, 0, 1, 0] }], 2)).toThrow(/not a majority rule/);
  });
});
