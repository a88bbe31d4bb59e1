import type { Interval } from './binomial';
import { quantileType7 } from './moments';
import { randomIndex, seededRandom } from './random';
import { normalQuantile, twoSidedNormalP } from './special';
import { DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_SEED } from './bootstrap';

export type Rating = string | number;

export interface CohenKappa {
  kappa: number;
  /** Large-sample standard error (Fleiss, Cohen & Everitt 1969), used for the CI. */
  se: number;
  ci: Interval;
  /** Standard error under H0: kappa = 0, used for z and p (as R irr::kappa2 and SAS). */
  seNull: number;
  z: number;
  p: number;
  n: number;
  observedAgreement: number;
  expectedAgreement: number;
  categories: Rating[];
}

function categoriesOf(values: Iterable<Rating>): Rating[] {
  return [...new Set(values)].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
}

/**
 * Cohen's kappa for two raters of the same cases (Cohen 1960), with the large-sample variance of
 * Fleiss, Cohen & Everitt (Psychol Bull 1969) for the CI and the null variance for the test.
 */
export function cohenKappa(rater1: readonly Rating[], rater2: readonly Rating[], level = 0.95): CohenKappa {
  if (rater1.length !== rater2.length) {
    throw new RangeError(
      `the two raters rated different numbers of cases: ${rater1.length} vs ${rater2.length}`,
    );
  }
  const n = rater1.length;
  if (n === 0) throw new RangeError("Cohen's kappa needs at least one case rated by both raters");
  const categories = categoriesOf([...rater1, ...rater2]);
  const index = new Map(categories.map((c, i) => [c, i]));
  const q = categories.length;
  // Integer counts first, so perfect agreement gives exactly kappa = 1.
  const counts = Array.from({ length: q }, () => new Float64Array(q));
  rater1.forEach((a, i) => {
    counts[index.get(a)!][index.get(rater2[i])!]++;
  });
  const p = counts.map((row) => row.map((c) => c / n));
  const rows = p.map((r) => r.reduce((s, v) => s + v, 0));
  const cols = categories.map((_, j) => p.reduce((s, r) => s + r[j], 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < q; i++) {
    po += p[i][i];
    pe += rows[i] * cols[i];
  }
  // A rater who gives every case the same rating makes kappa 0 by construction, with zero
  // variance: a number that looks like information and carries none. Refuse it with the reason.
  const firstConstant = rows.filter((v) => v > 0).length < 2;
  if (firstConstant || cols.filter((v) => v > 0).length < 2) {
    const which = firstConstant ? 'the first' : 'the second';
    throw new RangeError(`Cohen's kappa is uninformative: ${which} rater gave every case the same rating`);
  }
  const kappa = (po - pe) / (1 - pe);

  let diagonal = 0;
  let offDiagonal = 0;
  let nullSum = 0;
  for (let i = 0; i < q; i++) {
    diagonal += p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2;
    for (let j = 0; j < q; j++) if (i !== j) offDiagonal += p[i][j] * (cols[i] + rows[j]) ** 2;
    nullSum += rows[i] * cols[i] * (rows[i] + cols[i]);
  }
  const variance =
    (diagonal + (1 - kappa) ** 2 * offDiagonal - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2);
  const varianceNull = (pe + pe * pe - nullSum) / (n * (1 - pe) ** 2);
  const se = Math.sqrt(Math.max(0, variance));
  const seNull = Math.sqrt(Math.max(0, varianceNull));
  const zq = normalQuantile(1 - (1 - level) / 2);
  const z = seNull > 0 ? kappa / seNull : NaN;
  return {
    kappa,
    se,
    // kappa lies in [-1, 1]; the normal interval is clipped to that range
    ci: [Math.max(-1, kappa - zq * se), Math.min(1, kappa + zq * se)],
    seNull,
    z,
    p: twoSidedNormalP(z),
    n,
    observedAgreement: po,
    expectedAgreement: pe,
    categories,
  };
}

export interface FleissKappa {
  kappa: number;
  /** Percentile CI from a seeded bootstrap over cases (the raters stay fixed). */
  ci: Interval;
  /** Standard error under H0: kappa = 0 (Fleiss, Nee & Landis 1979; as R irr::kappam.fleiss). */
  seNull: number;
  z: number;
  p: number;
  subjects: number;
  raters: number;
  categories: Rating[];
  resamples: number;
  seed: number;
}

/** Per-case counts of each category: n_ij. */
function countTable(ratings: readonly (readonly Rating[])[], categories: Rating[]): Float64Array[] {
  const index = new Map(categories.map((c, i) => [c, i]));
  return ratings.map((row) => {
    const counts = new Float64Array(categories.length);
    for (const r of row) counts[index.get(r)!]++;
    return counts;
  });
}

/** Fleiss (1971) kappa from per-case category counts, m ratings per case. */
function fleissFromCounts(counts: readonly Float64Array[], m: number): { kappa: number; pj: Float64Array } {
  const n = counts.length;
  const q = counts[0].length;
  const pj = new Float64Array(q);
  let agreement = 0;
  for (const row of counts) {
    let pairs = 0;
    for (let j = 0; j < q; j++) {
      pj[j] += row[j];
      pairs += row[j] * (row[j] - 1);
    }
    agreement += pairs / (m * (m - 1));
  }
  let pe = 0;
  for (let j = 0; j < q; j++) {
    pj[j] /= n * m;
    pe += pj[j] * pj[j];
  }
  const pBar = agreement / n;
  return { kappa: pe >= 1 ? NaN : (pBar - pe) / (1 - pe), pj };
}

export interface FleissOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

/**
 * Fleiss' kappa for m >= 2 raters who each rated every case (Fleiss, Psychol Bull 1971).
 * ratings[i][r] is rater r's rating of case i. Model-vs-readers agreement: add the model's calls
 * as one more rater.
 */
export function fleissKappa(
  ratings: readonly (readonly Rating[])[],
  options: FleissOptions = {},
): FleissKappa {
  const n = ratings.length;
  if (n < 2) throw new RangeError("Fleiss' kappa needs at least two cases");
  const m = ratings[0].length;
  if (m < 2) throw new RangeError("Fleiss' kappa needs at least two raters");
  ratings.forEach((row, i) => {
    if (row.length !== m)
      throw new RangeError(`case ${i + 1} has ${row.length} ratings, expected ${m} (one per rater)`);
  });
  const categories = categoriesOf(ratings.flat());
  const counts = countTable(ratings, categories);
  const { kappa, pj } = fleissFromCounts(counts, m);
  if (Number.isNaN(kappa))
    throw new RangeError("Fleiss' kappa is undefined when every rating is the same category");

  let sumPQ = 0;
  let sumPQQminusP = 0;
  for (const p of pj) {
    sumPQ += p * (1 - p);
    sumPQQminusP += p * (1 - p) * (1 - 2 * p);
  }
  const varianceNull = (2 / (sumPQ ** 2 * n * m * (m - 1))) * (sumPQ ** 2 - sumPQQminusP);
  const seNull = Math.sqrt(varianceNull);
  const z = kappa / seNull;

  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const level = options.level ?? 0.95;
  const random = seededRandom(seed);
  const kappas: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: n }, () => counts[randomIndex(random, n)]);
    const k = fleissFromCounts(sample, m).kappa;
    // A resample in which every rating agrees on one category has no defined kappa; such
    // resamples are dropped (rare except for tiny, near-unanimous sets).
    if (Number.isFinite(k)) kappas.push(k);
  }
  const alpha = 1 - level;
  return {
    kappa,
    ci: [quantileType7(kappas, alpha / 2), quantileType7(kappas, 1 - alpha / 2)],
    seNull,
    z,
    p: twoSidedNormalP(z),
    subjects: n,
    raters: m,
    categories,
    resamples,
    seed,
  };
}
