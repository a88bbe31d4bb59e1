import type { Volume } from '../imaging';
import type { DicomStack } from '../dicom';
import { camOnto, camVolume } from './cam';
import { inputKey, resultKey } from './input-key';
import { heatmapKinds, heatmapOnLesion } from './heatmap-evidence';
import { TASK_KEYS, SEQUENCE_KEYS, type TaskKey } from './manifest';
import { runNetworks } from './networks';
import { prepareExam, type PrepareStage } from './prepare';
import { assessQuality } from './quality';
import type { CamMap, ModelOutput, ModelResult, StackRef, TaskOutcome } from './result';
import type { OpenModel } from './sessions';
import type { StackOverrides } from './exam-select';

export type Stage = PrepareStage | 'inference' | 'cam';
/** Stages in order with the share of a typical run's time they take, for progress bars. */
export const STAGES: { stage: Stage; fraction: number }[] = [
  { stage: 'scan', fraction: 0.1 },
  { stage: 'decode', fraction: 0.15 },
  { stage: 'resample', fraction: 0.15 },
  { stage: 'inference', fraction: 0.45 },
  { stage: 'cam', fraction: 0.15 },
];

export interface ReadHooks {
  onStage?: (stage: Stage) => void;
  /** Given the cache key once the stacks are chosen; returning true stops the run (a cached result exists). */
  isCached?: (key: string, inputKey: string) => Promise<boolean> | boolean;
}

/** Thrown by readExam when `isCached` says the result already exists. */
export class CachedResultExists extends Error {
  constructor(readonly key: string) {
    super(`result ${key} is cached`);
  }
}

function stackRef(stack: DicomStack): StackRef {
  return {
    seriesInstanceUid: stack.seriesInstanceUid,
    index: stack.index,
    description: stack.sequence.seriesDescription ?? '',
    dims: [...stack.dims],
    affine: [...stack.affine],
  };
}

/** CAMs on the model grid of each sequence's stack, upsampled from the network's feature resolution. */
function camMaps(
  cam: Float32Array,
  shape: [number, number, number, number, number],
  grids: Record<'t1' | 'stir', Volume>,
): CamMap[] {
  const maps: CamMap[] = [];
  TASK_KEYS.forEach((task, t) => {
    SEQUENCE_KEYS.forEach((sequence, s) => {
      const grid = grids[sequence];
      const coarse = camVolume(cam, shape, t, s, grid);
      maps.push({ task, sequence, volume: camOnto(coarse, grid) });
    });
  });
  return maps;
}

/**
 * One exam through the model: prepare (scan, choose stacks, decode, resample, z-score), denoise,
 * classify, Grad-CAM into patient space, quality signals. Pure of threads and storage; the worker
 * and the tests call it.
 */
export async function readExam(
  open: OpenModel,
  paths: string[],
  overrides: StackOverrides = {},
  hooks: ReadHooks = {},
): Promise<ModelOutput> {
  const started = performance.now();
  const manifest = open.model.manifest;
  let keys = { input: '', result: '' };
  let hashMs = 0;
  const exam = await prepareExam(paths, manifest.inputs.grid, {
    rules: manifest.inputs,
    overrides,
    onStage: (stage) => hooks.onStage?.(stage),
    onSelected: async (selection) => {
      const t = performance.now();
      const input = inputKey(selection);
      keys = { input, result: resultKey(input, open.model.sha256) };
      hashMs = performance.now() - t;
      if (await hooks.isCached?.(keys.result, keys.input)) throw new CachedResultExists(keys.result);
    },
  });
  hooks.onStage?.('inference');
  const size = manifest.inputs.grid.size;
  const net = await runNetworks(open, exam.t1.input, exam.stir.input, size);
  hooks.onStage?.('cam');
  const camStart = performance.now();
  const cams = camMaps(net.cam, net.camShape, { t1: exam.t1.raw, stir: exam.stir.raw });
  const camMs = performance.now() - camStart;
  const quality = assessQuality(exam.features, manifest.qualityReference);
  const tasks = Object.fromEntries(
    manifest.tasks.map((task, n) => {
      const probability = net.probabilities[n];
      const outcome: TaskOutcome = {
        label: task.label,
        probability,
        threshold: task.threshold,
        positive: probability >= task.threshold,
        operatingPoint: task.operatingPoint,
        heatmapOnLesion: heatmapOnLesion(manifest, task.key),
        heatmaps: heatmapKinds(manifest, task.key),
      };
      return [task.key, outcome];
    }),
  ) as Record<TaskKey, TaskOutcome>;
  const result: ModelResult = {
    schema: 'sij-model-result/1',
    model: {
      id: manifest.id,
      version: manifest.version,
      sha256: open.model.sha256,
      name: manifest.name,
      clinicalUse: manifest.clinicalUse,
      disclaimer: manifest.disclaimer,
    },
    provider: open.provider,
    studyInstanceUid: exam.selection.studyInstanceUid,
    stacks: { t1: stackRef(exam.t1.stack), stir: stackRef(exam.stir.stack) },
    tasks,
    warnings: [...exam.selection.warnings, ...quality.warnings],
    quality: {
      oodScore: quality.oodScore,
      fatSuppressionFailureSuspected: quality.fatSuppressionFailureSuspected,
      strongBiasField: quality.strongBiasField,
      features: exam.features,
    },
    timingsMs: {
      ...exam.timingsMs,
      hash: hashMs,
      ...net.timingsMs,
      cam: camMs,
      total: performance.now() - started,
    },
    inputKey: keys.input,
    key: keys.result,
  };
  return { result, cams };
}
