import { displayUrl, joinUrl } from './endpoint.js';
import type { HttpClient, HttpResponse } from './http.js';

/**
 * MinIO's unauthenticated health endpoints on the S3 port: live answers 200 while the process
 * runs; ready answers 200 only once it can serve requests (503 while starting or without quorum).
 */
export const MINIO_LIVE_PATH = '/minio/health/live';
export const MINIO_READY_PATH = '/minio/health/ready';

export class MinioHealthClient {
  readonly endpoint: string;
  readonly #http: HttpClient;
  readonly #url: string;

  constructor(http: HttpClient, endpointUrl: string) {
    this.#http = http;
    this.#url = endpointUrl;
    this.endpoint = displayUrl(endpointUrl);
  }

  async live(options: { timeoutMs?: number } = {}): Promise<HttpResponse<string>> {
    return this.#get(MINIO_LIVE_PATH, options);
  }

  async ready(options: { timeoutMs?: number } = {}): Promise<HttpResponse<string>> {
    return this.#get(MINIO_READY_PATH, options);
  }

  async #get(path: string, options: { timeoutMs?: number }): Promise<HttpResponse<string>> {
    return this.#http.getText(joinUrl(this.#url, path), {
      expected: 'HTTP 200',
      hints: {
        notFound: 'this is not MinIO, or MINIO_ENDPOINT points at the console port instead of the S3 API port',
        custom: (status) =>
          status === 503
            ? 'MinIO runs but is not ready (still starting, or without write quorum) — see its log'
            : undefined,
      },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
}
