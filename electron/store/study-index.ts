import { statSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  listFiles,
  scanPaths,
  type DicomSeries,
  type DicomStack,
  type DicomStudy,
  type ScanResult,
} from '../dicom';

export interface FileChanges {
  added: string[];
  removed: string[];
  modified: string[];
}

export interface OpenedFolder {
  scan: ScanResult;
  /** true when nothing changed on disk and the result came from the index without parsing */
  fromIndex: boolean;
  changes: FileChanges;
}

interface FileRow {
  path: string;
  size: number;
  mtime_ms: number;
  status: 'image' | 'skipped' | 'directory';
  reason: string | null;
}

/** Size and modification time, or size -1 for a path that is not there (a missing reference). */
function fingerprint(p: string): { size: number; mtimeMs: number } {
  try {
    const s = statSync(p);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return { size: -1, mtimeMs: 0 };
  }
}

function changesSinceIndexed(db: Database.Database, root: string): FileChanges | undefined {
  const known = db.prepare('SELECT 1 FROM index_roots WHERE root = ?').get(root);
  if (!known) return undefined;
  const rows = db
    .prepare('SELECT path, size, mtime_ms FROM indexed_files WHERE root = ?')
    .all(root) as FileRow[];
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const changes: FileChanges = { added: [], removed: [], modified: [] };
  for (const r of rows) {
    const now = fingerprint(r.path);
    if (now.size === r.size && (now.size === -1 || now.mtimeMs === r.mtime_ms)) continue;
    if (now.size === -1) changes.removed.push(r.path);
    else changes.modified.push(r.path);
  }
  for (const file of listFiles([root]).files) if (!byPath.has(file)) changes.added.push(file);
  return changes;
}

function isUnchanged(c: FileChanges): boolean {
  return c.added.length === 0 && c.removed.length === 0 && c.modified.length === 0;
}

