import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { FieldMap } from './filter.js';
import { invalidArgument, notFound } from './grpc-status.js';
import type { ListOptions, ListSpec } from './list-query.js';
import { type Condition, type ListPage, listRows } from './list-rows.js';
import { int64, mapField, message, protoTimestamp, wholeSeconds } from './proto-json.js';
import { FINAL_STATES, type RuntimeState } from './request-messages.js';
import type { RunOutcome, StatusValue, StoredTask } from './runner-result.js';

/**
 * Runs (v2beta1 Run) in PostgreSQL, and their state machine: PENDING → RUNNING → SUCCEEDED |
 * FAILED, or → CANCELING → CANCELED. Every transition is a conditional UPDATE (from the states
 * it may leave), appends to state_history, and reports whether it happened: a final state is
 * never overwritten.
 */

export interface RunTask extends StoredTask {
  taskId: string;
  /** Names of the tasks that depend on this one (its child_tasks). */
  children: string[];
}

interface HistoryEntry {
  update_time: string;
  state: RuntimeState;
}

export interface RunRow extends Record<string, unknown> {
  run_id: string;
  display_name: string;
  description: string;
  experiment_id: string;
  namespace: string;
  storage_state: string;
  pipeline_id: string;
  pipeline_version_id: string;
  pipeline_spec: Record<string, unknown> | null;
  pipeline_spec_text: string;
  runtime_config: { parameters?: Record<string, unknown>; pipeline_root?: string };
  service_account: string;
  created_at: Date;
  scheduled_at: Date;
  finished_at: Date;
  state: RuntimeState;
  error: StatusValue | null;
  tasks: RunTask[];
  state_history: HistoryEntry[];
  outputs: unknown;
  pipeline_context_id: string;
  context_id: string;
}

export interface NewRun {
  displayName: string;
  description: string;
  experimentId: string;
  namespace: string;
  pipelineId: string;
  pipelineVersionId: string;
  /** The inline spec, when the run was not created from a version. */
  pipelineSpec?: Record<string, unknown>;
  pipelineSpecText: string;
  runtimeConfig: { parameters?: Record<string, unknown>; pipeline_root?: string };
  serviceAccount: string;
  pipelineContextId: string;
}

const text = (column: string) => ({ column, type: 'text' as const });
const time = (column: string) => ({ column, type: 'timestamp' as const });

/** Sortable and filterable fields, as the KFP server's run model maps them. */
const RUN_FIELDS: FieldMap = {
  run_id: text('run_id'),
  id: text('run_id'),
  display_name: text('display_name'),
  name: text('display_name'),
  created_at: time('created_at'),
  finished_at: time('finished_at'),
  scheduled_at: time('scheduled_at'),
  description: text('description'),
  storage_state: text('storage_state'),
  namespace: text('namespace'),
  experiment_id: text('experiment_id'),
  state: text('state'),
  pipeline_version_id: text('pipeline_version_id'),
  pipeline_id: text('pipeline_id'),
};

export const RUN_LIST: ListSpec = { fields: RUN_FIELDS, keyColumn: 'run_id' };

/** States a run can be terminated from (TerminateRun on the KFP server). */
const TERMINABLE: RuntimeState[] = ['PENDING', 'RUNNING', 'PAUSED', 'RUNTIME_STATE_UNSPECIFIED'];

/** One state_history entry; whole seconds, like the KFP server's UpdateTimeInSec. */
const history = (state: RuntimeState, at: Date) =>
  JSON.stringify([{ update_time: wholeSeconds(at).toISOString(), state } satisfies HistoryEntry]);

const ts = (iso: string | undefined) => (iso ? protoTimestamp(new Date(iso)) : undefined);
const status = (error: StatusValue | null | undefined) =>
  error ? message({ code: error.code, message: error.message }) : undefined;

function toApiTask(runId: string, task: RunTask, idByName: Map<string, string>): Record<string, unknown> {
  const started = task.startedAt ? [{ update_time: ts(task.startedAt), state: 'RUNNING' }] : [];
  const ended = task.finishedAt ? [{ update_time: ts(task.finishedAt), state: task.state }] : [];
  return message({
    run_id: runId,
    task_id: task.taskId,
    display_name: task.name,
    create_time: ts(task.startedAt),
    start_time: ts(task.startedAt),
    end_time: ts(task.finishedAt),
    state: task.state,
    error: status(task.error),
    state_history: [...started, ...ended].map((entry) => message(entry)),
    child_tasks: task.children.flatMap((name) => {
      const id = idByName.get(name);
      return id ? [{ task_id: id }] : [];
    }),
  });
}

