import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const MIGRATIONS = path.resolve(import.meta.dirname, '../store/migrations');

/**
 * Opens (or creates) the workstation store with every migration in electron/store/migrations
 * applied in name order, WAL mode, as the store does. Migrations are idempotent (IF NOT EXISTS).
 */
export function openStore(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  for (const name of readdirSync(MIGRATIONS)
    .filter((n) => n.endsWith('.sql'))
    .sort())
    db.exec(readFileSync(path.join(MIGRATIONS, name), 'utf8'));
  return db;
}
