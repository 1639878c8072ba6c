import { request } from 'undici';
import { describeLast, retryUntil } from '../../util/retry-until.js';
import { StackStartError } from '../stack-start-error.js';
import type { ManagedProcess } from './managed-process.js';

export interface ReadyOptions {
  timeoutMs: number;
  hint: string;
}

/**
 * Polls `probe` until it resolves true. Stops at once — with the exit status and the log tail —
 * when the process dies, instead of waiting out the deadline.
 */
export async function waitReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  options: ReadyOptions,
): Promise<number> {
  const started = performance.now();
  const exited = new AbortController();
  const watcher = setInterval(() => {
    if (!proc.running) exited.abort(new Error(proc.describeExit()));
  }, 25);
  try {
    await retryUntil(
      probe,
      (ok) => ok,
      (elapsed, last) => `not ready after ${(elapsed / 1000).toFixed(1)} s (last attempt: ${describeLast(last)})`,
      { timeoutMs: options.timeoutMs, intervalMs: 25, maxIntervalMs: 250, signal: exited.signal },
    );
  } catch (error) {
    const reason = exited.signal.aborted ? `the process ${proc.describeExit()}` : (error as Error).message;
    throw new StackStartError(proc.spec.name, reason, options.hint, proc.logTail());
  } finally {
    clearInterval(watcher);
  }
  return performance.now() - started;
}

/** One HTTP GET with a short timeout: true on a 2xx answer. */
export async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const response = await request(url, {
    method: 'GET',
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body.dump();
  if (response.statusCode >= 200 && response.statusCode < 300) return true;
  throw new Error(`HTTP ${response.statusCode} from ${url}`);
}
