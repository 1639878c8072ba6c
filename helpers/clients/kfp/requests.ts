import { basename } from 'node:path';
import type { z } from 'zod';
import { KFP_HEALTHZ_PATH, type KfpHealthz, KfpHealthzSchema } from '../kfp-health.js';
import { equals, filterJson } from './filter.js';
import {
  EmptySchema,
  type Experiment,
  ExperimentSchema,
  ListExperimentsSchema,
  ListPipelinesSchema,
  ListPipelineVersionsSchema,
  ListRunsSchema,
  type Pipeline,
  PipelineSchema,
  type PipelineVersion,
  PipelineVersionSchema,
  type Run,
  RunSchema,
} from './schemas.js';

/**
 * Every request the KFP client sends, as plain data: method, path under `/apis/v2beta1`, query,
 * body, and the schema its answer must match. The client sends these; `kfp-e2e submit --dry-run`
 * prints the very same objects — so what a dry run shows is what a real run sends.
 */

export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'multipart'; field: string; filename: string; content: Uint8Array };

export interface KfpRequest<T = unknown> {
  method: 'GET' | 'POST';
  /** From the API root, without the path prefix: `/apis/v2beta1/runs`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: RequestBody;
  /** What a good answer is, for messages: `a KFP run`. */
  expected: string;
  schema: z.ZodType<T>;
  /** Whether sending it twice is harmless (reads): only these are retried. */
  idempotent: boolean;
}

const API = '/apis/v2beta1';
const id = (value: string) => encodeURIComponent(value);

export interface ListOptions {
  pageSize?: number;
  pageToken?: string;
  /** `created_at desc`. */
  sortBy?: string;
  /** A JSON filter (filterJson). */
  filter?: string;
}

function listQuery(options: ListOptions): Record<string, string | number | undefined> {
  return {
    page_size: options.pageSize,
    page_token: options.pageToken,
    sort_by: options.sortBy,
    filter: options.filter,
  };
}

export function healthzRequest(): KfpRequest<KfpHealthz> {
  return {
    method: 'GET',
    path: KFP_HEALTHZ_PATH,
    expected: 'a KFP v2beta1 healthz answer',
    schema: KfpHealthzSchema,
    idempotent: true,
  };
}

export function listPipelinesRequest(
  options: ListOptions & { namespace?: string } = {},
): KfpRequest<z.infer<typeof ListPipelinesSchema>> {
  return {
    method: 'GET',
    path: `${API}/pipelines`,
    query: { namespace: options.namespace, ...listQuery(options) },
    expected: 'a KFP pipeline list',
    schema: ListPipelinesSchema,
    idempotent: true,
  };
}

/** Lists pipelines whose name is exactly `name` (the `name` key also matches older servers' display name). */
export function findPipelineRequest(name: string, namespace?: string) {
  return listPipelinesRequest({ namespace, filter: filterJson(equals('name', name)), pageSize: 10 });
}

export interface UploadInput {
  content: Uint8Array;
  /** The server picks the parser by extension (.yaml, .yml, .json, .zip, .tar.gz). */
  filename?: string;
  name: string;
  displayName?: string;
  description?: string;
}

function multipart(input: UploadInput): RequestBody {
  return {
    kind: 'multipart',
    field: 'uploadfile',
    filename: basename(input.filename ?? 'pipeline.yaml'),
    content: input.content,
  };
}

/** POST /pipelines/upload: creates the pipeline and its first version (named like the pipeline). */
export function uploadPipelineRequest(input: UploadInput & { namespace?: string }): KfpRequest<Pipeline> {
  return {
    method: 'POST',
    path: `${API}/pipelines/upload`,
    query: {
      name: input.name,
      display_name: input.displayName ?? input.name,
      description: input.description,
      namespace: input.namespace,
    },
    body: multipart(input),
    expected: 'the uploaded KFP pipeline',
    schema: PipelineSchema,
    idempotent: false,
  };
}

/** POST /pipelines/upload_version: a new version of an existing pipeline (names unique per pipeline). */
export function uploadPipelineVersionRequest(input: UploadInput & { pipelineId: string }): KfpRequest<PipelineVersion> {
  return {
    method: 'POST',
    path: `${API}/pipelines/upload_version`,
    query: {
      pipelineid: input.pipelineId,
      name: input.name,
      display_name: input.displayName ?? input.name,
      description: input.description,
    },
    body: multipart(input),
    expected: 'the uploaded KFP pipeline version',
    schema: PipelineVersionSchema,
    idempotent: false,
  };
}

