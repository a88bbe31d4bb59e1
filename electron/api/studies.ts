import { z } from 'zod';
import { method } from './contract';

export const sequenceRoles = ['t1', 'stir', 't1_fs_contrast', 'other'] as const;
export type SequenceRole = (typeof sequenceRoles)[number];

export const modelStatuses = ['not_run', 'queued', 'running', 'done', 'failed'] as const;
export const readingStatuses = ['unread', 'draft', 'signed'] as const;

export const stackSummarySchema = z.object({
  /** Stable within a study: `<seriesInstanceUid>#<stackIndex>`. */
  stackId: z.string(),
  seriesInstanceUid: z.string(),
  description: z.string(),
  role: z.enum(sequenceRoles),
  roleConfidence: z.number().min(0).max(1),
  orientation: z.string(),
  semicoronal: z.boolean(),
  tiltDegrees: z.number().nullable(),
  rows: z.number().int(),
  columns: z.number().int(),
  slices: z.number().int(),
  spacing: z.tuple([z.number(), z.number(), z.number()]),
  problems: z.array(z.string()),
});
export type StackSummary = z.infer<typeof stackSummarySchema>;

export const studySummarySchema = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  description: z.string(),
  stacks: z.array(stackSummarySchema),
  modelStatus: z.enum(modelStatuses),
  readingStatus: z.enum(readingStatuses),
  /** Problems a reader must know before trusting the exam (missing STIR, skipped files...). */
  problems: z.array(z.string()),
  source: z.string(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

const skippedFileSchema = z.object({ path: z.string(), reason: z.string() });

export const importReportSchema = z.object({
  studies: z.array(z.string()),
  filesRead: z.number().int(),
  skipped: z.array(skippedFileSchema),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const methods = {
  'studies.list': method(z.object({}).strict(), z.array(studySummarySchema), 'All studies in the index.'),
  'studies.get': method(
    z.object({ studyInstanceUid: z.string().min(1) }).strict(),
    studySummarySchema,
    'One study with its stacks and problems.',
  ),
  'studies.import': method(
    z.object({ paths: z.array(z.string().min(1)).min(1).max(1000) }).strict(),
    importReportSchema,
    'Scans files/folders, indexes what is readable and reports every skipped file.',
  ),
};

export const events = {
  'studies.importProgress': z.object({
    phase: z.enum(['scanning', 'indexing', 'done']),
    filesDone: z.number().int(),
    filesTotal: z.number().int().nullable(),
    currentPath: z.string().nullable(),
  }),
  'studies.changed': z.object({ studyInstanceUid: z.string() }),
};
