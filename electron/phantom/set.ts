import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  generateExam,
  PhantomOptionError,
  type ErrorCase,
  type ExamOptions,
  type PhantomTruth,
} from './exam';
import { Rng } from './random';
import { AXSPA_KINDS, CASE_KINDS, siteByName, SITES, type CaseKind } from './sites';
import { LABEL_KEYS } from './labels';

export interface SetOptions {
  site: string;
  n: number;
  seed: number;
  /** fraction of axSpA patients (the rest: normal and mimics in the site's proportions) */
  prevalence?: number;
  /** fraction of exams with a missing STIR or only axial series (error-path tests) */
  errorRate?: number;
  labelNoise?: number;
  maxMatrix?: number;
}

/** Exam `index` of a set: its own seed, id and patient kind, independent of the other exams. */
export function setExamOptions(opts: SetOptions, index: number): ExamOptions {
  const site = siteByName(opts.site);
  if (!site)
    throw new PhantomOptionError(
      `unknown site '${opts.site}' (one of: ${SITES.map((s) => s.name).join(', ')})`,
    );
  const seed = opts.seed * 100000 + index;
  const rng = new Rng(seed).fork('set');
  const weights = CASE_KINDS.map((k) => site.caseMix[k] ?? 0);
  if (opts.prevalence !== undefined) {
    const p = opts.prevalence;
    const axTotal = CASE_KINDS.reduce((s, k, n) => s + (AXSPA_KINDS.includes(k) ? weights[n] : 0), 0);
    const otherTotal = weights.reduce((a, b) => a + b, 0) - axTotal;
    CASE_KINDS.forEach((k, n) => {
      weights[n] = AXSPA_KINDS.includes(k) ? (weights[n] / axTotal) * p : (weights[n] / otherTotal) * (1 - p);
    });
  }
  const caseKind: CaseKind = CASE_KINDS[rng.weighted(weights)];
  let errorCase: ErrorCase | undefined;
  if (opts.errorRate && rng.chance(opts.errorRate))
    errorCase = rng.chance(0.5) ? 'missing_stir' : 'axial_only';
  return {
    seed,
    site: site.name,
    caseKind,
    errorCase,
    examId: `${site.name}-${String(index).padStart(5, '0')}`,
    labelNoise: opts.labelNoise,
    maxMatrix: opts.maxMatrix,
  };
}

/** Generate exams index = first, first + step, ... < n into `outDir/<exam-id>/`, skipping finished ones. */
export function generateSetShard(
  outDir: string,
  opts: SetOptions,
  first: number,
  step: number,
  log: (line: string) => void,
): void {
  for (let index = first; index < opts.n; index += step) {
    const examOpts = setExamOptions(opts, index);
    const dir = path.join(outDir, examOpts.examId as string);
    if (existsSync(path.join(dir, 'truth.json'))) continue;
    const t0 = performance.now();
    const r = generateExam(dir, examOpts);
    const labels = LABEL_KEYS.map((k) => (r.truth.labels[k] ? 1 : 0)).join('');
    log(
      `${r.truth.examId} ${r.truth.profile} ${r.truth.caseKind} labels=${labels} ${((performance.now() - t0) / 1000).toFixed(1)}s`,
    );
  }
}

export function readTruths(outDir: string): PhantomTruth[] {
  const truths: PhantomTruth[] = [];
  for (const name of readdirSync(outDir).sort()) {
    const file = path.join(outDir, name, 'truth.json');
    if (existsSync(file)) truths.push(JSON.parse(readFileSync(file, 'utf8')) as PhantomTruth);
  }
  return truths;
}

export const MANIFEST_COLUMNS = [
  'exam_id',
  'site',
  'profile',
  'active_inflammation',
  'asas_bme',
  'structural',
  'rule_active_inflammation',
  'rule_asas_bme',
  'rule_structural',
  'case_kind',
  'error_case',
  'field_strength',
  'path',
] as const;

