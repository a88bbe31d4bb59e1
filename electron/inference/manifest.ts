import { z } from 'zod';

/** The three tasks, in the order of the classifier's probabilities output. */
export const TASK_KEYS = ['active_inflammation', 'asas_bme', 'structural'] as const;
export type TaskKey = (typeof TASK_KEYS)[number];

export const SEQUENCE_KEYS = ['t1', 'stir'] as const;
export type SequenceKey = (typeof SEQUENCE_KEYS)[number];

/**
 * What a task's heat map on a sequence shows: the classifier's Grad-CAM (relative units), or a detector's
 * probability that the voxel holds a lesion (0 to 1). A manifest that says nothing means Grad-CAM.
 */
export const HEATMAP_KINDS = ['grad-cam', 'lesion-probability'] as const;
export type HeatmapKind = (typeof HEATMAP_KINDS)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');
/** A file inside the model folder: relative, no way out of the folder. */
const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !/^[a-zA-Z]:/.test(p), {
    message: 'must be a path inside the model folder',
  });
const positiveInt = z.number().int().positive();
const positive = z.number().positive();
const fraction = z.number().min(0).max(1);

const gridSchema = z.object({
  size: z.tuple([positiveInt, positiveInt, positiveInt]),
  spacing: z.tuple([positive, positive, positive]),
});

const operatingPointSchema = z.object({
  sensitivity: fraction.optional(),
  specificity: fraction.optional(),
  set: z.string().optional(),
});

const featureStatsSchema = z.object({ mean: z.number(), std: z.number().nonnegative() });

const denoiserSchema = z.object({
  file: relativeFile,
  sha256,
  input: z.string().min(1),
  output: z.string().min(1),
});

export const manifestSchema = z.object({
  schema: z.literal('sij-model-manifest/1'),
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - only'),
  version: z.string().min(1),
  created: z.string().min(1),
  name: z.string().min(1),
  intendedUse: z.string().min(1),
  clinicalUse: z.boolean(),
  disclaimer: z.string().min(1),
  trainingData: z
    .object({
      description: z.string(),
      trainSites: z.array(z.string()).optional(),
      validationSites: z.array(z.string()).optional(),
      unseenSite: z.string().optional(),
      exams: z.number().int().nonnegative().optional(),
    })
    .loose(),
  inputs: z.object({
    sequences: z.object({
      t1: z.object({ required: z.boolean() }),
      stir: z.object({ required: z.boolean() }),
    }),
    orientation: z.object({
      expected: z.literal('semicoronal'),
      onMismatch: z.enum(['warn', 'refuse']),
    }),
    minSlices: positiveInt,
    grid: gridSchema,
    normalisation: z.object({ type: z.literal('zscore') }),
  }),
  networks: z.object({
    denoiseT1: denoiserSchema,
    denoiseStir: denoiserSchema,
    classifier: z.object({
      file: relativeFile,
      sha256,
      inputs: z.object({ t1: z.string().min(1), stir: z.string().min(1) }),
      outputs: z.object({ probabilities: z.string().min(1), cam: z.string().min(1) }),
      camLayout: z.tuple([
        z.literal('task'),
        z.literal('sequence'),
        z.literal('z'),
        z.literal('y'),
        z.literal('x'),
      ]),
    }),
  }),
  tasks: z
    .array(
      z.object({
        key: z.enum(TASK_KEYS),
        label: z.string().min(1),
        threshold: fraction,
        operatingPoint: operatingPointSchema,
        heatmaps: z
          .object({ t1: z.enum(HEATMAP_KINDS).optional(), stir: z.enum(HEATMAP_KINDS).optional() })
          .optional(),
      }),
    )
    .length(3)
    .refine((tasks) => tasks.every((t, n) => t.key === TASK_KEYS[n]), {
      message: `must list ${TASK_KEYS.join(', ')} in this order (the classifier's output order)`,
    }),
  qualityReference: z
    .object({
      t1: z.object({ features: z.record(z.string(), featureStatsSchema) }).optional(),
      stir: z.object({ features: z.record(z.string(), featureStatsSchema) }).optional(),
      exam: z.object({ features: z.record(z.string(), featureStatsSchema) }).optional(),
    })
    .optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.object({ path: relativeFile, sha256 })).default([]),
});

export type ModelManifest = z.infer<typeof manifestSchema>;

/** A manifest that does not match the schema, with every problem listed by JSON path. */
export class ManifestError extends Error {}

export function parseManifest(json: unknown, source: string): ModelManifest {
  const result = manifestSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ManifestError(`${source}: not a valid sij-model-manifest/1: ${problems.join('; ')}`);
}
