import { z } from 'zod';
import { JOINTS, LESION_TYPES, QUADRANTS } from './grid';

/** Saved readings, JSON exports and imported reading packages all carry this schema id. */
export const READING_SCHEMA = 'sij-reading/1';

export const JUDGEMENT_KEYS = ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const;
export type JudgementKey = (typeof JUDGEMENT_KEYS)[number];
/** Judgements 1-3 are the model's three tasks; 4 is the reader's alone. */
export const MODEL_TASK_KEYS = ['active_inflammation', 'asas_bme', 'structural'] as const;
export type ModelTaskKey = (typeof MODEL_TASK_KEYS)[number];

export const OVERRIDE_REASONS = ['artifact', 'mimic', 'disagree_extent', 'other'] as const;
export type OverrideReason = (typeof OVERRIDE_REASONS)[number];

const isoTime = z.iso.datetime({ offset: true });
const confidence = z.number().int().min(0).max(4);
const answer = z.enum(['yes', 'no']);

export const gridCellSchema = z.object({
  slice: z.number().int().min(0),
  joint: z.enum(JOINTS),
  quadrant: z.enum(QUADRANTS),
  lesions: z.array(z.enum(LESION_TYPES)),
  bmeIntense: z.boolean().optional(),
  bmeDeep: z.boolean().optional(),
  fatDeep: z.boolean().optional(),
  bmeExtent: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  lesionRefs: z.partialRecord(z.enum(LESION_TYPES), z.string().min(1)).optional(),
  bmeLesions: z.number().int().min(0).optional(),
});

export const personSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  qualification: z.string().optional(),
});
export type Person = z.infer<typeof personSchema>;

/** The model's output exactly as inference produced it; never edited after it is attached. */
export const modelOutputSchema = z.object({
  modelId: z.string().min(1),
  modelVersion: z.string().min(1),
  modelName: z.string(),
  /** sha256 of the classifier network file, from the manifest */
  sha256: z.string().min(1),
  clinicalUse: z.boolean(),
  disclaimer: z.string().nullable(),
  runAt: isoTime,
  tasks: z
    .array(
      z.object({
        key: z.enum(MODEL_TASK_KEYS),
        label: z.string(),
        probability: z.number().min(0).max(1),
        threshold: z.number().min(0).max(1),
      }),
    )
    .min(1),
});
export type ModelOutput = z.infer<typeof modelOutputSchema>;

export const verdictSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accept'), at: isoTime }),
  z.object({
    kind: z.literal('override'),
    answer,
    reasonCode: z.enum(OVERRIDE_REASONS),
    reasonText: z.string(),
    at: isoTime,
  }),
]);
export type Verdict = z.infer<typeof verdictSchema>;

export const judgementSchema = z.object({
  /** the reader's final answer (for an accepted suggestion: the model's answer) */
  answer: answer.nullable(),
  confidence: confidence.nullable(),
  /** blinded mode: the answer committed before the model output was revealed */
  unassisted: z.object({ answer, confidence, committedAt: isoTime }).nullable(),
  /** judgements 1-3 with a model output: the reader's verdict on the suggestion */
  verdict: verdictSchema.nullable(),
});
export type Judgement = z.infer<typeof judgementSchema>;

export const seriesRefSchema = z.object({
  seriesInstanceUid: z.string().min(1),
  description: z.string().optional(),
  sliceCount: z.number().int().min(1),
});

export const examSchema = z.object({
  studyInstanceUid: z.string().min(1),
  accessionNumber: z.string().optional(),
  studyDate: z.string().optional(),
  studyDescription: z.string().optional(),
  institution: z.string().optional(),
  patient: z.object({
    id: z.string().optional(),
    name: z.string().optional(),
    birthDate: z.string().optional(),
    sex: z.string().optional(),
  }),
  series: z.object({ t1: seriesRefSchema.nullable(), stir: seriesRefSchema.nullable() }),
  /** fingerprint of the image files when the reading was made (see imageHash.ts) */
  imageHash: z.string().nullable(),
});
export type ExamRef = z.infer<typeof examSchema>;

export const qualitySchema = z.object({
  sequences: z.object({
    t1: z.boolean(),
    stir: z.boolean(),
    t1FatSatContrast: z.boolean(),
  }),
  orientation: z.enum(['semicoronal', 'other']).nullable(),
  fatSuppressionFailure: z.boolean(),
  motion: z.boolean(),
  fieldInhomogeneity: z.boolean(),
  otherArtifact: z.string(),
});

export const clinicalContextSchema = z.object({
  age: z.number().int().min(0).max(130).nullable(),
  sex: z.enum(['female', 'male', 'other']).nullable(),
  hlaB27: z.enum(['positive', 'negative']).nullable(),
  crpMgPerL: z.number().min(0).nullable(),
  recentDeliveryDate: z.iso.date().nullable(),
  heavyPhysicalTraining: z.boolean().nullable(),
});

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

