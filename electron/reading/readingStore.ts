import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { diffReadings } from './audit';
import { amendReading, signReading, versionState, type VersionState } from './lifecycle';
import { parseReading, type Person, type Reading } from './schema';

/**
 * Readings in SQLite. Every operation is one transaction: the new document and its audit rows
 * are committed together or not at all (WAL mode is set by the store when it opens the file).
 * Tables come from electron/store/migrations/0100-reading.sql.
 */

export type AuditAction =
  'create' | 'edit' | 'attach_model' | 'reveal_model' | 'accept' | 'override' | 'sign' | 'amend' | 'export';

export interface AuditEntry {
  seq: number;
  readingId: string;
  version: number;
  at: string;
  actor: { id: string; name: string };
  action: string;
  path: string;
  from: unknown;
  to: unknown;
}

export interface ReadingSummary {
  readingId: string;
  version: number;
  studyInstanceUid: string;
  state: VersionState;
  updatedAt: string;
  signedBy: string | null;
  signedAt: string | null;
}

interface VersionRow {
  reading_id: string;
  version: number;
  study_instance_uid: string;
  status: 'draft' | 'signed';
  document: string;
  document_sha256: string;
  updated_at: string;
  signed_by: string | null;
  signed_at: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function rowToReading(row: VersionRow): Reading {
  const where = `reading ${row.reading_id} v${row.version}`;
  if (sha256(row.document) !== row.document_sha256)
    throw new Error(`${where}: stored document fails its checksum`);
  return parseReading(JSON.parse(row.document), where);
}

function writeAudit(
  db: Database.Database,
  r: Reading,
  actor: Person,
  action: AuditAction,
  before: Reading | null,
  at: string,
) {
  const insert = db.prepare(
    `INSERT INTO reading_audit (reading_id, version, at, actor_id, actor_name, action, path, from_json, to_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const change of diffReadings(before, r)) {
    insert.run(
      r.readingId,
      r.version,
      at,
      actor.id,
      actor.name,
      action,
      change.path,
      JSON.stringify(change.from),
      JSON.stringify(change.to),
    );
  }
}

function insertVersion(db: Database.Database, r: Reading) {
  const document = JSON.stringify(r);
  db.prepare(
    `INSERT INTO reading_versions (reading_id, version, study_instance_uid, status, amends_version, document, document_sha256,
       created_at, updated_at, signed_by, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.readingId,
    r.version,
    r.exam.studyInstanceUid,
    r.status,
    r.amendsVersion,
    document,
    sha256(document),
    r.createdAt,
    r.updatedAt,
    r.signer?.id ?? null,
    r.signedAt,
  );
}

function updateVersion(db: Database.Database, r: Reading) {
  const document = JSON.stringify(r);
  const res = db
    .prepare(
      `UPDATE reading_versions SET status = ?, document = ?, document_sha256 = ?, updated_at = ?, signed_by = ?, signed_at = ?
       WHERE reading_id = ? AND version = ? AND status = 'draft'`,
    )
    .run(
      r.status,
      document,
      sha256(document),
      r.updatedAt,
      r.signer?.id ?? null,
      r.signedAt,
      r.readingId,
      r.version,
    );
  if (res.changes !== 1) throw new Error(`reading ${r.readingId} v${r.version} is not an editable draft`);
}

function latestRow(db: Database.Database, readingId: string): VersionRow | undefined {
  return db
    .prepare(`SELECT * FROM reading_versions WHERE reading_id = ? ORDER BY version DESC LIMIT 1`)
    .get(readingId) as VersionRow | undefined;
}

export function createReading(db: Database.Database, reading: Reading, actor: Person): Reading {
  const r = parseReading(reading, `new reading ${reading.readingId}`);
  db.transaction(() => {
    insertVersion(db, r);
    writeAudit(db, r, actor, 'create', null, r.createdAt);
  })();
  return r;
}

/** Latest version, or the given one. Throws when it does not exist. */
export function getReading(db: Database.Database, readingId: string, version?: number): Reading {
  const row =
    version === undefined
      ? latestRow(db, readingId)
      : (db
          .prepare(`SELECT * FROM reading_versions WHERE reading_id = ? AND version = ?`)
          .get(readingId, version) as VersionRow | undefined);
  if (!row) throw new Error(`no reading ${readingId}${version === undefined ? '' : ` v${version}`}`);
  return rowToReading(row);
}

/**
 * Applies a pure edit to the latest draft and saves it with its audit rows, in one transaction
 * (the autosave behind every change in the form).
 */
export function editReading(
  db: Database.Database,
  readingId: string,
  actor: Person,
  action: AuditAction,
  edit: (draft: Reading) => Reading,
): Reading {
  return db.transaction(() => {
    const before = getReading(db, readingId);
    if (before.status !== 'draft')
      throw new Error(`reading ${readingId} v${before.version} is signed; amend it to change it`);
    const after = parseReading(edit(before), `reading ${readingId} v${before.version}`);
    if (after.readingId !== before.readingId || after.version !== before.version)
      throw new Error('an edit may not change reading id or version');
    if (after.status !== 'draft') throw new Error('sign through signReadingVersion');
    updateVersion(db, after);
    writeAudit(db, after, actor, action, before, after.updatedAt);
    return after;
  })();
}

export function signReadingVersion(
  db: Database.Database,
  readingId: string,
  signer: Person,
  at: string,
): Reading {
  return db.transaction(() => {
    const before = getReading(db, readingId);
    const after = signReading(before, signer, at);
    updateVersion(db, after);
    writeAudit(db, after, signer, 'sign', before, at);
    return after;
  })();
}

export function amendReadingVersion(
  db: Database.Database,
  readingId: string,
  author: Person,
  reason: string,
  at: string,
): Reading {
  return db.transaction(() => {
    const signed = getReading(db, readingId);
    const draft = amendReading(signed, author, reason, at);
    insertVersion(db, draft);
    writeAudit(db, draft, author, 'amend', signed, at);
    return draft;
  })();
}

/** Records that a reading left the workstation (report, JSON, SR) without changing it. */
export function recordExport(
  db: Database.Database,
  r: Reading,
  actor: Person,
  what: string,
  at: string,
): void {
  db.prepare(
    `INSERT INTO reading_audit (reading_id, version, at, actor_id, actor_name, action, path, from_json, to_json)
     VALUES (?, ?, ?, ?, ?, 'export', ?, NULL, NULL)`,
  ).run(r.readingId, r.version, at, actor.id, actor.name, what);
}

export function listReadings(
  db: Database.Database,
  filter: { studyInstanceUid?: string } = {},
): ReadingSummary[] {
  const rows = db
    .prepare(
      `SELECT v.*, EXISTS (SELECT 1 FROM reading_versions n WHERE n.reading_id = v.reading_id AND n.version > v.version) AS has_successor
       FROM reading_versions v WHERE (? IS NULL OR v.study_instance_uid = ?) ORDER BY v.updated_at, v.reading_id, v.version`,
    )
    .all(filter.studyInstanceUid ?? null, filter.studyInstanceUid ?? null) as (VersionRow & {
    has_successor: number;
  })[];
  return rows.map((row) => ({
    readingId: row.reading_id,
    version: row.version,
    studyInstanceUid: row.study_instance_uid,
    state: versionState(row, row.has_successor === 1),
    updatedAt: row.updated_at,
    signedBy: row.signed_by,
    signedAt: row.signed_at,
  }));
}

export function readingAudit(db: Database.Database, readingId: string): AuditEntry[] {
  const rows = db.prepare(`SELECT * FROM reading_audit WHERE reading_id = ? ORDER BY seq`).all(readingId) as {
    seq: number;
    reading_id: string;
    version: number;
    at: string;
    actor_id: string;
    actor_name: string;
    action: string;
    path: string;
    from_json: string | null;
    to_json: string | null;
  }[];
  return rows.map((r) => ({
    seq: r.seq,
    readingId: r.reading_id,
    version: r.version,
    at: r.at,
    actor: { id: r.actor_id, name: r.actor_name },
    action: r.action,
    path: r.path,
    from: r.from_json === null ? null : JSON.parse(r.from_json),
    to: r.to_json === null ? null : JSON.parse(r.to_json),
  }));
}
