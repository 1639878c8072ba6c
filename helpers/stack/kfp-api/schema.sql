-- The local KFP API's store, in its own database (`kfp`). Idempotent: run at every start, under
-- an advisory lock, so two servers starting on one database do not race.
-- Column names are the API's field names. Timestamps are whole seconds, as the KFP server keeps
-- them; a run that has not finished has finished_at at the epoch, which the API reports as is.

CREATE TABLE IF NOT EXISTS kfp_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE IF NOT EXISTS pipelines (
  pipeline_id text PRIMARY KEY,
  name text NOT NULL,
  display_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  namespace text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  context_id bigserial NOT NULL,
  UNIQUE (namespace, name)
);

CREATE TABLE IF NOT EXISTS pipeline_versions (
  pipeline_version_id text PRIMARY KEY,
  pipeline_id text NOT NULL REFERENCES pipelines (pipeline_id),
  name text NOT NULL,
  display_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  code_source_url text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  -- The package as uploaded (what a run of this version executes) and its parsed Struct.
  pipeline_spec_text text NOT NULL,
  pipeline_spec jsonb NOT NULL,
  UNIQUE (pipeline_id, name)
);

CREATE TABLE IF NOT EXISTS experiments (
  experiment_id text PRIMARY KEY,
  display_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  namespace text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  storage_state text NOT NULL DEFAULT 'AVAILABLE',
  last_run_created_at timestamptz NOT NULL DEFAULT 'epoch',
  UNIQUE (namespace, display_name)
);

-- No foreign keys to experiments or versions: as on the KFP server, deleting them leaves runs.
CREATE TABLE IF NOT EXISTS runs (
  run_id text PRIMARY KEY,
  display_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  experiment_id text NOT NULL,
  namespace text NOT NULL DEFAULT '',
  storage_state text NOT NULL DEFAULT 'AVAILABLE',
  pipeline_id text NOT NULL DEFAULT '',
  pipeline_version_id text NOT NULL DEFAULT '',
  -- Set when the run was created from an inline pipeline_spec instead of a version.
  pipeline_spec jsonb,
  -- A copy of the package the run executes: it stays runnable if its version is deleted.
  pipeline_spec_text text NOT NULL,
  runtime_config jsonb NOT NULL DEFAULT '{}',
  service_account text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  scheduled_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT 'epoch',
  state text NOT NULL,
  error jsonb,
  -- Per task: name, task_id, state, times, error, outputs and (masked) log tail.
  tasks jsonb NOT NULL DEFAULT '[]',
  state_history jsonb NOT NULL DEFAULT '[]',
  outputs jsonb,
  -- run_details: the pipeline's context id (0 for an inline spec) and the run's own.
  pipeline_context_id bigint NOT NULL DEFAULT 0,
  context_id bigserial NOT NULL
);

CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs (experiment_id, created_at);
CREATE INDEX IF NOT EXISTS runs_by_state ON runs (state);
