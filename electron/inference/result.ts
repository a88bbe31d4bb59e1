import type { Volume } from '../imaging';
import type { SequenceKey, TaskKey } from './manifest';
import type { HeatmapKinds, HeatmapOnLesion } from './heatmap-evidence';
import type { ProviderName } from './providers';

export interface TaskOutcome {
  label: string;
  probability: number;
  threshold: number;
  positive: boolean;
  operatingPoint: { sensitivity?: number; specificity?: number; set?: string };
  /** the model's own pointing game for this task; absent where the model was not checked */
  heatmapOnLesion?: HeatmapOnLesion;
  /** what the task's map shows on each sequence; absent in results cached before maps had kinds */
  heatmaps?: HeatmapKinds;
}

export interface StackRef {
  seriesInstanceUid: string;
  index: number;
  description: string;
  /** the source stack's grid: CAMs can be brought onto it (camOnto) for overlay or NIfTI */
  dims: [number, number, number];
  affine: number[];
}

/** What the model said about one exam, with everything needed to trust or doubt it. */
export interface ModelResult {
  schema: 'sij-model-result/1';
  model: {
    id: string;
    version: string;
    sha256: string;
    name: string;
    clinicalUse: boolean;
    disclaimer: string;
  };
  provider: ProviderName;
  studyInstanceUid: string;
  stacks: { t1: StackRef; stir: StackRef };
  tasks: Record<TaskKey, TaskOutcome>;
  warnings: { code: string; message: string }[];
  quality: {
    oodScore: number | null;
    fatSuppressionFailureSuspected: boolean;
    strongBiasField: { t1: boolean; stir: boolean };
    features: { t1: Record<string, number>; stir: Record<string, number>; exam: Record<string, number> };
  };
  /** per stage, milliseconds */
  timingsMs: Record<string, number>;
  /** sha256 of the input stacks' files (see input-key.ts) */
  inputKey: string;
  /** cache key: input + model */
  key: string;
}

/**
 * Grad-CAM of one task on one sequence, on the model grid laid in that sequence's stack frame
 * (upsampled from the network's feature resolution), so its affine places it in patient space.
 */
export interface CamMap {
  task: TaskKey;
  sequence: SequenceKey;
  volume: Volume;
}

export interface ModelOutput {
  result: ModelResult;
  cams: CamMap[];
}

/** The JSON that `sij read --json` prints (the shape documented in the README). */
export function cliJson(result: ModelResult) {
  return {
    model: { id: result.model.id, version: result.model.version, sha256: result.model.sha256 },
    provider: result.provider,
    tasks: Object.fromEntries(
      Object.entries(result.tasks).map(([k, t]) => [
        k,
        { probability: t.probability, threshold: t.threshold, positive: t.positive },
      ]),
    ),
    warnings: result.warnings,
    timingsMs: result.timingsMs,
  };
}
