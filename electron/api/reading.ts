import { z } from 'zod';
import { method } from './contract';
import {
  MODEL_TASK_KEYS,
  JUDGEMENT_KEYS,
  OVERRIDE_REASONS,
  gridCellSchema,
  readingSchema,
  jointAxesSchema,
  readingSettingsSchema,
} from '../reading/pure';

/**
 * The structured reading (owner: electron/reading). The acting reader is the workstation's reader
 * profile, never a renderer parameter. Every mutating call is an autosave: it returns the saved
 * state, or an error and nothing saved. In blinded mode `reading.model` stays null until revealed.
 */

export const readingStateSchema = z.object({
  reading: readingSchema,
  signBlockers: z.array(z.string()),
  /** set when the exam's image files differ from those the reading was made on */
  imageWarning: z.string().nullable(),
  versions: z.array(z.object({ version: z.number().int(), state: z.enum(['draft', 'signed', 'amended']) })),
});
export type ReadingState = z.infer<typeof readingStateSchema>;

const id = z.object({ readingId: z.string().min(1) });

/** The reading's free-standing fields, as the schema defines them; the comment is bounded on input. */
export const readingPatchSchema = readingSchema
  .pick({
    jointHeights: true,
    sparccFirstSlice: true,
    sssWindow: true,
    quality: true,
    context: true,
    keyImages: true,
  })
  .extend({ jointAxes: jointAxesSchema, comment: z.string().max(10_000) })
  .partial()
  .strict();

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  version: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }),
  action: z.string(),
  path: z.string(),
  from: z.unknown(),
  to: z.unknown(),
});

export const methods = {
  'reading.open': method(
    z.object({ studyInstanceUid: z.string().min(1), blinded: z.boolean().optional() }).strict(),
    readingStateSchema,
    "The study's newest reading; a new draft (pre-filled from a cached model result) when there is none, blinded as asked or else as the reader's settings say.",
  ),
  'reading.find': method(
    z.object({ studyInstanceUid: z.string().min(1) }).strict(),
    readingStateSchema.nullable(),
    "The study's newest reading, or null; never creates one (the form asks how to start it first).",
  ),
  'reading.settings': method(
    z.object({}).strict(),
    readingSettingsSchema,
    "The local reader's reading settings.",
  ),
  'reading.updateSettings': method(
    readingSettingsSchema.partial().strict(),
    readingSettingsSchema,
    "Changes the local reader's reading settings (stored in their profile folder).",
  ),
  'reading.get': method(
    id.extend({ version: z.number().int().min(1).optional() }).strict(),
    readingStateSchema,
    'One version.',
  ),
  'reading.setCell': method(
    id.extend({ cell: gridCellSchema }).strict(),
    readingStateSchema,
    'Replaces one grid cell.',
  ),
  'reading.setJudgement': method(
    id
      .extend({
        key: z.enum(JUDGEMENT_KEYS),
        answer: z.enum(['yes', 'no']).nullable().optional(),
        confidence: z.number().int().min(0).max(4).nullable().optional(),
      })
      .strict(),
    readingStateSchema,
    "Sets the reader's answer and/or confidence.",
  ),
  'reading.accept': method(
    id.extend({ key: z.enum(MODEL_TASK_KEYS) }).strict(),
    readingStateSchema,
    'Accepts a model suggestion.',
  ),
  'reading.override': method(
    id
      .extend({
        key: z.enum(MODEL_TASK_KEYS),
        answer: z.enum(['yes', 'no']),
        reasonCode: z.enum(OVERRIDE_REASONS),
        reasonText: z.string().max(2000),
      })
      .strict(),
    readingStateSchema,
    'Overrides a model suggestion with an answer and a reason.',
  ),
  'reading.reveal': method(
    id.strict(),
    readingStateSchema,
    'Blinded mode: commits the unassisted answers and shows the model.',
  ),
  'reading.patch': method(
    id.extend({ patch: readingPatchSchema }).strict(),
    readingStateSchema,
    'Windows, quadrant frame (joint axes), quality, context, key images, comment.',
  ),
  'reading.sign': method(id.strict(), readingStateSchema, 'Signs the draft as the local reader.'),
  'reading.amend': method(
    id.extend({ reason: z.string().min(1).max(2000) }).strict(),
    readingStateSchema,
    'Starts version n+1 of a signed reading.',
  ),
  'reading.audit': method(id.strict(), z.array(auditEntrySchema), 'The append-only audit trail.'),
};

export const events = {
  'reading.changed': z.object({
    readingId: z.string(),
    version: z.number().int(),
    studyInstanceUid: z.string(),
  }),
};
