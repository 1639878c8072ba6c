/**
 * Recorded-style KFP v2beta1 answers for the unit tests, written after the swagger of both server
 * generations:
 * - `v1gw`: KFP 2.0.x behind grpc-gateway v1 — pipelines have display_name only, errors are
 *   `{error, code, message, details}` with `api.Error` details;
 * - `v2gw`: later releases behind grpc-gateway v2 — pipelines have name and display_name, errors
 *   are google.rpc.Status `{code, message, details}`, unpopulated fields (empty lists!) left out.
 * The multipart upload handlers answer errors as `{error_message, error_details}` in both.
 */

export type Generation = 'v1gw' | 'v2gw';

export const IDS = {
  pipeline: '6a2a8f0e-5e0c-4a3b-9d47-0c2f1b7e9a10',
  version: 'c1d9b8a4-7f3e-4b2a-8e61-3f5d2a9c7b21',
  experiment: '0f7e3c52-1b9d-4e8a-a6c4-9d2e5f8b1a33',
  run: '3b8f1d27-6c4e-4a9b-b2d5-7e1f9c3a8d44',
} as const;

export function healthz(gen: Generation): Record<string, unknown> {
  return gen === 'v1gw'
    ? { commit_sha: '9a1b2c3d', tag_name: '2.0.5', multi_user: false }
    : { commit_sha: 'e4f5a6b7', tag_name: '2.5.0', multi_user: true, pipeline_store: 'database' };
}

export function pipeline(gen: Generation, name = 'poblesec-forecast', id: string = IDS.pipeline) {
  const common = {
    pipeline_id: id,
    display_name: name,
    description: `kfp-e2e:sha256=${'a'.repeat(64)}`,
    created_at: '2025-03-04T09:15:22Z',
  };
  return gen === 'v1gw' ? common : { ...common, name, namespace: 'kubeflow-user-example-com' };
}

export function version(
  gen: Generation,
  fields: { name?: string; id?: string; description?: string; created_at?: string } = {},
) {
  const name = fields.name ?? 'poblesec-forecast';
  const common = {
    pipeline_id: IDS.pipeline,
    pipeline_version_id: fields.id ?? IDS.version,
    display_name: name,
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    created_at: fields.created_at ?? '2025-03-04T09:15:22Z',
    pipeline_spec: {
      pipelineInfo: { name: 'poblesec-forecast' },
      schemaVersion: '2.1.0',
      sdkVersion: 'kfp-2.17.3',
    },
  };
  return gen === 'v1gw' ? { ...common, package_url: { pipeline_url: '' } } : { ...common, name, code_source_url: '' };
}

export function experiment(gen: Generation, name = 'kfp-e2e', id: string = IDS.experiment) {
  const common = {
    experiment_id: id,
    display_name: name,
    description: 'runs submitted by kfp-e2e',
    created_at: '2025-03-04T09:15:30Z',
    storage_state: 'AVAILABLE',
  };
  return gen === 'v1gw'
    ? { ...common, namespace: '' }
    : { ...common, namespace: 'kubeflow-user-example-com', last_run_created_at: '2025-03-04T09:16:02Z' };
}

const TASKS = ['ingest', 'preprocess', 'train', 'evaluate', 'promote', 'predict'];

