import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTable } from '../../../electron/cli/commands/evaluate';
import { generateSet } from '../../unit/analysis/generated-scores';
import { need, runR } from '../../unit/analysis/r-reference';

// Each CLI run starts tsx and R or Chromium: seconds alone, minutes on a busy shared machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const root = path.resolve(__dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'sij-evaluate-'));

/** Runs the real CLI asynchronously, so the test worker keeps answering vitest meanwhile. */
function sij(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin/sij.mjs'), ...args],
      { cwd: dir, encoding: 'utf8' },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function csvOf(set: { truth: number[]; scores: number[] }, readerSeed: number): string {
  const lines = ['case_id,truth,score,reader_A,reader_B'];
  set.truth.forEach((t, i) => {
    // deterministic reader calls, right on most cases
    const a = (i * 7 + readerSeed) % 5 === 0 ? 1 - t : t;
    const b = (i * 3 + readerSeed) % 4 === 0 ? 1 - t : t;
    lines.push(`case${i},${t},${set.scores[i]},${a},${b}`);
  });
  return lines.join('\n') + '\n';
}

let r: Map<string, number[]>;
beforeAll(async () => {
  writeFileSync(path.join(dir, 'validation.csv'), csvOf(generateSet(21, 30, 43, 1.4, 3), 1));
  writeFileSync(path.join(dir, 'test.csv'), csvOf(generateSet(22, 25, 91, 1.4, 3), 2));
  // R: the validation set's Youden threshold, applied to the test set; AUC and DeLong CI on the test set.
  r = await runR(`
suppressMessages(library(pROC))
out <- function(key, v) cat(key, format(v, digits = 15), "\\n")
v <- read.csv("${path.join(dir, 'validation.csv')}")
d <- read.csv("${path.join(dir, 'test.csv')}")
rv <- roc(v$truth, v$score, levels = c(0, 1), direction = "<", quiet = TRUE)
th <- coords(rv, "best", best.method = "youden", ret = "threshold", transpose = FALSE)$threshold
out("threshold", th)
rt <- roc(d$truth, d$score, levels = c(0, 1), direction = "<", quiet = TRUE)
out("auc", as.numeric(auc(rt)))
out("delong", as.numeric(ci.auc(rt, method = "delong"))[c(1, 3)])
t <- th[1]
tp <- sum(d$score >= t & d$truth == 1); fn <- sum(d$score < t & d$truth == 1)
tn <- sum(d$score < t & d$truth == 0); fp <- sum(d$score >= t & d$truth == 0)
out("confusion", c(tp, fp, tn, fn))
out("sens", binom.test(tp, tp + fn)$conf.int)
out("spec", binom.test(tn, tn + fp)$conf.int)
a <- d$reader_A; b <- d$reader_B
out("readerA", c(sum(a == 1 & d$truth == 1), sum(d$truth == 1), binom.test(sum(a == 1 & d$truth == 1), sum(d$truth == 1))$conf.int))
`);
});

describe('sij evaluate', () => {
  it('--json with --threshold-from: every key, numbers as R pROC and binom.test give them', async () => {
    const res = await sij(
      'evaluate',
      'test.csv',
      '--json',
      '--threshold-from',
      'validation.csv',
      '--bootstrap',
      '500',
      '--seed',
      '4',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j).toMatchObject({ n: 116, positives: 25, bootstrap: { resamples: 500, seed: 4 } });
    expect(j.thresholdSource).toMatchObject({ method: 'youden', set: 'validation.csv', sameSet: false });
    expect(need(r, 'threshold').some((t) => Math.abs(t - j.threshold) < 1e-9)).toBe(true);
    expect(j.auc).toBeCloseTo(need(r, 'auc')[0], 9);
    expect(j.aucCi.delong[0]).toBeCloseTo(need(r, 'delong')[0], 9);
    expect(j.aucCi.delong[1]).toBeCloseTo(need(r, 'delong')[1], 9);
    expect(j.aucCi.bootstrap[0]).toBeLessThan(j.auc);
    expect(j.aucCi.bootstrap[1]).toBeGreaterThan(j.auc);
    const [tp, fp, tn, fn] = need(r, 'confusion');
    expect(j.confusion).toEqual({ tp, fp, tn, fn });
    expect(j.sensitivity).toMatchObject({ k: tp, n: tp + fn });
    expect(j.sensitivity.ci[0]).toBeCloseTo(need(r, 'sens')[0], 10);
    expect(j.specificity.ci[1]).toBeCloseTo(need(r, 'spec')[1], 10);
    for (const key of ['accuracy', 'ppv', 'npv'])
      expect(Object.keys(j[key]).sort()).toEqual(['ci', 'estimate', 'k', 'n']);
    const [ka, na, lo, hi] = need(r, 'readerA');
    const readerA = j.readers.find((x: { column: string }) => x.column === 'reader_A');
    expect(readerA.sensitivity).toMatchObject({ k: ka, n: na });
    expect(readerA.sensitivity.ci[0]).toBeCloseTo(lo, 10);
    expect(readerA.sensitivity.ci[1]).toBeCloseTo(hi, 10);
  });

  it('human output and --plot', async () => {
    const res = await sij(
      'evaluate',
      'test.csv',
      '--threshold',
      '0.5',
      '--bootstrap',
      '200',
      '--plot',
      'roc.svg',
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^test.csv: 116 cases \(25 positive, 91 negative\)/);
    expect(res.stdout).toMatch(/Sensitivity {2}\d+\/25, \d+% \(\d+–\d+\)/);
    expect(readFileSync(path.join(dir, 'roc.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('a missing file is a usage error naming it', () => {
    expect(() => loadTable(path.join(dir, 'nope.csv'), true)).toThrow(/cannot read .*nope.csv/);
  });

  it('bad input: exit 2 with the file, the line and the problem', async () => {
    writeFileSync(path.join(dir, 'bad.csv'), 'case_id,truth,score\n1,1,0.5\n2,maybe,0.1\n');
    const res = await sij('evaluate', 'bad.csv');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("bad.csv, line 3: truth must be 0 or 1, got 'maybe'");
  });
});

describe('sij agreement and sij reader-study', () => {
  it("agreement --json: Cohen's kappa of the two readers as computed by hand from their 2x2 table", async () => {
    const res = await sij('agreement', 'test.csv', '--json', '--threshold', '0.5', '--bootstrap', '100');
    expect(res.code).toBe(0);
    const j = JSON.parse(res.stdout);
    // Independent hand computation from the CSV: po and pe from the 2x2 table of the two readers.
    const rows = readFileSync(path.join(dir, 'test.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const a = rows.map((x) => Number(x[3]));
    const b = rows.map((x) => Number(x[4]));
    const n = a.length;
    const po = a.filter((x, i) => x === b[i]).length / n;
    const pa = a.filter((x) => x === 1).length / n;
    const pb = b.filter((x) => x === 1).length / n;
    const pe = pa * pb + (1 - pa) * (1 - pb);
    expect(j.groups[0].pairwise[0].cohen.kappa).toBeCloseTo((po - pe) / (1 - pe), 12);
    expect(j.modelCalls).toBe('score >= 0.5');
    expect(j.groups[0].model.cohenWithReaders).toHaveLength(2);
  });

  it('agreement --majority with --adjudication writes the reference standard', async () => {
    writeFileSync(
      path.join(dir, 'six.csv'),
      'case_id,reader_1,reader_2,reader_3,reader_4,reader_5,reader_6\na,1,1,1,1,0,0\nb,1,1,1,0,0,0\nc,0,0,0,0,1,1\n',
    );
    writeFileSync(path.join(dir, 'consensus.csv'), 'case_id,truth\nb,0\n');
    const res = await sij(
      'agreement',
      'six.csv',
      '--majority',
      '4',
      '--adjudication',
      'consensus.csv',
      '--reference-out',
      'ref.csv',
      '--bootstrap',
      '50',
    );
    expect(res.code).toBe(0);
    expect(readFileSync(path.join(dir, 'ref.csv'), 'utf8')).toBe(
      'case_id,truth,basis,positive_votes,raters\na,1,majority,4,6\nb,0,adjudicated,3,6\nc,0,majority,2,6\n',
    );
  });

  it('reader-study writes the SVG plots, CSV and Markdown tables, the JSON, and PNGs through Chromium', async () => {
    const res = await sij(
      'reader-study',
      'test.csv',
      '--out',
      'study',
      '--threshold-from',
      'validation.csv',
      '--bootstrap',
      '200',
      '--png',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    for (const f of ['roc.svg', 'performance.svg', 'readers.csv', 'readers.md', 'evaluation.json']) {
      expect(readFileSync(path.join(dir, 'study', f), 'utf8').length).toBeGreaterThan(100);
    }
    // The PNG is the SVG drawn at twice its size, and not blank: the ROC has dark axis and curve pixels.
    const png = PNG.sync.read(readFileSync(path.join(dir, 'study', 'roc.png')));
    expect([png.width, png.height]).toEqual([1040, 1040]);
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4)
      if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 300) dark++;
    expect(dark / (png.width * png.height)).toBeGreaterThan(0.005);
  });
});
