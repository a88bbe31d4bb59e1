import { z } from 'zod';
import {
  SEQUENCE_KEYS,
  TASK_KEYS,
  type HeatmapKind,
  type ModelManifest,
  type SequenceKey,
  type TaskKey,
} from './manifest';
import type { InstalledModel } from './model-store';
import type { ModelResult } from './result';

/** How often a task's Grad-CAM maximum lay on a true lesion in the model's own test (the pointing game). */
export interface HeatmapOnLesion {
  sequence: SequenceKey;
  hits: number;
  exams: number;
}

const pointingGameSchema = z.object({
  sequence: z.enum(SEQUENCE_KEYS),
  positiveExamsWithMask: z.number().int().positive(),
  hits: z.number().int().nonnegative(),
});

/**
 * The manifest's `metrics.pointingGame[task]` (written by the training code's evaluation), or undefined
 * where the model was not checked this way. Metrics are free-form in the manifest schema, so a block
 * that does not have this shape counts as not checked rather than refusing the model.
 */
export function heatmapOnLesion(manifest: ModelManifest, task: TaskKey): HeatmapOnLesion | undefined {
  const games = manifest.metrics?.pointingGame;
  if (typeof games !== 'object' || games === null) return undefined;
  const parsed = pointingGameSchema.safeParse((games as Record<string, unknown>)[task]);
  if (!parsed.success || parsed.data.hits > parsed.data.positiveExamsWithMask) return undefined;
  return { sequence: parsed.data.sequence, hits: parsed.data.hits, exams: parsed.data.positiveExamsWithMask };
}

export type HeatmapKinds = Record<SequenceKey, HeatmapKind>;

/** What the task's map shows on each sequence (manifest `tasks[].heatmaps`; Grad-CAM where it is silent). */
export function heatmapKinds(manifest: ModelManifest, task: TaskKey): HeatmapKinds {
  const stated = manifest.tasks.find((t) => t.key === task)?.heatmaps;
  return { t1: stated?.t1 ?? 'grad-cam', stir: stated?.stir ?? 'grad-cam' };
}

/**
 * A result cached before results carried `heatmapOnLesion` and `heatmaps`, completed from the manifest of
 * the model it was computed with (the cache key includes that model's hash).
 */
export function withHeatmapEvidence(result: ModelResult, manifest: ModelManifest): ModelResult {
  const tasks = { ...result.tasks };
  for (const key of TASK_KEYS)
    tasks[key] = {
      ...tasks[key],
      heatmapOnLesion: tasks[key].heatmapOnLesion ?? heatmapOnLesion(manifest, key),
      heatmaps: tasks[key].heatmaps ?? heatmapKinds(manifest, key),
    };
  return { ...result, tasks };
}

/**
 * The same completion where only the installed models are at hand (a report made from the store): the
 * model is the one whose manifest hash the result records; a result of a model no longer installed stays
 * as it is (its maps then read "not checked").
 */
export function withInstalledHeatmapEvidence(result: ModelResult, installed: InstalledModel[]): ModelResult {
  const own = installed.find((m) => m.sha256 === result.model.sha256);
  return own ? withHeatmapEvidence(result, own.manifest) : result;
}
