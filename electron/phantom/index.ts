/** Synthetic sacroiliac-joint MRI exams with known lesions: the project's ground truth. */
export { generateExam, GENERATOR_VERSION, TRUTH_SCHEMA, PhantomOptionError } from './exam';
export type { ExamOptions, ExamResult, PhantomTruth, SeriesTruth, ErrorCase } from './exam';
export { writeContactSheet } from './preview';
export { FindingsSpecError } from './findings';
export { PROFILES, profileByName } from './profiles';
export type { ScannerProfile } from './profiles';
export { SITES, siteByName, CASE_KINDS, AXSPA_KINDS } from './sites';
export type { Site, CaseKind } from './sites';
export type { GridCell } from './grid';
export { MIN_SCORED_AREA_MM2, DEEP_MM, INTENSE_THRESHOLD } from './grid';
export { labelsFromGrid, asasPositive, definiteActive, definiteStructural, LABEL_KEYS } from './labels';
export type { GlobalLabels } from './labels';
export { LESION_CODES, ACTIVE_LESIONS, STRUCTURAL_LESIONS } from './lesions';
export type { Lesion, GridLesion } from './lesions';
export { QUADRANTS, JOINTS, cellOf } from './quadrants';
export { Anatomy } from './anatomy';
export {
  setExamOptions,
  generateSetShard,
  readTruths,
  writeManifest,
  setStats,
  formatStats,
  MANIFEST_COLUMNS,
} from './set';
export type { SetOptions, SetStats } from './set';
