-- Structured ASAS readings (owner: electron/reading). One row per version; a signed version is
-- immutable and undeletable; the audit log is append-only. Both are enforced here, in the
-- database, so no code path (or hand-run SQL through the app) can quietly rewrite history.

CREATE TABLE IF NOT EXISTS reading_versions (
  reading_id         TEXT    NOT NULL,
  version            INTEGER NOT NULL CHECK (version >= 1),
  study_instance_uid TEXT    NOT NULL,
  status             TEXT    NOT NULL CHECK (status IN ('draft', 'signed')),
  amends_version     INTEGER CHECK (amends_version IS NULL OR amends_version < version),
  document           TEXT    NOT NULL CHECK (json_valid(document)),
  -- sha256 of `document`: lets a check prove a row was written whole
  document_sha256    TEXT    NOT NULL,
  created_at         TEXT    NOT NULL,
  updated_at         TEXT    NOT NULL,
  signed_by          TEXT,
  signed_at          TEXT,
  PRIMARY KEY (reading_id, version),
  CHECK ((status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL))
);

CREATE INDEX IF NOT EXISTS reading_versions_by_study ON reading_versions (study_instance_uid);

CREATE TRIGGER IF NOT EXISTS reading_versions_signed_immutable
BEFORE UPDATE ON reading_versions WHEN OLD.status = 'signed'
BEGIN
  SELECT RAISE(ABORT, 'a signed reading version is immutable; amend it instead');
END;

CREATE TRIGGER IF NOT EXISTS reading_versions_signed_undeletable
BEFORE DELETE ON reading_versions WHEN OLD.status = 'signed'
BEGIN
  SELECT RAISE(ABORT, 'a signed reading version cannot be deleted');
END;

CREATE TABLE IF NOT EXISTS reading_audit (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  reading_id TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  at         TEXT    NOT NULL,
  actor_id   TEXT    NOT NULL,
  actor_name TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  path       TEXT    NOT NULL,
  from_json  TEXT,
  to_json    TEXT
);

CREATE INDEX IF NOT EXISTS reading_audit_by_reading ON reading_audit (reading_id, seq);

CREATE TRIGGER IF NOT EXISTS reading_audit_no_update
BEFORE UPDATE ON reading_audit
BEGIN
  SELECT RAISE(ABORT, 'the reading audit log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS reading_audit_no_delete
BEFORE DELETE ON reading_audit
BEGIN
  SELECT RAISE(ABORT, 'the reading audit log is append-only');
END;