function writeScan(db: Database.Database, roots: string[], scan: ScanResult): void {
  const now = new Date().toISOString();
  const imageSeries = new Map<string, string>();
  for (const study of scan.studies) {
    for (const series of study.series) {
      for (const stack of series.stacks)
        for (const s of stack.slices) imageSeries.set(s.path, series.seriesInstanceUid);
    }
  }
  const skipped = new Map(scan.files.skipped.map((s) => [s.path, s.reason]));
  const rootOf = (file: string): string =>
    roots.find((r) => file === r || file.startsWith(r + path.sep)) ??
    roots.find((r) => file.startsWith(path.dirname(r))) ??
    roots[0];

  const upsertPatient = db.prepare(
    'INSERT INTO patients (patient_id, patient_name) VALUES (?, ?) ON CONFLICT (patient_id, patient_name) DO UPDATE SET patient_id = excluded.patient_id RETURNING patient_key',
  );
  const upsertStudy = db.prepare(
    `INSERT INTO studies (study_instance_uid, patient_key, study_date, description) VALUES (?, ?, ?, ?)
     ON CONFLICT (study_instance_uid) DO UPDATE SET patient_key = excluded.patient_key, study_date = excluded.study_date, description = excluded.description`,
  );
  const upsertSeries = db.prepare(
    `INSERT INTO series (series_instance_uid, study_instance_uid, series_number, description, modality, sop_class_uid) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (series_instance_uid) DO UPDATE SET study_instance_uid = excluded.study_instance_uid, series_number = excluded.series_number,
       description = excluded.description, modality = excluded.modality, sop_class_uid = excluded.sop_class_uid`,
  );
  const deleteStacks = db.prepare('DELETE FROM stacks WHERE series_instance_uid = ?');
  const insertStack = db.prepare(
    `INSERT INTO stacks (series_instance_uid, stack_index, rows, columns, slices, orientation, semicoronal, tilt_degrees, role, role_confidence, problems, stack)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertRoot = db.prepare(
    'INSERT INTO index_roots (root, indexed_at) VALUES (?, ?) ON CONFLICT (root) DO UPDATE SET indexed_at = excluded.indexed_at',
  );
  const deleteFiles = db.prepare('DELETE FROM indexed_files WHERE root = ?');
  const insertFile = db.prepare(
    `INSERT OR REPLACE INTO indexed_files (path, root, size, mtime_ms, status, reason, series_instance_uid) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  db.transaction(() => {
    for (const root of roots) {
      upsertRoot.run(root, now);
      deleteFiles.run(root);
    }
    for (const study of scan.studies) {
      const { patient_key } = upsertPatient.get(study.patientId, study.patientName) as {
        patient_key: number;
      };
      upsertStudy.run(study.studyInstanceUid, patient_key, study.studyDate, study.description);
      for (const series of study.series) {
        upsertSeries.run(
          series.seriesInstanceUid,
          study.studyInstanceUid,
          series.seriesNumber ?? null,
          series.description,
          series.modality,
          series.sopClassUid,
        );
        deleteStacks.run(series.seriesInstanceUid);
        for (const st of series.stacks) {
          insertStack.run(
            series.seriesInstanceUid,
            st.index,
            st.rows,
            st.columns,
            st.slices.length,
            st.orientation,
            st.semicoronal ? 1 : 0,
            st.tiltDegrees,
            st.role.role,
            st.role.confidence,
            JSON.stringify(st.problems),
            JSON.stringify(st),
          );
        }
      }
    }
    const files = new Set([...listFiles(roots).files, ...imageSeries.keys(), ...skipped.keys()]);
    for (const file of files) {
      const fp = fingerprint(file);
      const series = imageSeries.get(file);
      const status = series ? 'image' : skipped.has(file) ? 'skipped' : 'directory';
      insertFile.run(
        file,
        rootOf(file),
        fp.size,
        fp.mtimeMs,
        status,
        skipped.get(file) ?? null,
        series ?? null,
      );
    }
  })();
}

interface SeriesRow {
  series_instance_uid: string;
  study_instance_uid: string;
  series_number: number | null;
  description: string;
  modality: string;
  sop_class_uid: string;
}

/** Rebuilds what a scan of `roots` found, from the index alone (no file is opened). */
export function indexedScan(db: Database.Database, roots: string[]): ScanResult {
  const abs = roots.map((r) => path.resolve(r));
  const marks = abs.map(() => '?').join(',');
  const files = db
    .prepare(`SELECT path, status, reason FROM indexed_files WHERE root IN (${marks}) ORDER BY path`)
    .all(...abs) as FileRow[];
  const seriesRows = db
    .prepare(
      `SELECT * FROM series WHERE series_instance_uid IN
         (SELECT DISTINCT series_instance_uid FROM indexed_files WHERE root IN (${marks}) AND status = 'image')
       ORDER BY COALESCE(series_number, 1e18), series_instance_uid`,
    )
    .all(...abs) as SeriesRow[];
  const stackStmt = db.prepare('SELECT stack FROM stacks WHERE series_instance_uid = ? ORDER BY stack_index');
  const studyStmt = db.prepare(
    `SELECT s.study_instance_uid, s.study_date, s.description, p.patient_id, p.patient_name
     FROM studies s JOIN patients p USING (patient_key) WHERE s.study_instance_uid = ?`,
  );
  const studies = new Map<string, DicomStudy>();
  for (const row of seriesRows) {
    let study = studies.get(row.study_instance_uid);
    if (!study) {
      const s = studyStmt.get(row.study_instance_uid) as Record<string, string>;
      study = {
        studyInstanceUid: s.study_instance_uid,
        patientId: s.patient_id,
        patientName: s.patient_name,
        studyDate: s.study_date,
        description: s.description,
        series: [],
      };
      studies.set(row.study_instance_uid, study);
    }
    const series: DicomSeries = {
      seriesInstanceUid: row.series_instance_uid,
      seriesNumber: row.series_number ?? undefined,
      description: row.description,
      modality: row.modality,
      sopClassUid: row.sop_class_uid,
      stacks: (stackStmt.all(row.series_instance_uid) as { stack: string }[]).map(
        (r) => JSON.parse(r.stack) as DicomStack,
      ),
    };
    study.series.push(series);
  }
  return {
    studies: [...studies.values()].sort(
      (a, b) => a.patientId.localeCompare(b.patientId) || a.studyDate.localeCompare(b.studyDate),
    ),
    files: {
      read: files.filter((f) => f.status !== 'skipped').length,
      skipped: files
        .filter((f) => f.status === 'skipped')
        .map((f) => ({ path: f.path, reason: f.reason ?? '' })),
    },
  };
}

/**
 * Opens folders through the index: when no file under them was added, removed or modified
 * since they were indexed, the studies come from the database without parsing anything;
 * otherwise the folders are scanned again and the index replaced. `changes` says what moved.
 */
export function openFolders(
  db: Database.Database,
  paths: string[],
  options: { rescan?: boolean; onFile?: Parameters<typeof scanPaths>[1] } = {},
): OpenedFolder {
  const roots = paths.map((p) => path.resolve(p));
  const changes: FileChanges = { added: [], removed: [], modified: [] };
  let allKnown = true;
  for (const root of roots) {
    const c = changesSinceIndexed(db, root);
    if (!c) {
      allKnown = false;
      continue;
    }
    changes.added.push(...c.added);
    changes.removed.push(...c.removed);
    changes.modified.push(...c.modified);
  }
  if (allKnown && isUnchanged(changes) && !options.rescan) {
    return { scan: indexedScan(db, roots), fromIndex: true, changes };
  }
  const scan = scanPaths(roots, options.onFile);
  writeScan(db, roots, scan);
  return { scan, fromIndex: false, changes };
}

/** Image files of a study that are gone or changed since indexing (moved, deleted, rewritten). */
export function studyFileProblems(
  db: Database.Database,
  studyInstanceUid: string,
): { path: string; problem: string }[] {
  const rows = db
    .prepare(
      `SELECT f.path, f.size, f.mtime_ms FROM indexed_files f JOIN series s USING (series_instance_uid)
       WHERE s.study_instance_uid = ? AND f.status = 'image' ORDER BY f.path`,
    )
    .all(studyInstanceUid) as FileRow[];
  const out: { path: string; problem: string }[] = [];
  for (const r of rows) {
    const now = fingerprint(r.path);
    if (now.size === -1)
      out.push({ path: r.path, problem: 'file is missing (moved or deleted since indexing)' });
    else if (now.size !== r.size || now.mtimeMs !== r.mtime_ms) {
      out.push({ path: r.path, problem: 'file changed since indexing' });
    }
  }
  return out;
}
