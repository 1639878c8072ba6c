import type { z } from 'zod';
import type { StatusHints } from './client-error.js';
import { displayUrl, endpointFromUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';
import { type SearchExperimentsResponse, SearchExperimentsResponseSchema } from './mlflow-schemas.js';

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
};

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
