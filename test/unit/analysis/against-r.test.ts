import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bootstrapAucCi,
  bootstrapAucTest,
  chooseThreshold,
  clopperPearson,
  delongAuc,
  delongTest,
  exactMcNemar,
  fisherExact,
  rocCurve,
  betaQuantile,
  regularizedBeta,
  normalQuantile,
} from '../../../electron/analysis';
import { twoSidedNormalP } from '../../../electron/analysis/special';
import { seededRandom } from '../../../electron/analysis/random';
import { generateSet, toCsv } from './generated-scores';
import { need, runR } from './r-reference';

// R and the 2,000-resample bootstraps take seconds alone but minutes on a busy shared machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

// Three seeded score sets: the paper's test-set size with 2-decimal scores (some ties), a
// 5-point rating scale (heavy ties), and a larger continuous set; plus a second, correlated
// predictor on the first set for the paired comparisons.
const sets = {
  paper: generateSet(11, 25, 91, 1.6, 2),
  rating: { truth: [] as number[], scores: [] as number[] },
  large: generateSet(12, 140, 160, 1.0, 6),
};
{
  const random = seededRandom(13);
  for (let i = 0; i < 60; i++) {
    const t = i < 28 ? 1 : 0;
    sets.rating.truth.push(t);
    sets.rating.scores.push(
      Math.min(5, Math.max(1, Math.round(2.5 + (t ? 1.2 : 0) + 2 * (random() - 0.5) * 1.8))),
    );
  }
}
const second = (() => {
  const random = seededRandom(14);
  return sets.paper.scores.map((s, i) =>
    Number((0.5 * s + (sets.paper.truth[i] ? 0.4 : 0) + (random() - 0.5) * 2).toFixed(2)),
  );
})();

const binomialCases: [number, number][] = [
  [0, 1],
  [1, 1],
  [0, 5],
  [3, 7],
  [22, 25],
  [65, 91],
  [1, 500],
  [499, 500],
  [250, 500],
  [0, 1000],
  [7, 2000],
];
const fisherCases: [number, number, number, number][] = [
  [3, 1, 1, 3],
  [0, 5, 5, 0],
  [10, 2, 3, 15],
  [26, 1, 22, 3],
  [0, 0, 4, 6],
  [120, 180, 90, 220],
  [1, 9, 11, 3],
  [2, 7, 8, 2],
];
const mcnemarCases: [number, number][] = [
  [3, 8],
  [10, 2],
  [0, 7],
  [25, 30],
  [1, 0],
];
const quantileCases: [number, number, number][] = [
  [0.025, 1, 500],
  [0.975, 500, 1],
  [1e-10, 2, 3],
  [0.5, 0.5, 0.5],
  [0.999999, 3, 1000],
  [0.3, 50, 70],
];

const setNames = Object.keys(sets) as (keyof typeof sets)[];
const rScript = `
suppressMessages(library(pROC))
out <- function(key, v) cat(key, format(v, digits = 15), "\\n")
for (name in c(${setNames.map((n) => `"${n}"`).join(', ')})) {
  d <- read.csv(paste0(name, ".csv"))
  r <- roc(d$truth, d$s1, levels = c(0, 1), direction = "<", quiet = TRUE)
  out(paste0(name, ".auc"), as.numeric(auc(r)))
  out(paste0(name, ".delong"), as.numeric(ci.auc(r, method = "delong"))[c(1, 3)])
  set.seed(1)
  out(paste0(name, ".boot"), as.numeric(ci.auc(r, method = "bootstrap", boot.n = 2000, boot.stratified = TRUE, progress = "none"))[c(1, 3)])
  out(paste0(name, ".thresholds"), r$thresholds)
  out(paste0(name, ".sens"), r$sensitivities)
  out(paste0(name, ".spec"), r$specificities)
  best <- coords(r, "best", best.method = "youden", ret = c("threshold"), transpose = FALSE)
  out(paste0(name, ".youden"), best$threshold)
}
d <- read.csv("paired.csv")
r1 <- roc(d$truth, d$s1, levels = c(0, 1), direction = "<", quiet = TRUE)
r2 <- roc(d$truth, d$s2, levels = c(0, 1), direction = "<", quiet = TRUE)
t <- roc.test(r1, r2, method = "delong", paired = TRUE)
out("paired.delong", c(t$statistic, t$p.value))
set.seed(2)
t <- roc.test(r1, r2, method = "bootstrap", paired = TRUE, boot.n = 2000, boot.stratified = TRUE, progress = "none")
out("paired.bootstrap", c(t$statistic, t$p.value))
${binomialCases.map(([k, n]) => `out("binom.${k}.${n}", binom.test(${k}, ${n})$conf.int)`).join('\n')}
out("binom90", binom.test(22, 25, conf.level = 0.9)$conf.int)
${fisherCases.map((c, i) => `out("fisher.${i}", fisher.test(matrix(c(${c[0]}, ${c[2]}, ${c[1]}, ${c[3]}), 2))$p.value)`).join('\n')}
${mcnemarCases.map(([b, c], i) => `out("mcnemar.${i}", binom.test(${b}, ${b + c})$p.value)`).join('\n')}
${quantileCases.map(([p, a, b], i) => `out("qbeta.${i}", qbeta(${p}, ${a}, ${b}))`).join('\n')}
out("pbeta", pbeta(c(0.001, 0.3, 0.7, 0.999), 2.5, 40))
out("qnorm", qnorm(c(0.975, 0.995, 1e-12, 0.3)))
out("p2", 2 * pnorm(-c(0.5, 3, 8, 17.65)))
`;

