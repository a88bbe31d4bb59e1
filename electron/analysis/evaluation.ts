import { proportion, type Interval, type Proportion } from './binomial';
import { bootstrapAucCi, bootstrapAucTest, DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_SEED } from './bootstrap';
import { delongAuc, delongTest } from './delong';
import {
  callsAt,
  confusionOf,
  diagnosticPerformance,
  type Confusion,
  type DiagnosticPerformance,
} from './diagnostic';
import { compareProportions } from './fisher';
import { exactMcNemar } from './mcnemar';
import { rocCurve, type RocPoint } from './roc';
import type { ReaderColumn, ReadingCondition, ScoreTable } from './score-table';
import { chooseThreshold, type ThresholdRule } from './threshold';

export type ThresholdChoice =
  | { kind: 'given'; value: number }
  /** Chosen by rule on `set` (the validation table), or on the evaluated table itself when absent. */
  | { kind: 'rule'; rule: ThresholdRule; set?: ScoreTable };

export interface EvaluateOptions {
  threshold?: ThresholdChoice;
  resamples?: number;
  seed?: number;
}

export interface ThresholdSource {
  method: 'given' | 'youden' | 'target-sensitivity';
  /** Where the threshold was chosen: a file name, or 'given'. */
  set: string;
  /** True when chosen on the very cases it is evaluated on (optimistic). */
  sameSet: boolean;
  targetSensitivity?: number;
  /** Sensitivity and specificity on the set where it was chosen. */
  operatingPoint?: { sensitivity: number; specificity: number };
}

export interface ReaderPerformance extends ReaderColumn {
  /** Cases this reader read. */
  n: number;
  sensitivity: Proportion;
  specificity: Proportion;
  accuracy: Proportion;
  ppv: Proportion;
  npv: Proportion;
  confusion: Confusion;
}

export interface PairedProportions {
  unaided: Proportion;
  aided: Proportion;
  /** Exact McNemar p on the cases read in both conditions. */
  mcnemarP: number;
}

export interface ReaderComparison {
  reader: string;
  /** Cases read both without and with the model. */
  n: number;
  sensitivity: PairedProportions;
  specificity: PairedProportions;
  accuracy: PairedProportions;
}

export interface ScoreComparison {
  column: string;
  auc: number;
  aucCi: { bootstrap: Interval; delong: Interval };
  /** Tests of score (the main one) vs this column on the same cases. */
  delong: { z: number; p: number };
  bootstrap: { z: number; p: number };
}

export interface EvaluationReport {
  source: string;
  n: number;
  positives: number;
  negatives: number;
  auc: number | null;
  aucCi: { bootstrap: Interval; delong: Interval } | null;
  bootstrap: { resamples: number; seed: number };
  threshold: number | null;
  thresholdSource: ThresholdSource | null;
  sensitivity: Proportion | null;
  specificity: Proportion | null;
  accuracy: Proportion | null;
  ppv: Proportion | null;
  npv: Proportion | null;
  confusion: Confusion | null;
  roc: RocPoint[] | null;
  scoreComparisons: ScoreComparison[];
  /** The set the threshold came from vs this one, by Fisher's exact test (the paper's P values). */
  validationComparison: ValidationComparison | null;
  readers: ReaderPerformance[];
  readerComparisons: ReaderComparison[];
}

export interface SetComparison {
  validation: Proportion;
  evaluated: Proportion;
  /** Two-sided Fisher's exact p. */
  fisherP: number;
}

export interface ValidationComparison {
  set: string;
  prevalence: SetComparison;
  sensitivity: SetComparison;
  specificity: SetComparison;
  accuracy: SetComparison;
}

function compareSets(validation: Proportion, evaluated: Proportion): SetComparison {
  return {
    validation,
    evaluated,
    fisherP: compareProportions(validation.k, validation.n, evaluated.k, evaluated.n).p,
  };
}

/** Prevalence and performance at the same threshold on the validation set and the evaluated set. */
function validationComparison(
  validation: ScoreTable,
  threshold: number,
  evaluatedTruth: number[],
  evaluated: DiagnosticPerformance,
): ValidationComparison {
  const truth = truthOf(validation);
  const perf = diagnosticPerformance(confusionOf(truth, callsAt(scoresOf(validation), threshold)));
  const positives = (t: number[]) => proportion(t.filter((x) => x === 1).length, t.length);
  return {
    set: validation.source,
    prevalence: compareSets(positives(truth), positives(evaluatedTruth)),
    sensitivity: compareSets(perf.sensitivity, evaluated.sensitivity),
    specificity: compareSets(perf.specificity, evaluated.specificity),
    accuracy: compareSets(perf.accuracy, evaluated.accuracy),
  };
}

function truthOf(table: ScoreTable): number[] {
  return table.rows.map((r) => {
    if (r.truth === null) throw new RangeError(`${table.source}: case ${r.caseId} has no truth`);
    return r.truth;
  });
}

function scoresOf(table: ScoreTable): number[] {
  if (!table.hasScore) throw new RangeError(`${table.source}: no 'score' column`);
  return table.rows.map((r) => r.score as number);
}

