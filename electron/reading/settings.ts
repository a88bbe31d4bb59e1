import { z } from 'zod';

/**
 * The reader's reading preferences (browser-safe schema). `blindedByDefault`: new readings start
 * blinded (no model output until the reader has committed their own answers) unless the reader
 * chooses otherwise when starting one.
 */
export const readingSettingsSchema = z.object({ blindedByDefault: z.boolean() }).strict();
export type ReadingSettings = z.infer<typeof readingSettingsSchema>;

export const DEFAULT_READING_SETTINGS: ReadingSettings = { blindedByDefault: false };
