import { excerpt, type HttpResponse } from '../../clients/http.js';

/** What an HTTP answer shows as evidence: where, what status, how fast, and a short body excerpt. */
export function httpEvidence(response: HttpResponse<unknown>): Record<string, unknown> {
  const server = response.headers.server;
  return {
    url: response.url,
    status: response.status,
    latencyMs: response.latencyMs,
    ...(response.attempts > 1 ? { attempts: response.attempts } : {}),
    ...(typeof server === 'string' ? { server } : {}),
    ...(response.text.trim() ? { body: excerpt(response.text) } : {}),
  };
}

/** Runs `fn` and reports how long it took, in ms with one decimal. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; latencyMs: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
}
