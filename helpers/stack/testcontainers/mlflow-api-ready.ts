import { describeLast, retryUntil } from '../../util/retry-until.js';
import { deadline } from '../../util/timeout.js';

/**
 * /health answers as soon as the server runs; ready for the suite means a real API call goes
 * through the backend store too (the native provider asks the same question).
 */
export async function waitForMlflowApi(
  trackingUri: string,
  timeoutMs: number,
  requestTimeoutMs: number,
): Promise<void> {
  const url = `${trackingUri}/api/2.0/mlflow/experiments/search`;
  await retryUntil(
    async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max_results: 1 }),
        signal: deadline(requestTimeoutMs),
      });
      const body = (await response.text()).slice(0, 200);
      if (response.status !== 200) throw new Error(`HTTP ${response.status} ${body}`.trim());
      return true;
    },
    (ok) => ok,
    (elapsed, last) => `POST ${url} did not answer 200 within ${elapsed} ms (last: ${describeLast(last)})`,
    { timeoutMs, intervalMs: 100, maxIntervalMs: 1000 },
  );
}
