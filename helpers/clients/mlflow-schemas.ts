import { z } from 'zod';

/**
 * MLflow REST response shapes, from mlflow/protos/service.proto (proto2, JSON field names as in
 * the proto). Objects are loose: a newer server may add fields. Repeated fields are omitted from
 * the JSON when empty, so they default to [].
 */

/** int64 fields: MLflow writes them as JSON numbers; proto3-style servers may send strings. */
const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** Error body of every MLflow endpoint: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}`. */
export const MlflowErrorSchema = z.looseObject({
  error_code: z.string(),
  message: z.string().optional(),
});

export const ExperimentTagSchema = z.looseObject({
  key: z.string(),
  value: z.string().optional(),
});

export const ExperimentSchema = z.looseObject({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  /** "active" or "deleted". */
  lifecycle_stage: z.string().optional(),
  last_update_time: int64.optional(),
  creation_time: int64.optional(),
  tags: z.array(ExperimentTagSchema).default([]),
  /** MLflow 3: "default" unless workspaces are enabled. */
  workspace: z.string().optional(),
});

/** SearchExperiments.Response. */
export const SearchExperimentsResponseSchema = z.looseObject({
  experiments: z.array(ExperimentSchema).default([]),
  /** Empty or absent when there is no further page. */
  next_page_token: z.string().optional(),
});

export type MlflowError = z.infer<typeof MlflowErrorSchema>;
export type Experiment = z.infer<typeof ExperimentSchema>;
export type SearchExperimentsResponse = z.infer<typeof SearchExperimentsResponseSchema>;

/** GetExperimentByName.Response / GetExperiment.Response. */
export const GetExperimentResponseSchema = z.looseObject({ experiment: ExperimentSchema });

/** RunInfo. `status` is the RunStatus name: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
export const RunInfoSchema = z.looseObject({
  run_id: z.string(),
  run_name: z.string().optional(),
  experiment_id: z.string(),
  user_id: z.string().optional(),
  status: z.string().optional(),
  start_time: int64.optional(),
  end_time: int64.optional(),
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional(),
});

/** A metric's latest value. MLflow writes NaN/Infinity as the strings "NaN"/"Infinity". */
export const MetricSchema = z.looseObject({
  key: z.string(),
  value: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]),
  timestamp: int64.optional(),
  step: int64.optional(),
});

export const KeyValueSchema = z.looseObject({ key: z.string(), value: z.string().default('') });

export const RunSchema = z.looseObject({
  info: RunInfoSchema,
  data: z
    .looseObject({
      metrics: z.array(MetricSchema).default([]),
      params: z.array(KeyValueSchema).default([]),
      tags: z.array(KeyValueSchema).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
});

/** GetRun.Response. */
export const GetRunResponseSchema = z.looseObject({ run: RunSchema });

/** SearchRuns.Response. */
export const SearchRunsResponseSchema = z.looseObject({
  runs: z.array(RunSchema).default([]),
  next_page_token: z.string().optional(),
});

/** model_registry.proto ModelVersion. `status` is READY, PENDING_REGISTRATION or FAILED_REGISTRATION. */
export const ModelVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  status_message: z.string().optional(),
  tags: z.array(KeyValueSchema).default([]),
  aliases: z.array(z.string()).default([]),
  model_id: z.string().optional(),
});

export const RegisteredModelSchema = z.looseObject({
  name: z.string(),
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  description: z.string().optional(),
  latest_versions: z.array(ModelVersionSchema).default([]),
  tags: z.array(KeyValueSchema).default([]),
  aliases: z.array(z.looseObject({ alias: z.string(), version: z.string() })).default([]),
});

/** GetRegisteredModel.Response. */
export const GetRegisteredModelResponseSchema = z.looseObject({ registered_model: RegisteredModelSchema });

/** GetModelVersion.Response and GetModelVersionByAlias.Response. */
export const GetModelVersionResponseSchema = z.looseObject({ model_version: ModelVersionSchema });

/** SetRegisteredModelAlias.Response: empty. */
export const EmptyResponseSchema = z.looseObject({});

export type RunInfo = z.infer<typeof RunInfoSchema>;
export type MlflowRun = z.infer<typeof RunSchema>;
export type ModelVersion = z.infer<typeof ModelVersionSchema>;
export type RegisteredModel = z.infer<typeof RegisteredModelSchema>;
export type GetExperimentResponse = z.infer<typeof GetExperimentResponseSchema>;
export type GetRunResponse = z.infer<typeof GetRunResponseSchema>;
export type SearchRunsResponse = z.infer<typeof SearchRunsResponseSchema>;
export type GetRegisteredModelResponse = z.infer<typeof GetRegisteredModelResponseSchema>;
export type GetModelVersionResponse = z.infer<typeof GetModelVersionResponseSchema>;