export function toApiRun(row: RunRow): Record<string, unknown> {
  const idByName = new Map(row.tasks.map((task) => [task.name, task.taskId]));
  return message({
    experiment_id: row.experiment_id,
    run_id: row.run_id,
    display_name: row.display_name,
    storage_state: row.storage_state,
    description: row.description,
    pipeline_version_reference: row.pipeline_version_id
      ? message({ pipeline_id: row.pipeline_id, pipeline_version_id: row.pipeline_version_id })
      : undefined,
    pipeline_spec: row.pipeline_spec ?? undefined,
    runtime_config: message({
      parameters: mapField(row.runtime_config.parameters),
      pipeline_root: row.runtime_config.pipeline_root,
    }),
    service_account: row.service_account,
    created_at: protoTimestamp(row.created_at),
    scheduled_at: protoTimestamp(row.scheduled_at),
    // Like the KFP server: a run that has not finished reports the epoch.
    finished_at: protoTimestamp(row.finished_at),
    state: row.state,
    error: status(row.error),
    run_details: message({
      pipeline_context_id: row.pipeline_context_id === '0' ? undefined : int64(row.pipeline_context_id),
      pipeline_run_context_id: int64(row.context_id),
      task_details: row.tasks.map((task) => toApiTask(row.run_id, task, idByName)),
    }),
    state_history: row.state_history.map((entry) =>
      message({ update_time: protoTimestamp(new Date(entry.update_time)), state: entry.state }),
    ),
  });
}

export class RunStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(run: NewRun): Promise<RunRow> {
    const now = wholeSeconds(new Date());
    const result = await this.#pool.query<RunRow>(
      `INSERT INTO runs (run_id, display_name, description, experiment_id, namespace, pipeline_id,
         pipeline_version_id, pipeline_spec, pipeline_spec_text, runtime_config, service_account,
         created_at, scheduled_at, state, state_history, pipeline_context_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 'PENDING', $13, $14) RETURNING *`,
      [
        randomUUID(),
        run.displayName,
        run.description,
        run.experimentId,
        run.namespace,
        run.pipelineId,
        run.pipelineVersionId,
        run.pipelineSpec ? JSON.stringify(run.pipelineSpec) : null,
        run.pipelineSpecText,
        JSON.stringify(run.runtimeConfig),
        run.serviceAccount,
        now,
        history('PENDING', now),
        run.pipelineContextId,
      ],
    );
    return result.rows[0] as RunRow;
  }

  async get(runId: string): Promise<RunRow> {
    const result = await this.#pool.query<RunRow>('SELECT * FROM runs WHERE run_id = $1', [runId]);
    const row = result.rows[0];
    if (!row) throw notFound(`Failed to get run ${runId}: ResourceNotFoundError: Run ${runId} not found`);
    return row;
  }

  list(options: ListOptions, filter: { experimentId?: string }): Promise<ListPage<RunRow>> {
    const conditions: Condition[] = filter.experimentId
      ? [{ sql: 'experiment_id = ?', values: [filter.experimentId] }]
      : [];
    return listRows<RunRow>(this.#pool, 'runs', RUN_LIST, options, conditions);
  }

  async delete(runId: string): Promise<void> {
    await this.get(runId);
    await this.#pool.query('DELETE FROM runs WHERE run_id = $1', [runId]);
  }

  /** PENDING → RUNNING; false when the run is no longer pending (terminated meanwhile). */
  async markRunning(runId: string): Promise<boolean> {
    return this.#transition(runId, 'RUNNING', ['PENDING']);
  }

  /** → CANCELING from a terminable state. Unknown run: NOT_FOUND; finished run: INVALID_ARGUMENT. */
  async markCanceling(runId: string): Promise<void> {
    if (await this.#transition(runId, 'CANCELING', TERMINABLE)) return;
    const run = await this.get(runId);
    throw invalidArgument(`Failed to terminate a run ${runId}. Row not found: the run is ${run.state}`);
  }

  /** The final state, with its task details; false when the run had reached one already. */
  async finish(runId: string, outcome: RunOutcome, tasks: RunTask[]): Promise<boolean> {
    const now = new Date();
    const result = await this.#pool.query(
      `UPDATE runs SET state = $2, finished_at = $3, error = $4, tasks = $5, outputs = $6,
         state_history = state_history || $7::jsonb
       WHERE run_id = $1 AND NOT (state = ANY($8))`,
      [
        runId,
        outcome.state,
        wholeSeconds(now),
        outcome.error ? JSON.stringify(outcome.error) : null,
        JSON.stringify(tasks),
        outcome.outputs === undefined ? null : JSON.stringify(outcome.outputs),
        history(outcome.state, now),
        FINAL_STATES,
      ],
    );
    return result.rowCount === 1;
  }

  /** Runs waiting to execute, oldest first: the queue after a restart. */
  async pendingRunIds(): Promise<string[]> {
    const result = await this.#pool.query<{ run_id: string }>(
      "SELECT run_id FROM runs WHERE state = 'PENDING' ORDER BY created_at, run_id",
    );
    return result.rows.map((row) => row.run_id);
  }

  /** Runs left RUNNING or CANCELING by a server that is gone: their runner went with it. */
  async orphanedRunIds(): Promise<Array<{ runId: string; state: RuntimeState }>> {
    const result = await this.#pool.query<{ run_id: string; state: RuntimeState }>(
      "SELECT run_id, state FROM runs WHERE state IN ('RUNNING', 'CANCELING') ORDER BY created_at, run_id",
    );
    return result.rows.map((row) => ({ runId: row.run_id, state: row.state }));
  }

  async #transition(runId: string, to: RuntimeState, from: RuntimeState[]): Promise<boolean> {
    const result = await this.#pool.query(
      `UPDATE runs SET state = $2, state_history = state_history || $3::jsonb
       WHERE run_id = $1 AND state = ANY($4)`,
      [runId, to, history(to, new Date()), from],
    );
    return result.rowCount === 1;
  }
}
