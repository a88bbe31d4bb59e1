-- Study index (owner: electron/dicom + electron/store). What a scan of a folder found, so a
-- re-opened folder is listed without parsing a file, and a moved or deleted file is noticed.
-- Stacks keep their full geometry and slice list as JSON: they are rebuilt, never queried inside.

CREATE TABLE IF NOT EXISTS index_roots (
  root       TEXT PRIMARY KEY,            -- absolute path the user opened
  indexed_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS patients (
  patient_key  INTEGER PRIMARY KEY,
  patient_id   TEXT NOT NULL,
  patient_name TEXT NOT NULL,
  UNIQUE (patient_id, patient_name)
);

CREATE TABLE IF NOT EXISTS studies (
  study_instance_uid TEXT PRIMARY KEY,
  patient_key        INTEGER NOT NULL REFERENCES patients (patient_key),
  study_date         TEXT NOT NULL,
  description        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS series (
  series_instance_uid TEXT PRIMARY KEY,
  study_instance_uid  TEXT NOT NULL REFERENCES studies (study_instance_uid) ON DELETE CASCADE,
  series_number       INTEGER,
  description         TEXT NOT NULL,
  modality            TEXT NOT NULL,
  sop_class_uid       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS series_by_study ON series (study_instance_uid);

CREATE TABLE IF NOT EXISTS stacks (
  series_instance_uid TEXT NOT NULL REFERENCES series (series_instance_uid) ON DELETE CASCADE,
  stack_index         INTEGER NOT NULL,
  rows                INTEGER NOT NULL,
  columns             INTEGER NOT NULL,
  slices              INTEGER NOT NULL,
  orientation         TEXT NOT NULL,
  semicoronal         INTEGER NOT NULL CHECK (semicoronal IN (0, 1)),
  tilt_degrees        REAL NOT NULL,
  role                TEXT NOT NULL,
  role_confidence     REAL NOT NULL,
  problems            TEXT NOT NULL CHECK (json_valid(problems)),
  stack               TEXT NOT NULL CHECK (json_valid(stack)),   -- the whole DicomStack
  PRIMARY KEY (series_instance_uid, stack_index)
);

CREATE TABLE IF NOT EXISTS indexed_files (
  path                TEXT PRIMARY KEY,
  root                TEXT NOT NULL REFERENCES index_roots (root) ON DELETE CASCADE,
  size                INTEGER NOT NULL,
  mtime_ms            REAL NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('image', 'skipped', 'directory')),
  reason              TEXT,                -- why a skipped file was skipped
  series_instance_uid TEXT                 -- for images
);
CREATE INDEX IF NOT EXISTS indexed_files_by_root ON indexed_files (root);
CREATE INDEX IF NOT EXISTS indexed_files_by_series ON indexed_files (series_instance_uid);