/** manifest.csv: one row per exam; usable as `--labels` for `sij dataset`. */
export function writeManifest(outDir: string, truths: readonly PhantomTruth[]): string {
  const rows = [MANIFEST_COLUMNS.join(',')];
  for (const t of truths) {
    const b = (x: boolean): string => (x ? '1' : '0');
    rows.push(
      [
        t.examId,
        t.site,
        t.profile,
        b(t.labels.active_inflammation),
        b(t.labels.asas_bme),
        b(t.labels.structural),
        b(t.labelsByRule.active_inflammation),
        b(t.labelsByRule.asas_bme),
        b(t.labelsByRule.structural),
        t.caseKind,
        t.errorCase ?? '',
        String(t.seriesDetails.t1.acquisition ? fieldOf(t) : ''),
        t.examId,
      ].join(','),
    );
  }
  const file = path.join(outDir, 'manifest.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

function fieldOf(t: PhantomTruth): number {
  return t.profile.includes('3t') ? 3 : 1.5;
}

interface Summary {
  mean: number;
  min: number;
  max: number;
}

function summary(xs: number[]): Summary {
  if (xs.length === 0) return { mean: NaN, min: NaN, max: NaN };
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };
}

export interface SetStats {
  exams: number;
  bySite: Record<string, number>;
  byProfile: Record<string, number>;
  byCase: Record<string, number>;
  fieldStrength: Record<string, number>;
  prevalence: Record<string, number>;
  prevalenceByRule: Record<string, number>;
  labelNoiseFlips: number;
  errorCases: Record<string, number>;
  t1: SeriesStats;
  stir: SeriesStats;
}

interface SeriesStats {
  inPlaneMm: Summary;
  sliceThicknessMm: Summary;
  sliceSpacingMm: Summary;
  slices: Summary;
  matrix: Summary;
  snr: Summary;
  /** clean signal of reference tissues in real-world units (after rescale) */
  intensity: Record<string, Summary>;
  artifacts: Record<string, number>;
}

/** Population statistics of a set, from its truth.json files. */
export function setStats(truths: readonly PhantomTruth[]): SetStats {
  const count = (f: (t: PhantomTruth) => string | undefined): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const t of truths) {
      const k = f(t);
      if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const rate = (f: (t: PhantomTruth) => boolean): number =>
    truths.filter(f).length / Math.max(1, truths.length);
  const series = (role: 't1' | 'stir'): SeriesStats => {
    const ss = truths.map((t) => t.seriesDetails[role]).filter((s) => s !== null);
    const intensity: Record<string, Summary> = {};
    for (const tissue of ['fat', 'marrow', 'muscle', 'fluid', 'edema', 'csf'])
      intensity[tissue] = summary(ss.map((s) => s.tissueSignal[tissue]));
    const n = Math.max(1, ss.length);
    return {
      inPlaneMm: summary(ss.map((s) => s.spacing[0])),
      sliceThicknessMm: summary(ss.map((s) => s.thickness)),
      sliceSpacingMm: summary(ss.map((s) => s.spacing[2])),
      slices: summary(ss.map((s) => s.dims[2])),
      matrix: summary(ss.map((s) => s.dims[0])),
      snr: summary(ss.map((s) => s.acquisition.snr)),
      intensity,
      artifacts: {
        fatSatFailure: ss.filter((s) => s.artifacts.fatSatFailure).length / n,
        ghosting: ss.filter((s) => s.artifacts.ghosting).length / n,
        wrap: ss.filter((s) => s.artifacts.wrap).length / n,
      },
    };
  };
  const prevalence: Record<string, number> = {};
  const prevalenceByRule: Record<string, number> = {};
  for (const k of LABEL_KEYS) {
    prevalence[k] = rate((t) => t.labels[k]);
    prevalenceByRule[k] = rate((t) => t.labelsByRule[k]);
  }
  return {
    exams: truths.length,
    bySite: count((t) => t.site),
    byProfile: count((t) => t.profile),
    byCase: count((t) => t.caseKind),
    fieldStrength: count((t) => `${fieldOf(t)}T`),
    prevalence,
    prevalenceByRule,
    labelNoiseFlips: truths.reduce((s, t) => s + t.labelNoiseFlipped.length, 0),
    errorCases: count((t) => t.errorCase ?? undefined),
    t1: series('t1'),
    stir: series('stir'),
  };
}

/** Human-readable stats, one block per site. */
export function formatStats(bySite: Record<string, SetStats>): string {
  const f = (s: Summary, d = 2): string => `${s.mean.toFixed(d)} [${s.min.toFixed(d)}-${s.max.toFixed(d)}]`;
  const lines: string[] = [];
  for (const [site, st] of Object.entries(bySite)) {
    lines.push(`site ${site}: ${st.exams} exams`);
    lines.push(
      `  profiles: ${Object.entries(st.byProfile)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    lines.push(
      `  field: ${Object.entries(st.fieldStrength)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    lines.push(
      `  cases: ${Object.entries(st.byCase)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    lines.push(
      `  prevalence (reference): ${Object.entries(st.prevalence)
        .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`)
        .join(', ')}`,
    );
    lines.push(
      `  prevalence (rules):     ${Object.entries(st.prevalenceByRule)
        .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`)
        .join(', ')}; label-noise flips ${st.labelNoiseFlips}`,
    );
    if (Object.keys(st.errorCases).length) lines.push(`  error cases: ${JSON.stringify(st.errorCases)}`);
    for (const role of ['t1', 'stir'] as const) {
      const s = st[role];
      lines.push(
        `  ${role.toUpperCase()}: in-plane ${f(s.inPlaneMm)} mm, matrix ${f(s.matrix, 0)}, slices ${f(s.slices, 0)} x ${f(s.sliceThicknessMm, 1)} mm (spacing ${f(s.sliceSpacingMm, 1)}), SNR ${f(s.snr, 1)}`,
      );
      lines.push(
        `       intensity: ${Object.entries(s.intensity)
          .map(([k, v]) => `${k} ${v.mean.toFixed(0)}`)
          .join(', ')}; artifacts: ${Object.entries(s.artifacts)
          .map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`)
          .join(', ')}`,
      );
    }
  }
  return lines.join('\n');
}
