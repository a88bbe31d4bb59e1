import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_READING_SETTINGS, readingSettingsSchema, type ReadingSettings } from './settings';

/** Beside reader.json: the same local user's profile folder. */
export const READING_SETTINGS_FILE = 'reading-settings.json';

/**
 * The reader's settings, or the defaults when the file does not exist. A damaged file is an error
 * naming it: falling back silently could start a reading unblinded that the reader meant blinded.
 */
export function loadReadingSettings(dataDir: string): ReadingSettings {
  const file = path.join(dataDir, READING_SETTINGS_FILE);
  if (!existsSync(file)) return { ...DEFAULT_READING_SETTINGS };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message}); fix or delete it`);
  }
  const res = readingSettingsSchema.safeParse(raw);
  if (!res.success) {
    const i = res.error.issues[0];
    throw new Error(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}; fix or delete it`);
  }
  return res.data;
}

/** Merges a change into the stored settings; written whole to a temporary file, then renamed. */
export function saveReadingSettings(dataDir: string, change: Partial<ReadingSettings>): ReadingSettings {
  const next = readingSettingsSchema.parse({ ...loadReadingSettings(dataDir), ...change });
  const file = path.join(dataDir, READING_SETTINGS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n');
  renameSync(tmp, file);
  return next;
}
