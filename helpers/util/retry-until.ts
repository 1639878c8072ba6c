/** The clock a wait runs on; injectable so tests do not sleep. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions {
  timeoutMs: number;
  /** First pause between attempts; doubles up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  clock?: Clock;
  /** Called after each unsuccessful attempt, for progress output. */
  onAttempt?: (attempt: number, elapsedMs: number, last: unknown) => void;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  readonly elapsedMs: number;
  readonly last: unknown;
  constructor(message: string, elapsedMs: number, last: unknown) {
    super(message);
    this.name = 'WaitTimeoutError';
    this.elapsedMs = elapsedMs;
    this.last = last;
  }
}

/**
 * The one polling primitive: calls `fn` until `done(value)` holds or the deadline passes. An
 * exception from `fn` counts as "not yet" (kept as `last`), so a service that is still starting
 * does not end the wait. No fixed sleeps anywhere else.
 */
export async function retryUntil<T>(
  fn: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (elapsedMs: number, last: unknown) => string,
  options: RetryOptions,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const maxInterval = options.maxIntervalMs ?? 1000;
  // The cap holds from the first pause on, also when intervalMs alone is larger than it.
  let interval = Math.min(options.intervalMs ?? 50, maxInterval);
  let last: unknown;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    try {
      const value = await fn();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    const elapsed = clock.now() - started;
    options.onAttempt?.(attempt, elapsed, last);
    const remaining = options.timeoutMs - elapsed;
    if (remaining <= 0) throw new WaitTimeoutError(describe(elapsed, last), elapsed, last);
    await clock.sleep(Math.min(interval, remaining));
    interval = Math.min(interval * 2, maxInterval);
  }
}

/** The message of whatever a failed attempt left behind. */
export function describeLast(last: unknown): string {
  if (last instanceof Error) return last.message;
  if (last === undefined) return 'no answer';
  return typeof last === 'string' ? last : JSON.stringify(last);
}
