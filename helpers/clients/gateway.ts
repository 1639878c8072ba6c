import { displayUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';

/** The model gateway (FastAPI). Only its health endpoint for now; predictions come with the contract stage. */
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
  async health(options: { timeoutMs?: number } = {}): Promise<HttpResponse<unknown>> {
    const response = await this.#http.getText(joinUrl(this.#url, '/health'), {
      expected: 'HTTP 200 from the gateway health endpoint',
      hints: { notFound: 'is GATEWAY_URL the gateway root (it serves /health)?' },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return { ...response, body: parseMaybeJson(response.text) };
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
