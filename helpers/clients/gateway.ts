import { z } from 'zod';
import { displayUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';

/**
 * `GET /health` of the reference gateway: `status` ("ok" | "no_model") and what it serves. Loose:
 * other gateways may add fields, and a contract may require any of them.
 */
export const GatewayHealthSchema = z.looseObject({
  status: z.string(),
  model_name: z.string().nullable().optional(),
  model_version: z.string().nullable().optional(),
  last_error: z.string().nullable().optional(),
});
export type GatewayHealth = z.infer<typeof GatewayHealthSchema>;

/** `GET /model`: the promotion pointer being served (a JSON object). */
export const GatewayModelSchema = z.looseObject({
  model_name: z.string().optional(),
  model_version: z.string().optional(),
});
export type GatewayModel = z.infer<typeof GatewayModelSchema>;

/** Any JSON object: the shape of a prediction answer is the contract's to judge, not the client's. */
const JsonObjectSchema = z.record(z.string(), z.unknown());

export interface GatewayCallOptions {
  timeoutMs?: number;
}

const NOT_FOUND_HINT = 'is GATEWAY_URL the gateway root (it serves /health, /model and /predict)?';

/** The model gateway (FastAPI): health, the served model, predictions. */
export class GatewayClient {
  /** Base URL as it may be printed. */
  readonly endpoint: string;
  readonly #http: HttpClient;
  readonly #url: string;

  constructor(http: HttpClient, url: string) {
    this.#http = http;
    this.#url = url;
    this.endpoint = displayUrl(url);
  }

  /** GET {url}/health. The body is JSON when the gateway sends JSON, else the text as sent. */
  async health(options: GatewayCallOptions = {}): Promise<HttpResponse<unknown>> {
    const response = await this.#http.getText(joinUrl(this.#url, '/health'), {
      expected: 'HTTP 200 from the gateway health endpoint',
      hints: { notFound: NOT_FOUND_HINT },
      ...timeout(options),
    });
    return { ...response, body: parseMaybeJson(response.text) };
  }

  /** GET {url}/health as the reference gateway's JSON (status, model_name, model_version, …). */
  healthJson(options: GatewayCallOptions = {}): Promise<HttpResponse<GatewayHealth>> {
    return this.#http.getJson(joinUrl(this.#url, '/health'), {
      expected: 'the gateway health JSON ({status, model_name, model_version, …})',
      schema: GatewayHealthSchema,
      hints: { notFound: NOT_FOUND_HINT },
      ...timeout(options),
    });
  }

  /** GET {url}/model: the pointer being served; 503 `no_model` before any promotion. */
  model(options: GatewayCallOptions = {}): Promise<HttpResponse<GatewayModel>> {
    return this.#http.getJson(joinUrl(this.#url, '/model'), {
      expected: 'the served model pointer as JSON',
      schema: GatewayModelSchema,
      hints: { notFound: NOT_FOUND_HINT },
      ...timeout(options),
    });
  }

  /**
   * POST {url}/predict with the request as sent (never retried). `latencyMs` of the answer is the
   * round trip, for latency budgets. A status other than 2xx is thrown, with the gateway's error.
   */
  predict(
    request: Record<string, unknown>,
    options: GatewayCallOptions = {},
  ): Promise<HttpResponse<Record<string, unknown>>> {
    return this.#http.postJson(joinUrl(this.#url, '/predict'), request, {
      expected: 'HTTP 200 with predictions as a JSON object',
      schema: JsonObjectSchema,
      hints: { notFound: NOT_FOUND_HINT },
      ...timeout(options),
    });
  }
}

function timeout(options: GatewayCallOptions): { timeoutMs?: number } {
  return options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
