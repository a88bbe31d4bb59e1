export * from './manifest';
export * from './model-store';
export * from './providers';
export * from './grid';
export { InferenceRefusal, selectStacks, DEFAULT_SELECTION_RULES } from './exam-select';
export type { StackChoice, StackOverrides, SelectedStacks, SelectionRules, Warning } from './exam-select';
export { zscore } from './normalise';
export * from './quality';
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
