import { z } from 'zod';
import { parseReading, type Reading } from '../schema';
import { scoreSummary, scoreSummarySchema, type ScoreSummary } from './scoreSummary';

export const READING_EXPORT_SCHEMA = 'sij-reading-export/1';

const exportEnvelopeSchema = z.object({
  schema: z.literal(READING_EXPORT_SCHEMA),
  exportedAt: z.iso.datetime({ offset: true }),
  software: z.object({ name: z.string(), version: z.string() }),
  deidentified: z.boolean(),
  reading: z.unknown(),
  scores: scoreSummarySchema,
});

export interface ReadingExport {
  schema: typeof READING_EXPORT_SCHEMA;
  exportedAt: string;
  software: { name: string; version: string };
  deidentified: boolean;
  reading: Reading;
  scores: ScoreSummary;
}

export function exportReadingJson(
  reading: Reading,
  opts: { exportedAt: string; softwareVersion: string; deidentified: boolean },
): ReadingExport {
  return {
    schema: READING_EXPORT_SCHEMA,
    exportedAt: opts.exportedAt,
    software: { name: 'SIJ Reader', version: opts.softwareVersion },
    deidentified: opts.deidentified,
    reading,
    scores: scoreSummary(reading),
  };
}

/**
 * Reads an exported reading: validates the envelope and the reading, and recomputes the scores
 * from the grid; a file whose stated scores disagree with its grid is refused.
 */
export function importReadingJson(text: string, source: string): ReadingExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  const env = exportEnvelopeSchema.safeParse(raw);
  if (!env.success) {
    const i = env.error.issues[0];
    throw new Error(
      `${source}: not a ${READING_EXPORT_SCHEMA} file: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
  }
  const reading = parseReading(env.data.reading, source);
  const recomputed = scoreSummary(reading);
  if (JSON.stringify(recomputed) !== JSON.stringify(env.data.scores)) {
    throw new Error(`${source}: the scores in the file do not match its lesion grid (edited by hand?)`);
  }
  return { ...env.data, schema: READING_EXPORT_SCHEMA, reading, scores: recomputed };
}
