import { z } from 'zod';
import { float32ArraySchema, method, volumeGeometrySchema } from './contract';

export const taskKeys = ['active_inflammation', 'asas_bme', 'structural'] as const;
export type TaskKey = (typeof taskKeys)[number];
export const camSequences = ['t1', 'stir'] as const;
export type CamSequence = (typeof camSequences)[number];
export const heatmapKinds = ['grad-cam', 'lesion-probability'] as const;
export type HeatmapKind = (typeof heatmapKinds)[number];
const heatmapKindsSchema = z.object({ t1: z.enum(heatmapKinds), stir: z.enum(heatmapKinds) });
export type HeatmapKinds = z.infer<typeof heatmapKindsSchema>;

const operatingPointSchema = z.object({
  sensitivity: z.number().min(0).max(1).optional(),
  specificity: z.number().min(0).max(1).optional(),
  set: z.string().optional(),
});

/** How often a task's heat-map maximum lay on a true lesion in the model's test set; absent: not checked. */
const heatmapOnLesionSchema = z.object({
  sequence: z.enum(camSequences),
  hits: z.number().int().nonnegative(),
  exams: z.number().int().positive(),
});
export type HeatmapOnLesion = z.infer<typeof heatmapOnLesionSchema>;

/**
 * What the model's own test says about a task's heat map, for the reading panel and report captions.
 * Below half, the reader is told plainly that the map does not locate the finding.
 */
export function heatmapNote(h: HeatmapOnLesion | undefined): string {
  if (!h) return 'This heat map was not checked against true lesions for this model.';
  const where = `${h.hits} of ${h.exams} positive test exams (${h.sequence.toUpperCase()})`;
  if (h.hits / h.exams < 0.5)
    return `Map maximum on a lesion in only ${where}: this map does not show where the finding is.`;
  return `Map maximum on a lesion in ${where}.`;
}

/** A heat map's name in captions: what its values mean. */
export function heatmapName(kind: HeatmapKind | undefined): string {
  return kind === 'lesion-probability' ? 'lesion probability (0 to 1)' : 'Grad-CAM (relative units)';
}

/** The colour bar's legend for a task's maps on the sequences shown; absent kinds (older results) are Grad-CAM. */
export function heatmapLegend(kinds: HeatmapKinds | undefined, shown: readonly CamSequence[]): string {
  const names = shown.map((s) => heatmapName(kinds?.[s]));
  if (heatmapScalesAgree(kinds, shown)) return names[0] ?? heatmapName(undefined);
  return shown.map((s, n) => `${s.toUpperCase()}: ${names[n]}`).join('; ');
}

/** Whether the maps shown share one scale, so that one set of colour-bar ticks is true for all of them. */
export function heatmapScalesAgree(kinds: HeatmapKinds | undefined, shown: readonly CamSequence[]): boolean {
  return shown.every((s) => (kinds?.[s] ?? 'grad-cam') === (kinds?.[shown[0]] ?? 'grad-cam'));
}

/**
 * The fixed top of a map's colour scale, or undefined where the scale runs to the map's own maximum. Grad-CAM
 * has no unit, so its own maximum; a lesion probability is drawn on its absolute 0-1 scale, so that a map that
 * is faint everywhere stays faint.
 */
export function heatmapScaleTop(kind: HeatmapKind | undefined): number | undefined {
  return kind === 'lesion-probability' ? 1 : undefined;
}

export const taskResultSchema = z.object({
  key: z.enum(taskKeys),
  label: z.string(),
  probability: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  positive: z.boolean(),
  operatingPoint: operatingPointSchema,
  heatmapOnLesion: heatmapOnLesionSchema.optional(),
  /** what the task's map shows on each sequence; absent: Grad-CAM on both */
  heatmaps: heatmapKindsSchema.optional(),
});
export type TaskResult = z.infer<typeof taskResultSchema>;

export const modelInfoSchema = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string(),
  name: z.string(),
  clinicalUse: z.boolean(),
  disclaimer: z.string(),
});

export const inferenceResultSchema = z.object({
  studyInstanceUid: z.string(),
  model: modelInfoSchema,
  provider: z.string(),
  tasks: z.array(taskResultSchema),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  timingsMs: z.record(z.string(), z.number()),
  /** Which stacks were read as T1 and STIR: the CAMs live in these stacks' patient space. */
  stacks: z.object({ t1: z.string(), stir: z.string() }),
  completedAt: z.string(),
});
export type InferenceResult = z.infer<typeof inferenceResultSchema>;

export const camSchema = volumeGeometrySchema.extend({
  task: z.enum(taskKeys),
  sequence: z.enum(camSequences),
  data: float32ArraySchema,
  /** Largest value in the map; the colour bar runs 0..max. */
  max: z.number().nonnegative(),
});
export type CamPayload = z.infer<typeof camSchema>;

const studyParams = z.object({ studyInstanceUid: z.string().min(1) }).strict();

export const methods = {
  'inference.status': method(
    z.object({}).strict(),
    z.object({
      available: z.boolean(),
      /** Why the model cannot run, written for the user, when it is unavailable. */
      reason: z.string().nullable(),
      model: modelInfoSchema.nullable(),
    }),
    'Whether a model is installed and usable.',
  ),
  'inference.run': method(studyParams, inferenceResultSchema, 'Runs (or returns the cached) model result.'),
  'inference.result': method(studyParams, inferenceResultSchema.nullable(), 'The cached result, if any.'),
  'inference.cam': method(
    studyParams.extend({ task: z.enum(taskKeys), sequence: z.enum(camSequences) }).strict(),
    camSchema,
    "One heat map (Grad-CAM or a detector's lesion probability) in the patient space of the stack it was computed for.",
  ),
};

export const events = {
  'inference.progress': z.object({
    studyInstanceUid: z.string(),
    stage: z.string(),
    fraction: z.number().min(0).max(1),
  }),
};
