import type { MessageDescriptor } from './strict-json.js';

/**
 * The request messages the local API decodes, field for field as in kubeflow/pipelines
 * backend/api/v2beta1 (experiment.proto, run.proto, runtime_config.proto). Output-only fields
 * are known too: the real server accepts them in a request (and ignores them).
 */

export const RUNTIME_STATES = {
  RUNTIME_STATE_UNSPECIFIED: 0,
  PENDING: 1,
  RUNNING: 2,
  SUCCEEDED: 3,
  SKIPPED: 4,
  FAILED: 5,
  CANCELING: 6,
  CANCELED: 7,
  PAUSED: 8,
} as const;
export type RuntimeState = keyof typeof RUNTIME_STATES;

/** Runs in these states are finished: they change no more. */
export const FINAL_STATES: readonly RuntimeState[] = ['SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELED'];

const StatusMessage: MessageDescriptor = {
  name: 'google.rpc.Status',
  fields: [
    { name: 'code', type: { kind: 'int32' } },
    { name: 'message', type: { kind: 'string' } },
    { name: 'details', type: { kind: 'opaque' }, repeated: true },
  ],
};

const RuntimeStatusMessage: MessageDescriptor = {
  name: 'v2beta1.RuntimeStatus',
  fields: [
    { name: 'update_time', type: { kind: 'timestamp' } },
    { name: 'state', type: { kind: 'enum', values: RUNTIME_STATES } },
    { name: 'error', type: { kind: 'message', message: StatusMessage } },
  ],
};

export const ExperimentMessage: MessageDescriptor = {
  name: 'v2beta1.Experiment',
  fields: [
    { name: 'experiment_id', type: { kind: 'string' } },
    { name: 'display_name', type: { kind: 'string' } },
    { name: 'description', type: { kind: 'string' } },
    { name: 'created_at', type: { kind: 'timestamp' } },
    { name: 'namespace', type: { kind: 'string' } },
    {
      name: 'storage_state',
      // experiment.proto has spelled the zero value both ways over the releases.
      type: {
        kind: 'enum',
        values: { STORAGESTATE_UNSPECIFIED: 0, STORAGE_STATE_UNSPECIFIED: 0, AVAILABLE: 1, ARCHIVED: 2 },
      },
    },
    { name: 'last_run_created_at', type: { kind: 'timestamp' } },
  ],
};

const PipelineVersionReferenceMessage: MessageDescriptor = {
  name: 'v2beta1.PipelineVersionReference',
  fields: [
    { name: 'pipeline_id', type: { kind: 'string' } },
    { name: 'pipeline_version_id', type: { kind: 'string' } },
  ],
};

const RuntimeConfigMessage: MessageDescriptor = {
  name: 'v2beta1.RuntimeConfig',
  fields: [
    { name: 'parameters', type: { kind: 'value-map' } },
    // runtime_config.proto gives it json_name "pipeline_root": there is no camelCase spelling.
    { name: 'pipeline_root', jsonName: 'pipeline_root', type: { kind: 'string' } },
  ],
};

export const RunMessage: MessageDescriptor = {
  name: 'v2beta1.Run',
  fields: [
    { name: 'experiment_id', type: { kind: 'string' } },
    { name: 'run_id', type: { kind: 'string' } },
    { name: 'display_name', type: { kind: 'string' } },
    {
      name: 'storage_state',
      type: { kind: 'enum', values: { STORAGE_STATE_UNSPECIFIED: 0, AVAILABLE: 1, ARCHIVED: 2 } },
    },
    { name: 'description', type: { kind: 'string' } },
    { name: 'pipeline_version_id', type: { kind: 'string' }, oneof: 'pipeline_source' },
    { name: 'pipeline_spec', type: { kind: 'struct' }, oneof: 'pipeline_source' },
    {
      name: 'pipeline_version_reference',
      type: { kind: 'message', message: PipelineVersionReferenceMessage },
      oneof: 'pipeline_source',
    },
    { name: 'runtime_config', type: { kind: 'message', message: RuntimeConfigMessage } },
    { name: 'service_account', type: { kind: 'string' } },
    { name: 'created_at', type: { kind: 'timestamp' } },
    { name: 'scheduled_at', type: { kind: 'timestamp' } },
    { name: 'finished_at', type: { kind: 'timestamp' } },
    { name: 'state', type: { kind: 'enum', values: RUNTIME_STATES } },
    { name: 'error', type: { kind: 'message', message: StatusMessage } },
    // Output only and deep; accepted as given and ignored, as the real server ignores it.
    { name: 'run_details', type: { kind: 'opaque' } },
    { name: 'recurring_run_id', type: { kind: 'string' } },
    { name: 'state_history', type: { kind: 'message', message: RuntimeStatusMessage }, repeated: true },
  ],
};

export interface RunRequest {
  display_name?: string;
  description?: string;
  experiment_id?: string;
  pipeline_version_id?: string;
  pipeline_spec?: Record<string, unknown>;
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  runtime_config?: { parameters?: Record<string, unknown>; pipeline_root?: string };
  service_account?: string;
}

export interface ExperimentRequest {
  display_name?: string;
  description?: string;
  namespace?: string;
}
