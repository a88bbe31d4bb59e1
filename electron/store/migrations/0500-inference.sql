-- Model results cache (owner: electron/inference). One row per (exact input stacks, exact model):
-- cache_key = sha256(input files key + model manifest sha256). A result and its Grad-CAM maps are
-- written in one transaction after the run completed, so a failed or cancelled run leaves nothing.

CREATE TABLE IF NOT EXISTS inference_results (
  cache_key          TEXT PRIMARY KEY,
  input_key          TEXT NOT NULL,
  model_sha256       TEXT NOT NULL,
  study_instance_uid TEXT NOT NULL,
  result             TEXT NOT NULL CHECK (json_valid(result)),
  cam_count          INTEGER NOT NULL CHECK (cam_count >= 0),
  created_at         TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS inference_results_by_study ON inference_results (study_instance_uid);

CREATE TABLE IF NOT EXISTS inference_cams (
  cache_key TEXT NOT NULL REFERENCES inference_results (cache_key) ON DELETE CASCADE,
  task      TEXT NOT NULL,
  sequence  TEXT NOT NULL,
  dims      TEXT NOT NULL CHECK (json_valid(dims)),
  affine    TEXT NOT NULL CHECK (json_valid(affine)),
  data      BLOB NOT NULL,
  PRIMARY KEY (cache_key, task, sequence)
);
