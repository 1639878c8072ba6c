import { z } from 'zod';

/**
 * Response bodies of the KFP v2beta1 REST API (kubeflow/pipelines backend/api/v2beta1/*.proto), as
 * the API server marshals them: proto field names (snake_case), enums as names, int64 as strings,
 * and — since the grpc-gateway v2 servers — unpopulated fields left out entirely (an empty list
 * answer can be `{}`). So every field is optional except the ids the suite cannot work without,
 * lists default to empty, and objects are loose: fields a newer server adds pass through.
 */

/** `google.protobuf.Timestamp` in JSON: an RFC 3339 string. */
const Timestamp = z.string();
/** int64 fields are JSON strings in proto3 JSON; some servers still send numbers. */
const Int64 = z.union([z.string(), z.number()]);
const Id = (what: string) => z.string({ error: `expected the ${what} (a string)` }).min(1, `expected a ${what}`);

/** `google.rpc.Status` as embedded in resources (Run.error, task errors). */
export const RpcStatusSchema = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});
export type RpcStatus = z.infer<typeof RpcStatusSchema>;

/** `RuntimeState` of run.proto. Terminal: SUCCEEDED, SKIPPED, FAILED, CANCELED. */
export const RUN_STATES = [
  'RUNTIME_STATE_UNSPECIFIED',
  'PENDING',
  'RUNNING',
  'SUCCEEDED',
  'SKIPPED',
  'FAILED',
  'CANCELING',
  'CANCELED',
  'PAUSED',
] as const;
export type RunState = (typeof RUN_STATES)[number];
export const TERMINAL_STATES: ReadonlySet<string> = new Set<RunState>(['SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELED']);

export function isTerminal(state: string | undefined): boolean {
  return state !== undefined && TERMINAL_STATES.has(state);
}

/**
 * A state is any string, not the enum: a server that adds a state must not break the wait; a
 * numeric enum (a server marshalling enums as numbers) fails the schema, naming the field.
 */
const State = z.string({ error: 'expected a RuntimeState name such as "RUNNING"' });

export const PipelineSchema = z.looseObject({
  pipeline_id: Id('pipeline_id'),
  /** Since KFP 2.2 (older servers have display_name only). */
  name: z.string().optional(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  created_at: Timestamp.optional(),
  namespace: z.string().optional(),
  error: RpcStatusSchema.optional(),
});
export type Pipeline = z.infer<typeof PipelineSchema>;

export const PipelineVersionSchema = z.looseObject({
  pipeline_id: z.string().optional(),
  pipeline_version_id: Id('pipeline_version_id'),
  name: z.string().optional(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  created_at: Timestamp.optional(),
  package_url: z.looseObject({ pipeline_url: z.string().optional() }).optional(),
  code_source_url: z.string().optional(),
  pipeline_spec: z.unknown().optional(),
  error: RpcStatusSchema.optional(),
});
export type PipelineVersion = z.infer<typeof PipelineVersionSchema>;

export const ExperimentSchema = z.looseObject({
  experiment_id: Id('experiment_id'),
  display_name: z.string().optional(),
  description: z.string().optional(),
  created_at: Timestamp.optional(),
  namespace: z.string().optional(),
  storage_state: z.string().optional(),
  last_run_created_at: Timestamp.optional(),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

export const RuntimeStatusSchema = z.looseObject({
  update_time: Timestamp.optional(),
  state: State.optional(),
  error: RpcStatusSchema.optional(),
});

export const TaskDetailSchema = z.looseObject({
  run_id: z.string().optional(),
  task_id: z.string().optional(),
  display_name: z.string().optional(),
  create_time: Timestamp.optional(),
  start_time: Timestamp.optional(),
  end_time: Timestamp.optional(),
  state: State.optional(),
  execution_id: Int64.optional(),
  error: RpcStatusSchema.optional(),
  parent_task_id: z.string().optional(),
  pod_name: z.string().optional(),
  state_history: z.array(RuntimeStatusSchema).optional(),
});
export type TaskDetail = z.infer<typeof TaskDetailSchema>;

export const RunSchema = z.looseObject({
  run_id: Id('run_id'),
  experiment_id: z.string().optional(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  storage_state: z.string().optional(),
  pipeline_version_id: z.string().optional(),
  pipeline_version_reference: z
    .looseObject({ pipeline_id: z.string().optional(), pipeline_version_id: z.string().optional() })
    .optional(),
  pipeline_spec: z.unknown().optional(),
  runtime_config: z
    .looseObject({ parameters: z.record(z.string(), z.unknown()).optional(), pipeline_root: z.string().optional() })
    .optional(),
  service_account: z.string().optional(),
  created_at: Timestamp.optional(),
  scheduled_at: Timestamp.optional(),
  finished_at: Timestamp.optional(),
  /** Left out by the server while it is RUNTIME_STATE_UNSPECIFIED (proto3 JSON omits defaults). */
  state: State.optional(),
  error: RpcStatusSchema.optional(),
  run_details: z
    .looseObject({
      pipeline_context_id: Int64.optional(),
      pipeline_run_context_id: Int64.optional(),
      task_details: z.array(TaskDetailSchema).default([]),
    })
    .optional(),
  recurring_run_id: z.string().optional(),
  state_history: z.array(RuntimeStatusSchema).optional(),
});
export type Run = z.infer<typeof RunSchema>;

const page = {
  total_size: z.number().optional(),
  next_page_token: z.string().optional(),
};

export const ListPipelinesSchema = z.looseObject({ pipelines: z.array(PipelineSchema).default([]), ...page });
export const ListPipelineVersionsSchema = z.looseObject({
  pipeline_versions: z.array(PipelineVersionSchema).default([]),
  ...page,
});
export const ListExperimentsSchema = z.looseObject({ experiments: z.array(ExperimentSchema).default([]), ...page });
export const ListRunsSchema = z.looseObject({ runs: z.array(RunSchema).default([]), ...page });

/** google.protobuf.Empty (terminate): `{}`. */
export const EmptySchema = z.looseObject({});

/** One page of a list call, with the server's paging fields named the same for every resource. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
  totalSize?: number;
}

/**
 * The error bodies a KFP API answers with, by server generation:
 * - grpc-gateway v1 runtime error (KFP ≤ 2.0): `{error, code, message, details}`;
 * - grpc-gateway v2, google.rpc.Status (later releases): `{code, message, details}`;
 * - the multipart upload handlers, which bypass the gateway: `{error_message, error_details}`.
 */
export const ErrorBodySchema = z.looseObject({
  error: z.string().optional(),
  code: z.number().optional(),
  message: z.string().optional(),
  details: z.array(z.unknown()).optional(),
  error_message: z.string().optional(),
  error_details: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
