import { z } from 'zod';
import { method } from './contract';

/**
 * Second-opinion reads: reading packages from other workstations, the side-by-side comparison
 * (blind-first: the acting reader is the workstation's reader profile, never a renderer parameter),
 * and consensus drafts. Self-contained zod so the renderer can import it without Node modules.
 */

const answer = z.enum(['yes', 'no']);
export const compareJudgementKeys = [
  'active_inflammation',
  'asas_bme',
  'structural',
  'overall_axspa',
] as const;
const judgementKey = z.enum(compareJudgementKeys);
export const viewModes = ['reader', 'adjudicator'] as const;
const person = z.object({ id: z.string(), name: z.string(), qualification: z.string().optional() });

export const examMatchSchema = z.object({
  status: z.enum(['matched', 'series_missing', 'absent']),
  studyInstanceUid: z.string(),
  missingSeries: z.array(z.string()),
  note: z.string(),
});

export const importOutcomeSchema = z.object({
  source: z.string(),
  readingId: z.string(),
  version: z.number().int(),
  author: z.string(),
  studyInstanceUid: z.string(),
  status: z.enum(['imported', 'duplicate', 'local']),
  match: examMatchSchema.nullable(),
});
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

const readerColumnSchema = z.object({
  label: z.string(),
  readingId: z.string(),
  version: z.number().int(),
  author: person,
  signedAt: z.string().nullable(),
  origin: z.enum(['local', 'imported', 'consensus']),
  match: examMatchSchema.nullable(),
  blinded: z.boolean(),
  scores: z.object({
    sparcc: z.number().nullable(),
    sparccSlices: z.array(z.number()).nullable(),
    sss: z.number().nullable(),
    sssSlices: z.array(z.number()).nullable(),
    berlin: z.number(),
    asasPositive: z.boolean(),
    definiteActive: z.boolean(),
    definiteStructural: z.boolean(),
  }),
});

const judgementCellSchema = z.object({
  answer: answer.nullable(),
  confidence: z.number().nullable(),
  definite: z.boolean(),
  unassisted: z.object({ answer, confidence: z.number() }).nullable(),
  changedAfterModel: z.boolean(),
  verdict: z.enum(['accept', 'override']).nullable(),
});

const suggestionSchema = z.object({ answer, probability: z.number(), threshold: z.number() });

export const comparisonSchema = z.object({
  studyInstanceUid: z.string(),
  readers: z.array(readerColumnSchema),
  model: z
    .object({
      modelId: z.string(),
      modelVersion: z.string(),
      modelName: z.string(),
      clinicalUse: z.boolean(),
    })
    .nullable(),
  judgements: z.array(
    z.object({
      key: judgementKey,
      readers: z.array(judgementCellSchema),
      model: suggestionSchema.nullable(),
      readersAgree: z.boolean(),
      againstModel: z.array(z.string()),
    }),
  ),
  grid: z.array(
    z.object({
      slice: z.number().int(),
      joint: z.enum(['left', 'right']),
      quadrant: z.enum(['upper_ilium', 'lower_ilium', 'upper_sacrum', 'lower_sacrum']),
      features: z.array(z.object({ feature: z.string(), by: z.array(z.boolean()), differs: z.boolean() })),
      differs: z.boolean(),
    }),
  ),
  overrides: z.array(
    z.object({
      reader: z.string(),
      key: judgementKey,
      modelAnswer: answer,
      readerAnswer: answer,
      reasonCode: z.enum(['artifact', 'mimic', 'disagree_extent', 'other']),
      reasonText: z.string(),
    }),
  ),
  pairs: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      cellsDiffering: z.number().int(),
      judgementsDiffering: z.array(judgementKey),
    }),
  ),
  notes: z.array(z.string()),
});
export type ComparisonPayload = z.infer<typeof comparisonSchema>;

export const consensusResultSchema = z.object({
  readingId: z.string(),
  sources: z.array(
    z.object({
      origin: z.enum(['local', 'imported', 'consensus']),
      readingId: z.string(),
      version: z.number().int(),
      sha256: z.string(),
      author: person,
    }),
  ),
  undecidedJudgements: z.array(judgementKey),
  undecidedCells: z.array(
    z.object({ slice: z.number().int(), joint: z.string(), quadrant: z.string(), feature: z.string() }),
  ),
  undecidedWindows: z.array(z.enum(['sparcc', 'sss'])),
});
export type ConsensusResult = z.infer<typeof consensusResultSchema>;

const studyUid = z.string().min(1).max(64);

export const studyCompareStatusSchema = z.object({
  studyInstanceUid: z.string(),
  signedReadings: z.number().int(),
  readers: z.array(z.string()),
  mode: z.enum(viewModes).nullable(),
  blocker: z.string().nullable(),
});
export type StudyCompareStatus = z.infer<typeof studyCompareStatusSchema>;

export const methods = {
  'compare.studies': method(
    z.object({}).strict(),
    z.array(studyCompareStatusSchema),
    'Studies with signed readings: how many, by whom, and whether the local reader may compare them (blind first).',
  ),
  'compare.importPackages': method(
    z.object({ paths: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
    z.array(importOutcomeSchema),
    'Imports reading packages (JSON export of signed readings), matched to local exams by UID; absent exams are flagged.',
  ),
  'compare.open': method(
    z.object({ studyInstanceUid: studyUid, mode: z.enum(viewModes) }).strict(),
    comparisonSchema,
    'The signed readings of a study side by side; refused until the reader has signed their own (blind first).',
  ),
  'compare.createConsensus': method(
    z
      .object({
        studyInstanceUid: studyUid,
        mode: z.enum(viewModes),
        sources: z
          .array(z.object({ readingId: z.string().min(1), version: z.number().int().min(1) }).strict())
          .min(2)
          .optional(),
      })
      .strict(),
    consensusResultSchema,
    'Creates a draft consensus reading from the shown readings (majority), recording its sources.',
  ),
};

export const events = {};