export function listPipelineVersionsRequest(
  pipelineId: string,
  options: ListOptions = {},
): KfpRequest<z.infer<typeof ListPipelineVersionsSchema>> {
  return {
    method: 'GET',
    path: `${API}/pipelines/${id(pipelineId)}/versions`,
    query: listQuery(options),
    expected: 'a KFP pipeline version list',
    schema: ListPipelineVersionsSchema,
    idempotent: true,
  };
}

export function listExperimentsRequest(
  options: ListOptions & { namespace?: string } = {},
): KfpRequest<z.infer<typeof ListExperimentsSchema>> {
  return {
    method: 'GET',
    path: `${API}/experiments`,
    query: { namespace: options.namespace, ...listQuery(options) },
    expected: 'a KFP experiment list',
    schema: ListExperimentsSchema,
    idempotent: true,
  };
}

export function findExperimentRequest(name: string, namespace?: string) {
  return listExperimentsRequest({ namespace, filter: filterJson(equals('display_name', name)), pageSize: 10 });
}

export function createExperimentRequest(input: {
  displayName: string;
  description?: string;
  namespace?: string;
}): KfpRequest<Experiment> {
  return {
    method: 'POST',
    path: `${API}/experiments`,
    body: {
      kind: 'json',
      value: {
        display_name: input.displayName,
        ...(input.description ? { description: input.description } : {}),
        ...(input.namespace ? { namespace: input.namespace } : {}),
      },
    },
    expected: 'the created KFP experiment',
    schema: ExperimentSchema,
    idempotent: false,
  };
}

export interface CreateRunInput {
  displayName: string;
  experimentId: string;
  pipelineId: string;
  pipelineVersionId: string;
  /** Typed values (numbers as numbers): runtime_config.parameters is a map of google.protobuf.Value. */
  parameters: Record<string, unknown>;
  /** Where the run's artifacts go; the server's default when absent. */
  pipelineRoot?: string;
  serviceAccount?: string;
  description?: string;
}

/** POST /runs; the body is the Run message itself (HTTP rule `body: "run"`). */
export function createRunRequest(input: CreateRunInput): KfpRequest<Run> {
  return {
    method: 'POST',
    path: `${API}/runs`,
    body: {
      kind: 'json',
      value: {
        display_name: input.displayName,
        ...(input.description ? { description: input.description } : {}),
        experiment_id: input.experimentId,
        pipeline_version_reference: { pipeline_id: input.pipelineId, pipeline_version_id: input.pipelineVersionId },
        runtime_config: {
          parameters: input.parameters,
          ...(input.pipelineRoot ? { pipeline_root: input.pipelineRoot } : {}),
        },
        ...(input.serviceAccount ? { service_account: input.serviceAccount } : {}),
      },
    },
    expected: 'the created KFP run',
    schema: RunSchema,
    idempotent: false,
  };
}

export function getRunRequest(runId: string): KfpRequest<Run> {
  return {
    method: 'GET',
    path: `${API}/runs/${id(runId)}`,
    expected: 'a KFP run',
    schema: RunSchema,
    idempotent: true,
  };
}

export function listRunsRequest(
  options: ListOptions & { namespace?: string; experimentId?: string } = {},
): KfpRequest<z.infer<typeof ListRunsSchema>> {
  return {
    method: 'GET',
    path: `${API}/runs`,
    query: {
      namespace: options.namespace,
      experiment_id: options.experimentId,
      ...listQuery({ sortBy: 'created_at desc', ...options }),
    },
    expected: 'a KFP run list',
    schema: ListRunsSchema,
    idempotent: true,
  };
}

/** POST /runs/{id}:terminate; the answer is google.protobuf.Empty. */
export function terminateRunRequest(runId: string): KfpRequest<Record<string, unknown>> {
  return {
    method: 'POST',
    path: `${API}/runs/${id(runId)}:terminate`,
    expected: 'an empty answer',
    schema: EmptySchema,
    idempotent: false,
  };
}

/** Path and query as sent: `/apis/v2beta1/runs?sort_by=created_at+desc`; empty values left out. */
export function pathWithQuery(request: Pick<KfpRequest, 'path' | 'query'>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `${request.path}?${query}` : request.path;
}
