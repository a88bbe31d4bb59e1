// The statistics of ROC analysis, diagnostic accuracy and rater agreement: pure functions, no I/O.
export type { Interval, Proportion } from './binomial';
export { clopperPearson, proportion } from './binomial';
export type { FisherResult } from './fisher';
export { fisherExact, compareProportions } from './fisher';
export type { ScoredSet } from './scored-set';
export type { RocPoint } from './roc';
export { rocCurve, auc } from './roc';
export type { DelongAuc, AucComparison } from './delong';
export { delongAuc, delongTest } from './delong';
export type { BootstrapAuc, BootstrapOptions } from './bootstrap';
export { bootstrapAucCi, bootstrapAucTest, DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_SEED } from './bootstrap';
export type { ThresholdRule } from './threshold';
export { chooseThreshold } from './threshold';
export type { Confusion, DiagnosticPerformance } from './diagnostic';
export { confusionOf, callsAt, diagnosticPerformance } from './diagnostic';
export type { Rating, CohenKappa, FleissKappa, FleissOptions } from './kappa';
export { cohenKappa, fleissKappa } from './kappa';
export type { ReferenceCase, ReferenceBasis, Adjudicate } from './reference-standard';
export { majorityReference, referenceCsv } from './reference-standard';
export { betaQuantile, regularizedBeta, normalCdf, normalQuantile, logGamma } from './special';
export { exactMcNemar } from './mcnemar';
export { parseCsv, TableError } from './csv';
export type { ScoreTable, ScoreRow, ReaderColumn, ReadingCondition } from './score-table';
export { readScoreTable } from './score-table';
export type {
  EvaluationReport,
  ValidationComparison,
  SetComparison,
  EvaluateOptions,
  ThresholdChoice,
  ThresholdSource,
  ReaderPerformance,
  ReaderComparison,
  ScoreComparison,
} from './evaluation';
export { evaluate } from './evaluation';
export type {
  AgreementReport,
  AgreementOptions,
  GroupAgreement,
  KappaEstimate,
  PairAgreement,
} from './agreement';
export { agreement } from './agreement';
export { readerTableCsv, readerTableMarkdown, formatProportion, formatP } from './reader-table';
export { rocPlotSvg } from './plots/roc-plot';
export { performancePlotSvg } from './plots/performance-plot';
export { evaluationText, agreementText } from './report-text';
