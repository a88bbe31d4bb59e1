import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

// The bundled crash child runs from elsewhere, so the parent hands it the path.
const migration =
  process.env.SIJ_READING_MIGRATION ??
  path.resolve(import.meta.dirname, '../../../electron/store/migrations/0100-reading.sql');

/** A WAL database with the reading migration applied, as the store opens it. */
export function openReadingDb(file?: string): Database.Database {
  const target = file ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'sij-reading-')), 'store.db');
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(readFileSync(migration, 'utf8'));
  return db;
}
