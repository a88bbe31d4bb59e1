import { z } from 'zod';
import { SEQUENCE_KEYS, type ModelManifest, type SequenceKey, type TaskKey } from './manifest';

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
