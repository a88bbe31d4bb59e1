export * from './manifest';
export * from './model-store';
export * from './providers';
export * from './grid';
export { InferenceRefusal, selectStacks, DEFAULT_SELECTION_RULES } from './exam-select';
export type { StackChoice, StackOverrides, SelectedStacks, SelectionRules, Warning } from './exam-select';
export { zscore } from './normalise';
export * from './quality';
export {
  heatmapKinds,
  heatmapOnLesion,
  withHeatmapEvidence,
  withInstalledHeatmapEvidence,
  type HeatmapKinds,
  type HeatmapOnLesion,
} from './heatmap-evidence';
export { prepareExam, type PreparedExam, type PreparedSequence } from './prepare';
export {
  buildDataset,
  expandExamFolders,
  DATASET_SCHEMA,
  type DatasetOptions,
  type DatasetSummary,
} from './dataset/build';
export type { DatasetExamEntry } from './dataset/exam';
export { readLabels, LabelsError } from './dataset/labels';
export { openModel, closeModel, type OpenModel, type SessionOptions, ModelIoError } from './sessions';
export { runNetworks, classify, warmUp, type NetworkOutputs } from './networks';
export { camAffine, camVolume, camOnto } from './cam';
export { readExam, STAGES, CachedResultExists, type Stage, type ReadHooks } from './pipeline';
export { inputKey, resultKey } from './input-key';
export {
  cliJson,
  type ModelResult,
  type ModelOutput,
  type CamMap,
  type TaskOutcome,
  type StackRef,
} from './result';
export {
  InferenceEngine,
  EngineError,
  CancelledError,
  type EngineOptions,
  type ReadOptions,
  type Progress,
  type QueueEntry,
  type EngineOutput,
} from './engine';
export type { WorkerSessionOptions } from './engine-protocol';
export { SqliteResultCache, applyInferenceMigration, INFERENCE_MIGRATION, type ResultCache } from './cache';
export { writeCamNifti } from './cam-export';