function resolveThreshold(
  table: ScoreTable,
  choice: ThresholdChoice,
): { threshold: number; source: ThresholdSource } {
  if (choice.kind === 'given') {
    if (!Number.isFinite(choice.value))
      throw new RangeError(`threshold must be a finite number, got ${choice.value}`);
    return { threshold: choice.value, source: { method: 'given', set: 'given', sameSet: false } };
  }
  const on = choice.set ?? table;
  const point = chooseThreshold({ truth: truthOf(on), scores: scoresOf(on) }, choice.rule);
  return {
    threshold: point.threshold,
    source: {
      method: choice.rule.kind,
      set: on.source,
      sameSet: on === table,
      ...(choice.rule.kind === 'target-sensitivity' ? { targetSensitivity: choice.rule.sensitivity } : {}),
      operatingPoint: { sensitivity: point.sensitivity, specificity: point.specificity },
    },
  };
}

function readerPerformances(table: ScoreTable, truth: number[]): ReaderPerformance[] {
  return table.readerColumns.map((rc) => {
    const t: number[] = [];
    const calls: number[] = [];
    table.rows.forEach((row, i) => {
      const call = row.readers[rc.column];
      if (call !== null) {
        t.push(truth[i]);
        calls.push(call);
      }
    });
    const confusion = confusionOf(t, calls);
    return { ...rc, n: t.length, ...diagnosticPerformance(confusion) };
  });
}

function pairedProportions(pairs: [number, number][]): PairedProportions {
  const n = pairs.length;
  const unaidedRight = pairs.filter(([u]) => u === 1).length;
  const aidedRight = pairs.filter(([, a]) => a === 1).length;
  const onlyUnaided = pairs.filter(([u, a]) => u === 1 && a === 0).length;
  const onlyAided = pairs.filter(([u, a]) => u === 0 && a === 1).length;
  return {
    unaided: proportion(unaidedRight, n),
    aided: proportion(aidedRight, n),
    mcnemarP: exactMcNemar(onlyUnaided, onlyAided),
  };
}

function readerComparisons(table: ScoreTable, truth: number[]): ReaderComparison[] {
  const byReader = new Map<string, Partial<Record<ReadingCondition, string>>>();
  for (const rc of table.readerColumns) {
    byReader.set(rc.reader, { ...byReader.get(rc.reader), [rc.condition]: rc.column });
  }
  const out: ReaderComparison[] = [];
  for (const [reader, cols] of byReader) {
    if (!cols.unaided || !cols.aided) continue;
    // correctness of each call, per case read in both conditions: [unaided right, aided right]
    const pos: [number, number][] = [];
    const neg: [number, number][] = [];
    table.rows.forEach((row, i) => {
      const u = row.readers[cols.unaided!];
      const a = row.readers[cols.aided!];
      if (u === null || a === null) return;
      const pair: [number, number] = [u === truth[i] ? 1 : 0, a === truth[i] ? 1 : 0];
      (truth[i] === 1 ? pos : neg).push(pair);
    });
    out.push({
      reader,
      n: pos.length + neg.length,
      sensitivity: pairedProportions(pos),
      specificity: pairedProportions(neg),
      accuracy: pairedProportions([...pos, ...neg]),
    });
  }
  return out;
}

/**
 * The model's ROC, AUC with bootstrap and DeLong CIs, and its performance at a threshold;
 * each reader column against the same reference standard; readers with and without the model.
 */
export function evaluate(table: ScoreTable, options: EvaluateOptions = {}): EvaluationReport {
  const truth = truthOf(table);
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const positives = truth.filter((t) => t === 1).length;
  const head = { source: table.source, n: truth.length, positives, negatives: truth.length - positives };
  const tail = {
    bootstrap: { resamples, seed },
    readers: readerPerformances(table, truth),
    readerComparisons: readerComparisons(table, truth),
  };
  if (!table.hasScore) {
    return {
      ...head,
      auc: null,
      aucCi: null,
      threshold: null,
      thresholdSource: null,
      sensitivity: null,
      specificity: null,
      accuracy: null,
      ppv: null,
      npv: null,
      confusion: null,
      ...tail,
      roc: null,
      scoreComparisons: [],
      validationComparison: null,
    };
  }
  const scores = scoresOf(table);
  const set = { truth, scores };
  const delong = delongAuc(set);
  const boot = bootstrapAucCi(set, { resamples, seed });
  const { threshold, source } = resolveThreshold(
    table,
    options.threshold ?? { kind: 'rule', rule: { kind: 'youden' } },
  );
  const perf = diagnosticPerformance(confusionOf(truth, callsAt(scores, threshold)));
  const thresholdSet = options.threshold?.kind === 'rule' ? options.threshold.set : undefined;
  const scoreComparisons = table.otherScoreColumns.map((column): ScoreComparison => {
    const other = table.rows.map((r) => r.otherScores[column]);
    const d = delongAuc({ truth, scores: other });
    const dt = delongTest(truth, scores, other);
    const bt = bootstrapAucTest(truth, scores, other, { resamples, seed });
    return {
      column,
      auc: d.auc,
      aucCi: { bootstrap: bootstrapAucCi({ truth, scores: other }, { resamples, seed }).ci, delong: d.ci },
      delong: { z: dt.z, p: dt.p },
      bootstrap: { z: bt.z, p: bt.p },
    };
  });
  // Keys in the order docs/STATISTICS.md lists them: the headline numbers first.
  return {
    ...head,
    auc: delong.auc,
    aucCi: { bootstrap: boot.ci, delong: delong.ci },
    threshold,
    thresholdSource: source,
    ...perf,
    ...tail,
    roc: rocCurve(set),
    scoreComparisons,
    validationComparison:
      thresholdSet && thresholdSet !== table
        ? validationComparison(thresholdSet, threshold, truth, perf)
        : null,
  };
}
