import { scanPaths, loadStackVolume, type DicomStack } from '../dicom';
import { resampleToGrid, type ModelGrid, type Volume } from '../imaging';
import {
  InferenceRefusal,
  selectStacks,
  DEFAULT_SELECTION_RULES,
  type SelectedStacks,
  type SelectionRules,
  type StackOverrides,
} from './exam-select';
import { zscore } from './normalise';
import { qualityFeatures, type QualityFeatures } from './quality';

export interface PreparedSequence {
  stack: DicomStack;
  /** the stack resampled onto the model grid, modality values (quality features read these) */
  raw: Volume;
  /** `raw` z-scored: the network input, C order [D][H][W] */
  input: Float32Array;
}

export interface PreparedExam {
  selection: SelectedStacks;
  t1: PreparedSequence;
  stir: PreparedSequence;
  features: QualityFeatures;
  /** files the scan could not read, with the reason (reported, not fatal) */
  skippedFiles: { path: string; reason: string }[];
  timingsMs: { scan: number; decode: number; resample: number; features: number };
}

export type PrepareStage = 'scan' | 'decode' | 'resample';

export interface PrepareOptions {
  rules?: SelectionRules;
  overrides?: StackOverrides;
  onStage?: (stage: PrepareStage) => void;
  /** Called once the stacks are chosen, before decoding; may throw to stop (e.g. a cache hit). */
  onSelected?: (selection: SelectedStacks) => Promise<void> | void;
}

/**
 * The shared front half of `sij read` and `sij dataset`: scan -> pick T1/STIR by role ->
 * decode -> resample onto the model grid in each stack's own frame -> z-score; quality features.
 */
export async function prepareExam(
  paths: string[],
  grid: ModelGrid,
  options: PrepareOptions = {},
): Promise<PreparedExam> {
  const where = paths.join(', ');
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  options.onStage?.('scan');
  const scan = scanPaths(paths);
  if (scan.files.read === 0) {
    const why = scan.files.skipped
      .slice(0, 3)
      .map((s) => `${s.path}: ${s.reason}`)
      .join('; ');
    throw new InferenceRefusal('no_images', `${where}: no readable DICOM files${why ? ` (${why})` : ''}`);
  }
  const selection = selectStacks(
    scan.studies,
    where,
    options.rules ?? DEFAULT_SELECTION_RULES,
    options.overrides,
  );
  const scanMs = lap();
  await options.onSelected?.(selection);
  options.onStage?.('decode');
  const [t1Source, stirSource] = [await loadStackVolume(selection.t1), await loadStackVolume(selection.stir)];
  const decodeMs = lap();
  options.onStage?.('resample');
  const t1Raw = resampleToGrid(t1Source, grid);
  const stirRaw = resampleToGrid(stirSource, grid);
  const t1 = { stack: selection.t1, raw: t1Raw, input: zscore(t1Raw.data) };
  const stir = { stack: selection.stir, raw: stirRaw, input: zscore(stirRaw.data) };
  const resampleMs = lap();
  const features = qualityFeatures(t1Raw, stirRaw);
  const featuresMs = lap();
  return {
    selection,
    t1,
    stir,
    features,
    skippedFiles: scan.files.skipped,
    timingsMs: { scan: scanMs, decode: decodeMs, resample: resampleMs, features: featuresMs },
  };
}
