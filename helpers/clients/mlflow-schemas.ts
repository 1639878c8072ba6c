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
