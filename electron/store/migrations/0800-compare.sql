-- Second-opinion reads (owner: electron/compare). Imported readings from other workstations, the
-- log of who opened a comparison (blind-first evidence), and the provenance of consensus readings.
-- All three are append-only, enforced here so history cannot be rewritten by any code path.

CREATE TABLE IF NOT EXISTS compare_imports (
  import_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  reading_id         TEXT    NOT NULL,
  version            INTEGER NOT NULL CHECK (version >= 1),
  study_instance_uid TEXT    NOT NULL,
  author_id          TEXT    NOT NULL,
  author_name        TEXT    NOT NULL,
  document           TEXT    NOT NULL CHECK (json_valid(document)),
  document_sha256    TEXT    NOT NULL,
  -- the package file (and entry) it came from
  source             TEXT    NOT NULL,
  -- matched / series_missing / absent against the local exams at import time
  match_status       TEXT    NOT NULL CHECK (match_status IN ('matched', 'series_missing', 'absent', 'unchecked')),
  imported_at        TEXT    NOT NULL,
  imported_by_id     TEXT    NOT NULL,
  imported_by_name   TEXT    NOT NULL,
  UNIQUE (reading_id, version)
);

CREATE INDEX IF NOT EXISTS compare_imports_by_study ON compare_imports (study_instance_uid);

CREATE TRIGGER IF NOT EXISTS compare_imports_no_update
BEFORE UPDATE ON compare_imports
BEGIN
  SELECT RAISE(ABORT, 'an imported reading is kept as it arrived');
END;

CREATE TRIGGER IF NOT EXISTS compare_imports_no_delete
BEFORE DELETE ON compare_imports
BEGIN
  SELECT RAISE(ABORT, 'an imported reading cannot be deleted');
END;

CREATE TABLE IF NOT EXISTS compare_views (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  study_instance_uid TEXT    NOT NULL,
  viewer_id          TEXT    NOT NULL,
  viewer_name        TEXT    NOT NULL,
  -- reader: had signed their own reading; adjudicator: had no reading of the study
  mode               TEXT    NOT NULL CHECK (mode IN ('reader', 'adjudicator')),
  at                 TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS compare_views_by_viewer ON compare_views (viewer_id, study_instance_uid);

CREATE TRIGGER IF NOT EXISTS compare_views_no_update
BEFORE UPDATE ON compare_views
BEGIN
  SELECT RAISE(ABORT, 'the comparison view log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS compare_views_no_delete
BEFORE DELETE ON compare_views
BEGIN
  SELECT RAISE(ABORT, 'the comparison view log is append-only');
END;

CREATE TABLE IF NOT EXISTS compare_consensus (
  reading_id         TEXT    PRIMARY KEY,
  study_instance_uid TEXT    NOT NULL,
  created_at         TEXT    NOT NULL,
  adjudicator_id     TEXT    NOT NULL,
  adjudicator_name   TEXT    NOT NULL,
  -- [{ origin, readingId, version, sha256, author }]: exactly the versions the consensus was drawn from
  sources            TEXT    NOT NULL CHECK (json_valid(sources))
);

CREATE TRIGGER IF NOT EXISTS compare_consensus_no_update
BEFORE UPDATE ON compare_consensus
BEGIN
  SELECT RAISE(ABORT, 'consensus provenance is immutable');
END;

CREATE TRIGGER IF NOT EXISTS compare_consensus_no_delete
BEFORE DELETE ON compare_consensus
BEGIN
  SELECT RAISE(ABORT, 'consensus provenance is immutable');
END;
