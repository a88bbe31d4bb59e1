import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { Affine } from '../imaging';
import type { SequenceKey, TaskKey } from './manifest';
import type { CamMap, ModelOutput, ModelResult } from './result';

/** Where finished results are kept, keyed by exact input stacks + model (ModelResult.key). */
export interface ResultCache {
  get(key: string): ModelOutput | undefined;
  /** Stores a complete output atomically (all or nothing). */
  put(output: ModelOutput): void;
}

/** The cache's tables; the store applies it with the other migrations in electron/store/migrations. */
export const INFERENCE_MIGRATION = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../store/migrations/0500-inference.sql',
);

/** For a database the store did not migrate (tests, the CLI's own cache file). */
export function applyInferenceMigration(db: Database.Database): void {
  db.exec(readFileSync(INFERENCE_MIGRATION, 'utf8'));
}

interface ResultRow {
  result: string;
  cam_count: number;
}
interface CamRow {
  task: string;
  sequence: string;
  dims: string;
  affine: string;
  data: Buffer;
}

export class SqliteResultCache implements ResultCache {
  constructor(private readonly db: Database.Database) {}

  get(key: string): ModelOutput | undefined {
    const row = this.db
      .prepare('SELECT result, cam_count FROM inference_results WHERE cache_key = ?')
      .get(key) as ResultRow | undefined;
    if (!row) return undefined;
    const rows = this.db
      .prepare(
        'SELECT task, sequence, dims, affine, data FROM inference_cams WHERE cache_key = ? ORDER BY rowid',
      )
      .all(key) as CamRow[];
    // A row set that does not add up is treated as absent rather than shown half.
    if (rows.length !== row.cam_count) return undefined;
    const cams: CamMap[] = rows.map((r) => {
      const dims = JSON.parse(r.dims) as [number, number, number];
      const affine = JSON.parse(r.affine) as Affine;
      const data = new Float32Array(
        r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength),
      );
      const spacing = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c])) as [
        number,
        number,
        number,
      ];
      return {
        task: r.task as TaskKey,
        sequence: r.sequence as SequenceKey,
        volume: { dims, spacing, affine, data },
      };
    });
    return { result: JSON.parse(row.result) as ModelResult, cams };
  }

  put(output: ModelOutput): void {
    const { result, cams } = output;
    const insert = this.db.transaction(() => {
      this.db.prepare('DELETE FROM inference_results WHERE cache_key = ?').run(result.key);
      this.db.prepare('DELETE FROM inference_cams WHERE cache_key = ?').run(result.key);
      this.db
        .prepare(
          'INSERT INTO inference_results (cache_key, input_key, model_sha256, study_instance_uid, result, cam_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          result.key,
          result.inputKey,
          result.model.sha256,
          result.studyInstanceUid,
          JSON.stringify(result),
          cams.length,
          new Date().toISOString(),
        );
      const cam = this.db.prepare(
        'INSERT INTO inference_cams (cache_key, task, sequence, dims, affine, data) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const c of cams) {
        const d = c.volume.data;
        cam.run(
          result.key,
          c.task,
          c.sequence,
          JSON.stringify(c.volume.dims),
          JSON.stringify(c.volume.affine),
          Buffer.from(d.buffer, d.byteOffset, d.byteLength),
        );
      }
    });
    insert();
  }

  /** Number of cached results (for tests and the status line). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM inference_results').get() as { n: number }).n;
  }
}
