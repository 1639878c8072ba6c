import { z } from 'zod';

/**
 * What a user needs from a run that did not succeed, read from the v2beta1 Run object alone: the
 * run-level error, the tasks that failed (name, state, error, pods, times) and — for a run that was
 * still going when the wait ended — the tasks that never finished, which is where a pod stuck in
 * ImagePullBackOff hides. Pure: no calls; the pods are inspected elsewhere (kube/pod-diagnostics).
 *
 * Parsed with its own tolerant schema instead of RunSchema: diagnostics run on a failure path and
 * must not fail themselves, so a field of an unexpected type is dropped, not reported. Server
 * generations differ: `pod_name` and `child_tasks[].pod_name` (KFP 2.x), `pods[].name` and
 * `status` instead of `state` (newer task details).
 */

const Text = z.string().optional().catch(undefined);
const Status = z.looseObject({ message: Text }).optional().catch(undefined);
const PodRef = z.looseObject({ pod_name: Text, name: Text }).catch({});

const TaskSchema = z
  .looseObject({
    task_id: Text,
    display_name: Text,
    name: Text,
    state: Text,
    status: Text,
    error: Status,
    parent_task_id: Text,
    create_time: Text,
    start_time: Text,
    end_time: Text,
    execution_id: z.union([z.string(), z.number()]).optional().catch(undefined),
    pod_name: Text,
    child_tasks: z.array(PodRef).optional().catch(undefined),
    pods: z.array(PodRef).optional().catch(undefined),
  })
  .catch({});
type RawTask = z.infer<typeof TaskSchema>;

const RunDiagnosticsInput = z
  .looseObject({
    run_id: Text,
    state: Text,
    error: Status,
    run_details: z
      .looseObject({ task_details: z.array(TaskSchema).optional().catch(undefined) })
      .optional()
      .catch(undefined),
  })
  .catch({});

export interface TaskDiagnostics {
  /** display_name (or task_id when the server gave none). */
  name: string;
  taskId?: string;
  state: string;
  /** error.message of the task (google.rpc.Status). */
  error?: string;
  /** The task's pods: its own pod_name, then pods[].name, then child_tasks[].pod_name. */
  podNames: string[];
  startTime?: string;
  endTime?: string;
  executionId?: string;
}

export interface RunDiagnostics {
  runId?: string;
  /** `UNKNOWN` when the server reported none. */
  state: string;
  /** The run-level error.message. */
  error?: string;
  /** FAILED or CANCELED tasks, or tasks carrying an error; innermost first (a failed DAG after its failed child). */
  failedTasks: TaskDiagnostics[];
  /** Tasks still PENDING/RUNNING/CANCELING: for a run the wait gave up on. */
  unfinishedTasks: TaskDiagnostics[];
  /** The pods worth inspecting, most telling first, without duplicates. */
  podNames: string[];
}

const FAILED = new Set(['FAILED', 'CANCELED']);
const FINE = new Set(['SUCCEEDED', 'SKIPPED']);
const UNFINISHED = new Set(['PENDING', 'RUNNING', 'CANCELING']);

/** Diagnostics of a run (a v2beta1 Run as the API answered it, or anything else: never throws). */
export function runDiagnostics(run: unknown): RunDiagnostics {
  const parsed = RunDiagnosticsInput.parse(run ?? {});
  const raw = parsed.run_details?.task_details ?? [];
  const stateOf = (t: RawTask) => t.state ?? t.status ?? 'UNKNOWN';

  const failedRaw = raw.filter((t) => FAILED.has(stateOf(t)) || (t.error?.message && !FINE.has(stateOf(t))));
  const unfinishedRaw = raw.filter((t) => !failedRaw.includes(t) && UNFINISHED.has(stateOf(t)));
  const failedTasks = innermostFirst(failedRaw).map((t) => toTask(t, stateOf(t)));
  const unfinishedTasks = innermostFirst(unfinishedRaw).map((t) => toTask(t, stateOf(t)));

  return {
    ...(parsed.run_id ? { runId: parsed.run_id } : {}),
    state: parsed.state ?? 'UNKNOWN',
    ...(parsed.error?.message ? { error: parsed.error.message } : {}),
    failedTasks,
    unfinishedTasks,
    podNames: unique([...failedTasks, ...unfinishedTasks].flatMap((t) => t.podNames)),
  };
}

/** A DAG (the root, a sub-pipeline) shares its child's fate and says less about it: children first. */
function innermostFirst(tasks: RawTask[]): RawTask[] {
  const parents = new Set(tasks.map((t) => t.parent_task_id).filter(Boolean));
  const isParent = (t: RawTask) => t.task_id !== undefined && parents.has(t.task_id);
  return [...tasks.filter((t) => !isParent(t)), ...tasks.filter(isParent)];
}

function toTask(t: RawTask, state: string): TaskDiagnostics {
  const podNames = unique([
    ...(t.pod_name ? [t.pod_name] : []),
    ...(t.pods ?? []).map((p) => p.name ?? p.pod_name),
    ...(t.child_tasks ?? []).map((c) => c.pod_name),
  ]);
  return {
    name: t.display_name || t.name || t.task_id || '(unnamed task)',
    ...(t.task_id ? { taskId: t.task_id } : {}),
    state,
    ...(t.error?.message ? { error: t.error.message } : {}),
    podNames,
    ...(t.start_time ? { startTime: t.start_time } : {}),
    ...(t.end_time ? { endTime: t.end_time } : {}),
    ...(t.execution_id !== undefined ? { executionId: String(t.execution_id) } : {}),
  };
}

function unique(names: Array<string | undefined>): string[] {
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

/** `train (FAILED: exit code 1)`, for error messages. */
export function describeTask(task: TaskDiagnostics): string {
  return `${task.name} (${task.state}${task.error ? `: ${task.error}` : ''})`;
}