let r: Map<string, number[]>;

beforeAll(async () => {
  const files: Record<string, string> = {};
  for (const name of setNames) files[`${name}.csv`] = toCsv(sets[name].truth, sets[name].scores);
  files['paired.csv'] = toCsv(sets.paper.truth, sets.paper.scores, second);
  r = await runR(rScript, files);
});

describe('ROC analysis against R pROC 1.18', () => {
  for (const name of setNames) {
    describe(name, () => {
      it('AUC and DeLong CI match to 1e-9', () => {
        const d = delongAuc(sets[name]);
        expect(d.auc).toBeCloseTo(need(r, `${name}.auc`)[0], 9);
        const [lo, hi] = need(r, `${name}.delong`);
        expect(d.ci[0]).toBeCloseTo(lo, 9);
        expect(d.ci[1]).toBeCloseTo(hi, 9);
      });

      it('stratified bootstrap CI agrees within Monte Carlo error (0.01)', () => {
        const b = bootstrapAucCi(sets[name], { resamples: 2000, seed: 7 });
        const [lo, hi] = need(r, `${name}.boot`);
        expect(Math.abs(b.ci[0] - lo)).toBeLessThan(0.01);
        expect(Math.abs(b.ci[1] - hi)).toBeLessThan(0.01);
      });

      it('every ROC point (threshold, sensitivity, specificity) matches', () => {
        const ours = rocCurve(sets[name]).reverse(); // pROC lists thresholds ascending
        const thresholds = need(r, `${name}.thresholds`);
        const sens = need(r, `${name}.sens`);
        const spec = need(r, `${name}.spec`);
        expect(ours.length).toBe(thresholds.length);
        ours.forEach((p, i) => {
          if (Number.isFinite(p.threshold)) expect(p.threshold).toBeCloseTo(thresholds[i], 9);
          else expect(p.threshold).toBe(thresholds[i]);
          expect(p.sensitivity).toBeCloseTo(sens[i], 12);
          expect(p.specificity).toBeCloseTo(spec[i], 12);
        });
      });

      it("Youden threshold is one of pROC's best thresholds", () => {
        const chosen = chooseThreshold(sets[name], { kind: 'youden' });
        const best = need(r, `${name}.youden`);
        expect(best.some((t) => Math.abs(t - chosen.threshold) < 1e-9)).toBe(true);
      });
    });
  }

  it('DeLong test of two correlated AUCs matches roc.test(method = "delong")', () => {
    const t = delongTest(sets.paper.truth, sets.paper.scores, second);
    const [z, p] = need(r, 'paired.delong');
    expect(t.z).toBeCloseTo(z, 9);
    expect(t.p).toBeCloseTo(p, 9);
  });

  it('paired bootstrap test agrees with roc.test(method = "bootstrap") within Monte Carlo error', () => {
    const t = bootstrapAucTest(sets.paper.truth, sets.paper.scores, second, { resamples: 2000, seed: 3 });
    const [z, p] = need(r, 'paired.bootstrap');
    expect(Math.abs(t.z - z)).toBeLessThan(0.08 * Math.abs(z) + 0.05);
    expect(Math.abs(t.p - p)).toBeLessThan(0.02);
  });
});

describe('exact binomial and Fisher tests against R stats', () => {
  it.each(binomialCases)('Clopper-Pearson %i/%i matches binom.test', (k, n) => {
    const [lo, hi] = need(r, `binom.${k}.${n}`);
    const ci = clopperPearson(k, n);
    expect(ci[0]).toBeCloseTo(lo, 10);
    expect(ci[1]).toBeCloseTo(hi, 10);
  });

  it('Clopper-Pearson at the 90% level', () => {
    const [lo, hi] = need(r, 'binom90');
    const ci = clopperPearson(22, 25, 0.9);
    expect(ci[0]).toBeCloseTo(lo, 10);
    expect(ci[1]).toBeCloseTo(hi, 10);
  });

  it.each(fisherCases.map((c, i) => [i, ...c]))(
    'Fisher table %i [[%i, %i], [%i, %i]] matches fisher.test',
    (i, a, b, c, d) => {
      const p = need(r, `fisher.${i}`)[0];
      expect(fisherExact(a, b, c, d).p).toBeCloseTo(p, 10);
    },
  );

  it.each(mcnemarCases.map((c, i) => [i, ...c]))(
    'exact McNemar %i (b = %i, c = %i) matches binom.test(b, b + c)',
    (i, b, c) => {
      expect(exactMcNemar(b, c)).toBeCloseTo(need(r, `mcnemar.${i}`)[0], 12);
    },
  );

  it('beta and normal quantiles match qbeta, pbeta, qnorm', () => {
    quantileCases.forEach(([p, a, b], i) => {
      const expected = need(r, `qbeta.${i}`)[0];
      expect(Math.abs(betaQuantile(p, a, b) - expected)).toBeLessThan(1e-12 + 1e-9 * expected);
    });
    const pb = need(r, 'pbeta');
    [0.001, 0.3, 0.7, 0.999].forEach((x, i) => expect(regularizedBeta(x, 2.5, 40)).toBeCloseTo(pb[i], 12));
    const p2 = need(r, 'p2');
    [0.5, 3, 8, 17.65].forEach((z, i) => expect(twoSidedNormalP(z) / p2[i]).toBeCloseTo(1, 10));
    const qn = need(r, 'qnorm');
    [0.975, 0.995, 1e-12, 0.3].forEach((p, i) => expect(normalQuantile(p)).toBeCloseTo(qn[i], 10));
  });
});