/** A run in `state`; finished tasks up to the failing one for FAILED. */
export function run(gen: Generation, state: string, fields: { id?: string; failedTask?: string } = {}) {
  const id = fields.id ?? IDS.run;
  const finished = ['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED'].includes(state);
  const taskState = (i: number): string => {
    if (state === 'SUCCEEDED') return 'SUCCEEDED';
    if (state === 'FAILED') {
      const failedAt = TASKS.indexOf(fields.failedTask ?? 'train');
      return i < failedAt ? 'SUCCEEDED' : i === failedAt ? 'FAILED' : 'SKIPPED';
    }
    if (state === 'CANCELED') return i < 2 ? 'SUCCEEDED' : i === 2 ? 'CANCELED' : 'SKIPPED';
    return i < 2 ? 'SUCCEEDED' : i === 2 ? 'RUNNING' : 'PENDING';
  };
  const tasks =
    state === 'PENDING'
      ? []
      : TASKS.map((name, i) => ({
          run_id: id,
          task_id: `${id.slice(0, 8)}-task-${i}`,
          display_name: name,
          create_time: '2025-03-04T09:16:05Z',
          start_time: '2025-03-04T09:16:07Z',
          ...(taskState(i) === 'SUCCEEDED' || taskState(i) === 'FAILED' ? { end_time: '2025-03-04T09:17:40Z' } : {}),
          state: taskState(i),
          execution_id: String(101 + i),
          pod_name: `poblesec-forecast-x7k2p-${1000 + i}`,
          ...(taskState(i) === 'FAILED'
            ? { error: { code: 2, message: 'task failed: RuntimeError: MLflow tracking server unreachable' } }
            : {}),
          child_tasks: [],
        }));
  return {
    experiment_id: IDS.experiment,
    run_id: id,
    display_name: 'poblesec-forecast-kfp-e2e-20250304-091600',
    storage_state: 'AVAILABLE',
    pipeline_version_reference: { pipeline_id: IDS.pipeline, pipeline_version_id: IDS.version },
    runtime_config: { parameters: { dataset: 'PobleSec', identifier: 'kfp-e2e', rows: 500 } },
    service_account: 'pipeline-runner',
    created_at: '2025-03-04T09:16:02Z',
    scheduled_at: '2025-03-04T09:16:02Z',
    ...(finished
      ? { finished_at: '2025-03-04T09:19:44Z' }
      : gen === 'v1gw'
        ? { finished_at: '1970-01-01T00:00:00Z' }
        : {}),
    state,
    ...(state === 'FAILED' ? { error: { code: 2, message: 'pipeline run failed: task train failed' } } : {}),
    run_details: {
      pipeline_context_id: '17',
      pipeline_run_context_id: '18',
      ...(gen === 'v1gw' || tasks.length > 0 ? { task_details: tasks } : {}),
    },
    state_history: [
      { update_time: '2025-03-04T09:16:02Z', state: 'PENDING' },
      ...(state !== 'PENDING' ? [{ update_time: '2025-03-04T09:16:07Z', state: 'RUNNING' }] : []),
      ...(finished ? [{ update_time: '2025-03-04T09:19:44Z', state }] : []),
    ],
  };
}

/** A list answer; v2gw leaves out an empty list altogether (EmitUnpopulated: false). */
export function list(gen: Generation, key: string, items: unknown[], nextPageToken?: string) {
  if (gen === 'v2gw' && items.length === 0) return nextPageToken ? { next_page_token: nextPageToken } : {};
  return {
    [key]: items,
    total_size: items.length,
    ...(nextPageToken ? { next_page_token: nextPageToken } : gen === 'v1gw' ? { next_page_token: '' } : {}),
  };
}

const GRPC_NAMES: Record<number, string> = {
  3: 'InvalidArgument',
  5: 'NotFound',
  6: 'AlreadyExists',
  7: 'PermissionDenied',
  16: 'Unauthenticated',
};

/** The error body of a gateway-served call, per generation. */
export function errorBody(gen: Generation, code: number, message: string): Record<string, unknown> {
  if (gen === 'v2gw') return { code, message, details: [] };
  return {
    error: message,
    code,
    message,
    details: [
      {
        '@type': 'type.googleapis.com/api.Error',
        error_message: message.split(': ').at(-1),
        error_details: `${message}: ${GRPC_NAMES[code] ?? 'Internal'}Error`,
      },
    ],
  };
}

/** The multipart upload handlers' error body (both generations). */
export function uploadErrorBody(message: string): Record<string, unknown> {
  return { error_message: message, error_details: `${message}: AlreadyExistsError` };
}
