import { HintedError } from '../../checks/check.js';
import { type Clock, describeLast, retryUntil, systemClock, WaitTimeoutError } from '../../util/retry-until.js';
import { KfpApiError } from './errors.js';
import type { KfpClient } from './kfp-client.js';
import { isTerminal, type Run } from './schemas.js';

/**
 * Waits for ANY terminal state (SUCCEEDED, SKIPPED, FAILED, CANCELED) and returns the run: the
 * caller asserts the state it expects, so a failed or canceled run ends the wait at once instead
 * of running into the deadline. Polls with retryUntil (backoff), never sleeps on its own.
 */

export interface RunProgress {
  runId: string;
  /** `UNKNOWN` while the server has not reported a state (or the last poll failed before any). */
  state: string;
  previousState: string | undefined;
  /** The state differs from the previous poll's. */
  changed: boolean;
  elapsedMs: number;
  /** Tasks by state, from run_details.task_details: `{ SUCCEEDED: 3, RUNNING: 1 }`. */
  tasks: Record<string, number>;
  /** Set when this poll failed (it is retried until the deadline). */
  pollError?: string;
}

export interface WaitForRunOptions {
  timeoutMs: number;
  onProgress?: (progress: RunProgress) => void;
  /** First pause between polls; doubles up to maxIntervalMs. Default 1 s. */
  intervalMs?: number;
  /** Default 10 s. */
  maxIntervalMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** The deadline passed before the run finished; names the last state seen. */
export class RunWaitTimeoutError extends HintedError {
  readonly runId: string;
  readonly lastState: string;
  readonly elapsedMs: number;
  readonly lastRun: Run | undefined;
  constructor(runId: string, lastState: string, elapsedMs: number, lastRun: Run | undefined, pollError?: string) {
    super(
      `KFP run ${runId}: expected a terminal state (SUCCEEDED, FAILED, SKIPPED or CANCELED) within ${formatDuration(elapsedMs)}, last state seen: ${lastState}${summariseTasks(lastRun)}${pollError ? `; last poll failed: ${pollError}` : ''}`,
      pollError
        ? 'the KFP API stopped answering while the run was watched — is the port-forward still running? The run itself may still be going: look it up in the KFP UI'
        : lastState === 'PENDING' || lastState === 'UNKNOWN'
          ? 'the run never started — are the pipeline pods schedulable (kubectl get pods -n <namespace>), the images pullable, the workflow controller running?'
          : 'the run is still going — raise --timeout / E2E_RUN_TIMEOUT_MS if it is merely slow, or open the run in the KFP UI to see which task hangs',
    );
    this.name = 'RunWaitTimeoutError';
    this.runId = runId;
    this.lastState = lastState;
    this.elapsedMs = elapsedMs;
    this.lastRun = lastRun;
  }
}

/** The outcome of one poll: the run, or an error that another poll cannot cure. */
type Poll = { run: Run } | { fatal: KfpApiError };

export async function waitForRun(client: KfpClient, runId: string, options: WaitForRunOptions): Promise<Run> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  let lastRun: Run | undefined;
  let lastState: string | undefined;
  let lastPollError: string | undefined;

  const poll = async (): Promise<Poll> => {
    try {
      const run = await client.getRun(runId, options.signal ? { signal: options.signal } : {});
      lastRun = run;
      lastPollError = undefined;
      report(run.state ?? 'UNKNOWN');
      return { run };
    } catch (error) {
      // The run is gone or access was refused: no later poll will see it. A dropped
      // port-forward or a 503 may heal: keep polling until the deadline.
      if (error instanceof KfpApiError && error.kind === 'http' && isFinalStatus(error.status)) return { fatal: error };
      lastPollError = error instanceof Error ? error.message : String(error);
      report(lastState ?? 'UNKNOWN');
      throw error;
    }
  };
  const report = (state: string) => {
    const changed = state !== lastState;
    const previousState = lastState;
    lastState = state;
    options.onProgress?.({
      runId,
      state,
      previousState,
      changed,
      elapsedMs: clock.now() - started,
      tasks: countTasks(lastRun),
      ...(lastPollError ? { pollError: lastPollError } : {}),
    });
  };

  let result: Poll;
  try {
    result = await retryUntil(
      poll,
      (p) => 'fatal' in p || isTerminal(p.run.state),
      () => 'run wait timed out',
      {
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs ?? 1_000,
        maxIntervalMs: options.maxIntervalMs ?? 10_000,
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      throw new RunWaitTimeoutError(
        runId,
        lastState ?? 'UNKNOWN',
        error.elapsedMs,
        lastRun,
        lastPollError ?? (error.last instanceof Error ? describeLast(error.last) : undefined),
      );
    }
    throw error;
  }
  if ('fatal' in result) throw result.fatal;
  return result.run;
}

/** 4xx other than 408/429: asking again gets the same answer. */
function isFinalStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function countTasks(run: Run | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const task of run?.run_details?.task_details ?? []) {
    const state = task.state ?? 'UNKNOWN';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}

function summariseTasks(run: Run | undefined): string {
  const counts = Object.entries(countTasks(run));
  return counts.length === 0 ? '' : ` (tasks: ${counts.map(([state, n]) => `${n} ${state}`).join(', ')})`;
}

/** `3m 05s`, `42s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
