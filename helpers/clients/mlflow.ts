import type { z } from 'zod';
import { HintedError } from '../checks/check.js';
import type { StatusHints } from './client-error.js';
import { displayUrl, endpointFromUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';
import {
  EmptyResponseSchema,
  type Experiment,
  type GetExperimentResponse,
  GetExperimentResponseSchema,
  type GetModelVersionResponse,
  GetModelVersionResponseSchema,
  type GetRegisteredModelResponse,
  GetRegisteredModelResponseSchema,
  type GetRunResponse,
  GetRunResponseSchema,
  type MlflowRun,
  type ModelVersion,
  type RegisteredModel,
  type SearchExperimentsResponse,
  SearchExperimentsResponseSchema,
  type SearchRunsResponse,
  SearchRunsResponseSchema,
} from './mlflow-schemas.js';

export interface MlflowSettings {
  trackingUri: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
}

export interface MlflowCallOptions {
  timeoutMs?: number;
}

/** One MLflow REST endpoint: how to call it and what it answers. */
export interface MlflowRpc<T> {
  method: 'GET' | 'POST';
  /** Below the tracking URI, e.g. `/api/2.0/mlflow/experiments/search`. */
  path: string;
  response: z.ZodType<T>;
  /** What a good answer is, in words, for error messages. */
  expected: string;
}

/**
 * The REST endpoints this client speaks (paths and methods from service.proto). A new endpoint is
 * one entry here, a schema in mlflow-schemas.ts and a one-line method below.
 */
export const MLFLOW_RPC = {
  searchExperiments: {
    method: 'POST',
    path: '/api/2.0/mlflow/experiments/search',
    response: SearchExperimentsResponseSchema,
    expected: 'an experiment list',
  } satisfies MlflowRpc<SearchExperimentsResponse>,
  getExperimentByName: {
    method: 'GET',
    path: '/api/2.0/mlflow/experiments/get-by-name',
    response: GetExperimentResponseSchema,
    expected: 'the experiment',
  } satisfies MlflowRpc<GetExperimentResponse>,
  getRun: {
    method: 'GET',
    path: '/api/2.0/mlflow/runs/get',
    response: GetRunResponseSchema,
    expected: 'the run',
  } satisfies MlflowRpc<GetRunResponse>,
  searchRuns: {
    method: 'POST',
    path: '/api/2.0/mlflow/runs/search',
    response: SearchRunsResponseSchema,
    expected: 'a run list',
  } satisfies MlflowRpc<SearchRunsResponse>,
  getRegisteredModel: {
    method: 'GET',
    path: '/api/2.0/mlflow/registered-models/get',
    response: GetRegisteredModelResponseSchema,
    expected: 'the registered model',
  } satisfies MlflowRpc<GetRegisteredModelResponse>,
  getModelVersion: {
    method: 'GET',
    path: '/api/2.0/mlflow/model-versions/get',
    response: GetModelVersionResponseSchema,
    expected: 'the model version',
  } satisfies MlflowRpc<GetModelVersionResponse>,
  getModelVersionByAlias: {
    method: 'GET',
    path: '/api/2.0/mlflow/registered-models/alias',
    response: GetModelVersionResponseSchema,
    expected: 'the model version of the alias',
  } satisfies MlflowRpc<GetModelVersionResponse>,
  setRegisteredModelAlias: {
    method: 'POST',
    path: '/api/2.0/mlflow/registered-models/alias',
    response: EmptyResponseSchema,
    expected: 'the alias set',
  } satisfies MlflowRpc<Record<string, unknown>>,
};

/**
 * A lookup of one named thing: found, or absent — MLflow's RESOURCE_DOES_NOT_EXIST (or, for an
 * alias, its "alias … not found"), with the server's message. Anything else (network, auth, a
 * body of the wrong shape) is still thrown: "absent" is a fact about the data, those are not.
 */
export type MlflowLookup<T> =
  | { found: true; value: T; url: string; latencyMs: number }
  | { found: false; url: string; errorCode: string; message: string };

export interface SearchRunsRequest {
  experimentIds: string[];
  /** MLflow search syntax, e.g. `tags.identifier = 'run-001'`. */
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface SearchExperimentsRequest {
  maxResults: number;
  filter?: string;
  orderBy?: string[];
  pageToken?: string;
}

/** The MLflow tracking server over REST: health, version and the tracking API. */
export class MlflowClient {
  /** The tracking URI as it may be printed. */
  readonly endpoint: string;
  readonly #http: HttpClient;
  readonly #settings: MlflowSettings;
  readonly #hints: StatusHints;

  constructor(http: HttpClient, settings: MlflowSettings) {
    this.#http = http;
    this.#settings = settings;
    this.endpoint = displayUrl(settings.trackingUri);
    const { host } = endpointFromUrl(settings.trackingUri);
    this.#hints = {
      credentials: settings.token
        ? 'the server rejected MLFLOW_TRACKING_TOKEN — check that it is valid for this server'
        : 'the server requires authentication — set MLFLOW_TRACKING_TOKEN',
      notFound: 'is MLFLOW_TRACKING_URI the tracking server root (no /api or UI path after it)?',
      custom: (status, body) =>
        status === 403 && /invalid host header/i.test(body)
          ? `MLflow rejects the Host header "${host}" — start the server with --allowed-hosts including it (MLflow 3.5+ checks Host headers)`
          : undefined,
    };
  }

  /** GET /health: the server process answers ("OK"). */
  async health(options: MlflowCallOptions = {}): Promise<HttpResponse<string>> {
    return this.#http.getText(this.#url('/health'), this.#options(options, 'HTTP 200 "OK"'));
  }

  /** GET /version: the server's MLflow version as plain text. */
  async version(options: MlflowCallOptions = {}): Promise<HttpResponse<string>> {
    const response = await this.#http.getText(this.#url('/version'), this.#options(options, 'the MLflow version'));
    return { ...response, body: response.body.trim() };
  }

  /** POST /api/2.0/mlflow/experiments/search. */
  async searchExperiments(
    request: SearchExperimentsRequest,
    options: MlflowCallOptions = {},
  ): Promise<HttpResponse<SearchExperimentsResponse>> {
    return this.call(
      MLFLOW_RPC.searchExperiments,
      {
        max_results: request.maxResults,
        filter: request.filter,
        order_by: request.orderBy,
        page_token: request.pageToken,
      },
      options,
    );
  }

  /** GET experiments/get-by-name. */
  getExperimentByName(name: string, options: MlflowCallOptions = {}): Promise<MlflowLookup<Experiment>> {
    return this.#lookup(MLFLOW_RPC.getExperimentByName, { experiment_name: name }, (b) => b.experiment, options);
  }

  /** GET runs/get: info and data (latest metric values, params, tags). */
  getRun(runId: string, options: MlflowCallOptions = {}): Promise<MlflowLookup<MlflowRun>> {
    return this.#lookup(MLFLOW_RPC.getRun, { run_id: runId }, (b) => b.run, options);
  }

  /** POST runs/search (one page). */
  async searchRuns(
    request: SearchRunsRequest,
    options: MlflowCallOptions = {},
  ): Promise<HttpResponse<SearchRunsResponse>> {
    return this.call(
      MLFLOW_RPC.searchRuns,
      {
        experiment_ids: request.experimentIds,
        filter: request.filter,
        max_results: request.maxResults,
        order_by: request.orderBy,
        page_token: request.pageToken,
      },
      options,
    );
  }

  /** GET registered-models/get. */
  getRegisteredModel(name: string, options: MlflowCallOptions = {}): Promise<MlflowLookup<RegisteredModel>> {
    return this.#lookup(MLFLOW_RPC.getRegisteredModel, { name }, (b) => b.registered_model, options);
  }

  /** GET model-versions/get. */
  getModelVersion(name: string, version: string, options: MlflowCallOptions = {}): Promise<MlflowLookup<ModelVersion>> {
    return this.#lookup(MLFLOW_RPC.getModelVersion, { name, version }, (b) => b.model_version, options);
  }

  /** GET registered-models/alias: the version an alias points to. */
  getModelVersionByAlias(
    name: string,
    alias: string,
    options: MlflowCallOptions = {},
  ): Promise<MlflowLookup<ModelVersion>> {
    return this.#lookup(MLFLOW_RPC.getModelVersionByAlias, { name, alias }, (b) => b.model_version, options);
  }

  /** POST registered-models/alias: points an alias at a version (moves it when set elsewhere). */
  async setRegisteredModelAlias(
    request: { name: string; alias: string; version: string },
    options: MlflowCallOptions = {},
  ): Promise<void> {
    await this.call(MLFLOW_RPC.setRegisteredModelAlias, request, options);
  }

  /** Calls one endpoint: POST bodies as JSON, GET parameters as a query string; the answer checked against its schema. */
  async call<T>(rpc: MlflowRpc<T>, payload: Record<string, unknown>, options: MlflowCallOptions = {}) {
    const defined = Object.entries(payload).filter(([, v]) => v !== undefined);
    const callOptions = { ...this.#options(options, rpc.expected), schema: rpc.response };
    if (rpc.method === 'POST') {
      return this.#http.postJson(this.#url(rpc.path), Object.fromEntries(defined), callOptions);
    }
    const query = new URLSearchParams();
    for (const [key, value] of defined) {
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    const search = query.size > 0 ? `?${query}` : '';
    return this.#http.getJson(`${this.#url(rpc.path)}${search}`, callOptions);
  }

  async #lookup<B, T>(
    rpc: MlflowRpc<B>,
    payload: Record<string, unknown>,
    pick: (body: B) => T,
    options: MlflowCallOptions,
  ): Promise<MlflowLookup<T>> {
    try {
      const response = await this.call(rpc, payload, options);
      return { found: true, value: pick(response.body), url: response.url, latencyMs: response.latencyMs };
    } catch (error) {
      const absent = error instanceof HintedError ? notFound(error.message) : undefined;
      if (!absent) throw error;
      return { found: false, url: displayUrl(this.#url(rpc.path)), ...absent };
    }
  }

  #url(path: string): string {
    return joinUrl(this.#settings.trackingUri, path);
  }

  #options(options: MlflowCallOptions, expected: string) {
    return {
      expected,
      hints: this.#hints,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(this.#settings.token ? { headers: { authorization: `Bearer ${this.#settings.token}` } } : {}),
    };
  }
}

/**
 * Whether an HTTP error says "no such thing": the HTTP layer reports MLflow's error body as
 * `saw HTTP <status>: <error_code>: <message>`. MLflow answers RESOURCE_DOES_NOT_EXIST (404) for
 * absent experiments, runs, models and versions, but INVALID_PARAMETER_VALUE (400) "… alias … not
 * found" for an unset alias.
 */
export function notFound(message: string): { errorCode: string; message: string } | undefined {
  const match = /saw HTTP (\d{3}): ([A-Z_]+)(?:: (.*))?$/s.exec(message);
  if (!match) return undefined;
  const [, , code = '', server = ''] = match;
  if (code === 'RESOURCE_DOES_NOT_EXIST' || (code === 'INVALID_PARAMETER_VALUE' && /alias .*not found/i.test(server)))
    return { errorCode: code, message: server };
  return undefined;
}