/**
 * One joint's quadrant frame as the reader left it on the views (patient LPS mm): the joint line
 * at mid-height, its unit direction towards the head, half its drawn height.
 */
export const jointAxisSchema = z.object({
  centre: vec3,
  up: vec3.refine((v) => Math.abs(Math.hypot(...v) - 1) < 1e-3, 'up must be a unit vector'),
  halfHeightMm: z.number().min(5).max(200),
});
export const jointAxesSchema = z.object({ left: jointAxisSchema, right: jointAxisSchema });
export type JointAxesRecord = z.infer<typeof jointAxesSchema>;

export const readingSchema = z.object({
  schema: z.literal(READING_SCHEMA),
  readingId: z.string().min(1),
  version: z.number().int().min(1),
  status: z.enum(['draft', 'signed']),
  amendsVersion: z.number().int().min(1).nullable(),
  amendmentReason: z.string().nullable(),
  exam: examSchema,
  author: personSchema,
  createdAt: isoTime,
  updatedAt: isoTime,
  signer: personSchema.nullable(),
  signedAt: isoTime.nullable(),
  grid: z.array(gridCellSchema),
  jointHeights: z.array(
    z.object({ slice: z.number().int().min(0), joint: z.enum(JOINTS), heightMm: z.number().min(0) }),
  ),
  sparccFirstSlice: z.number().int().min(0).nullable(),
  sssWindow: z
    .object({
      transitionalSlice: z.number().int().min(0),
      anteriorStep: z.union([z.literal(1), z.literal(-1)]),
    })
    .nullable(),
  /**
   * The quadrant frame the grid was read in, once the reader has moved a handle (absent: the
   * default estimated from the stack). Optional so that every earlier sij-reading/1 stays valid.
   */
  jointAxes: jointAxesSchema.optional(),
  judgements: z.object({
    active_inflammation: judgementSchema,
    asas_bme: judgementSchema,
    structural: judgementSchema,
    overall_axspa: judgementSchema,
  }),
  model: modelOutputSchema.nullable(),
  blinded: z.boolean(),
  modelRevealedAt: isoTime.nullable(),
  quality: qualitySchema,
  context: clinicalContextSchema,
  keyImages: z.array(
    z.object({ sequence: z.enum(['t1', 'stir']), slice: z.number().int().min(0), cam: z.boolean() }),
  ),
  comment: z.string(),
});
export type Reading = z.infer<typeof readingSchema>;

/** Parses untrusted JSON (an import, a stored row) and says what is wrong, with `source` named. */
export function parseReading(value: unknown, source: string): Reading {
  const res = readingSchema.safeParse(value);
  if (!res.success) {
    const issues = res.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${source}: not a valid ${READING_SCHEMA} reading: ${issues}`);
  }
  const problems = consistencyProblems(res.data);
  if (problems.length > 0) throw new Error(`${source}: inconsistent reading: ${problems.join('; ')}`);
  return res.data;
}

/** Rules zod's shape cannot say: cross-field agreement a hand-edited or truncated file could break. */
export function consistencyProblems(r: Reading): string[] {
  const out: string[] = [];
  if (r.status === 'signed' && (!r.signer || !r.signedAt)) out.push('signed without signer and time');
  if (r.status === 'draft' && (r.signer || r.signedAt)) out.push('draft carries a signature');
  if ((r.amendsVersion === null) !== (r.version === 1))
    out.push('only versions after 1 amend an earlier one');
  if (r.amendsVersion !== null && r.amendsVersion >= r.version) out.push('amends a later version');
  for (const key of MODEL_TASK_KEYS) {
    const j = r.judgements[key];
    if (!j.verdict) continue;
    const suggestion = suggestionFor(r.model, key);
    if (!suggestion) out.push(`${key}: verdict without a model suggestion`);
    else if (j.verdict.kind === 'accept' && j.answer !== suggestion.answer)
      out.push(`${key}: accepted but answer differs from the suggestion`);
    else if (j.verdict.kind === 'override' && j.answer !== j.verdict.answer)
      out.push(`${key}: override answer not applied`);
  }
  return out;
}

export interface Suggestion {
  answer: 'yes' | 'no';
  probability: number;
  threshold: number;
}

/** The model's suggestion for one judgement: yes when the probability reaches the model's threshold. */
export function suggestionFor(model: ModelOutput | null, key: JudgementKey): Suggestion | null {
  const task = model?.tasks.find((t) => t.key === key);
  if (!task) return null;
  return {
    answer: task.probability >= task.threshold ? 'yes' : 'no',
    probability: task.probability,
    threshold: task.threshold,
  };
}
