import { z } from 'zod';
import { maskDeep, maskText } from '../../config/mask.js';
import { GrpcCode } from './grpc-status.js';
import type { RuntimeState } from './request-messages.js';

/**
 * What the local runner (`python -m poblesec.local_runner --json`) reports, and how a finished
 * runner process becomes the final state of a run. Pure: the process handling is elsewhere.
 */

const RunnerTaskSchema = z.looseObject({
  name: z.string(),
  state: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  duration_ms: z.number().optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
  log_tail: z.array(z.string()).optional(),
});

export const RunnerOutputSchema = z.looseObject({
  state: z.enum(['SUCCEEDED', 'FAILED', 'CANCELED', 'INVALID']),
  tasks: z.array(RunnerTaskSchema).optional(),
  outputs: z.unknown().optional(),
  failed_task: z.string().optional(),
  error: z.string().optional(),
});
export type RunnerOutput = z.infer<typeof RunnerOutputSchema>;

/** google.rpc.Status as stored and returned. */
export interface StatusValue {
  code: number;
  message: string;
}

/** A task of a finished run, as the store keeps it (the API view is built from it). */
export interface StoredTask {
  name: string;
  state: RuntimeState;
  startedAt?: string;
  finishedAt?: string;
  error?: StatusValue;
  outputs?: Record<string, unknown>;
  logTail?: string[];
}

export interface RunOutcome {
  state: Extract<RuntimeState, 'SUCCEEDED' | 'FAILED' | 'CANCELED'>;
  error?: StatusValue;
  tasks: StoredTask[];
  outputs?: unknown;
}

export interface RunnerExit {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  /** The last lines the runner wrote on stderr (masked). */
  stderrTail: string;
  /** The run was terminated through the API. */
  cancelRequested: boolean;
  /** The local API stopped while the run was executing. */
  interrupted: boolean;
  /** The runner could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
}

const TASK_STATES: Record<string, RuntimeState> = {
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  CANCELED: 'CANCELED',
  RUNNING: 'RUNNING',
};

/** Lines of a failed task's log quoted in the run's error. */
export const ERROR_LOG_LINES = 20;

export function parseRunnerOutput(stdout: string): RunnerOutput | undefined {
  const text = stdout.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = RunnerOutputSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function storedTasks(output: RunnerOutput): StoredTask[] {
  return (output.tasks ?? []).map((task) => ({
    name: task.name,
    state: TASK_STATES[task.state] ?? 'RUNTIME_STATE_UNSPECIFIED',
    ...(task.started_at ? { startedAt: task.started_at } : {}),
    ...(task.finished_at ? { finishedAt: task.finished_at } : {}),
    ...(task.state === 'FAILED'
      ? { error: { code: GrpcCode.UNKNOWN, message: maskText(task.error ?? 'task failed') } }
      : task.state === 'CANCELED'
        ? { error: { code: GrpcCode.CANCELLED, message: 'task canceled' } }
        : {}),
    ...(task.outputs ? { outputs: maskDeep(task.outputs) } : {}),
    ...(task.log_tail ? { logTail: task.log_tail.map(maskText) } : {}),
  }));
}

function describeExit(exit: RunnerExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
}

function failedRunMessage(output: RunnerOutput, tasks: StoredTask[]): string {
  const failed = tasks.find((t) => t.name === output.failed_task) ?? tasks.find((t) => t.state === 'FAILED');
  const head = output.error ?? (failed ? `task '${failed.name}' failed` : 'the pipeline failed');
  const tail = failed?.logTail?.slice(-ERROR_LOG_LINES) ?? [];
  if (!failed || tail.length === 0) return head;
  return `${head}\nlast ${tail.length} log lines of task '${failed.name}':\n${tail.map((l) => `  | ${l}`).join('\n')}`;
}

/** The final state of a run from its runner's exit. Never throws. */
export function interpretRunnerExit(exit: RunnerExit): RunOutcome {
  if (exit.spawnError) {
    return {
      state: 'FAILED',
      tasks: [],
      error: {
        code: GrpcCode.INTERNAL,
        message: maskText(
          `could not start the local runner: ${exit.spawnError}; run \`npm run setup\` (it builds .stack/venv)`,
        ),
      },
    };
  }
  const output = parseRunnerOutput(exit.stdout);
  const tasks = output ? storedTasks(output) : [];
  if (exit.interrupted) {
    return {
      state: 'FAILED',
      tasks,
      error: {
        code: GrpcCode.UNAVAILABLE,
        message: 'run interrupted: the local KFP API was stopped while the run was executing',
      },
    };
  }
  if (output?.state === 'SUCCEEDED' && exit.exitCode === 0) {
    return { state: 'SUCCEEDED', tasks, outputs: maskDeep(output.outputs) };
  }
  // Terminated through the API: canceled, unless the runner finished successfully before the signal.
  if (exit.cancelRequested) return { state: 'CANCELED', tasks };
  if (output?.state === 'INVALID') {
    return {
      state: 'FAILED',
      tasks,
      error: {
        code: GrpcCode.INVALID_ARGUMENT,
        message: maskText(`the local runner refused the run: ${output.error ?? 'invalid input'}`),
      },
    };
  }
  if (output?.state === 'FAILED') {
    return {
      state: 'FAILED',
      tasks,
      error: { code: GrpcCode.UNKNOWN, message: maskText(failedRunMessage(output, tasks)) },
    };
  }
  if (output?.state === 'CANCELED') {
    // Nobody asked for it through the API: something else signalled the runner.
    return {
      state: 'FAILED',
      tasks,
      error: {
        code: GrpcCode.UNKNOWN,
        message: maskText(`the local runner was cancelled from outside: ${output.error ?? ''}`),
      },
    };
  }
  const seen = output
    ? `it reported ${output.state} but ${describeExit(exit)}`
    : `it ${describeExit(exit)} without a JSON result on stdout${exit.stdout.trim() ? ` (stdout began: ${JSON.stringify(exit.stdout.trim().slice(0, 200))})` : ''}`;
  const stderr = exit.stderrTail.trim() ? `\nlast stderr lines:\n${exit.stderrTail.trim()}` : '';
  return {
    state: 'FAILED',
    tasks,
    error: { code: GrpcCode.INTERNAL, message: maskText(`the local runner crashed: ${seen}${stderr}`) },
  };
}
