import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isUniqueViolation } from './database.js';
import type { FieldMap } from './filter.js';
import { ApiError, alreadyExists, GrpcCode, invalidArgument, notFound } from './grpc-status.js';
import type { ListOptions, ListSpec } from './list-query.js';
import { type ListPage, listRows } from './list-rows.js';
import { EPOCH, message, protoTimestamp, wholeSeconds } from './proto-json.js';

/** Experiments (v2beta1 Experiment) in PostgreSQL, and the single-user "Default" experiment. */

export interface ExperimentRow extends Record<string, unknown> {
  experiment_id: string;
  display_name: string;
  description: string;
  namespace: string;
  created_at: Date;
  storage_state: string;
  last_run_created_at: Date;
}

/** The experiment a KFP server in single-user mode creates at start, and puts runs without one in. */
export const DEFAULT_EXPERIMENT = {
  name: 'Default',
  description: 'All runs created without specifying an experiment will be grouped here.',
} as const;
const DEFAULT_EXPERIMENT_KEY = 'default_experiment_id';

const text = (column: string) => ({ column, type: 'text' as const });
const time = (column: string) => ({ column, type: 'timestamp' as const });

const EXPERIMENT_FIELDS: FieldMap = {
  experiment_id: text('experiment_id'),
  id: text('experiment_id'),
  display_name: text('display_name'),
  name: text('display_name'),
  created_at: time('created_at'),
  last_run_created_at: time('last_run_created_at'),
  description: text('description'),
  namespace: text('namespace'),
  storage_state: text('storage_state'),
};

export const EXPERIMENT_LIST: ListSpec = { fields: EXPERIMENT_FIELDS, keyColumn: 'experiment_id' };

export function toApiExperiment(row: ExperimentRow): Record<string, unknown> {
  return message({
    experiment_id: row.experiment_id,
    display_name: row.display_name,
    description: row.description,
    created_at: protoTimestamp(row.created_at),
    namespace: row.namespace,
    storage_state: row.storage_state,
    last_run_created_at:
      row.last_run_created_at.getTime() === EPOCH.getTime() ? undefined : protoTimestamp(row.last_run_created_at),
  });
}

export class ExperimentStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(experiment: { displayName: string; description: string; namespace: string }): Promise<ExperimentRow> {
    if (experiment.displayName.trim() === '') {
      throw invalidArgument('Experiment name is empty. Please specify a valid experiment name');
    }
    try {
      const result = await this.#pool.query<ExperimentRow>(
        `INSERT INTO experiments (experiment_id, display_name, description, namespace, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [randomUUID(), experiment.displayName, experiment.description, experiment.namespace, wholeSeconds(new Date())],
      );
      return result.rows[0] as ExperimentRow;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw alreadyExists(
          `Failed to create a new experiment. The name ${experiment.displayName} already exists. Please specify a new name`,
        );
      }
      throw error;
    }
  }

  async get(experimentId: string): Promise<ExperimentRow> {
    const result = await this.#pool.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1', [
      experimentId,
    ]);
    const row = result.rows[0];
    if (!row) {
      throw notFound(
        `Failed to get experiment ${experimentId}: ResourceNotFoundError: Experiment ${experimentId} not found`,
      );
    }
    return row;
  }

  list(options: ListOptions): Promise<ListPage<ExperimentRow>> {
    return listRows<ExperimentRow>(this.#pool, 'experiments', EXPERIMENT_LIST, options);
  }

  async delete(experimentId: string): Promise<void> {
    await this.get(experimentId);
    await this.#pool.query('DELETE FROM experiments WHERE experiment_id = $1', [experimentId]);
  }

  async touchLastRun(experimentId: string, at: Date): Promise<void> {
    await this.#pool.query('UPDATE experiments SET last_run_created_at = $2 WHERE experiment_id = $1', [
      experimentId,
      at,
    ]);
  }

  /**
   * The default experiment, created on first use and remembered: a deleted one is made again
   * (under the same name) when a run needs it.
   */
  async defaultExperiment(): Promise<ExperimentRow> {
    const setting = await this.#pool.query<{ value: string }>('SELECT value FROM kfp_settings WHERE key = $1', [
      DEFAULT_EXPERIMENT_KEY,
    ]);
    const id = setting.rows[0]?.value;
    if (id) {
      const found = await this.#pool.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1', [id]);
      if (found.rows[0]) return found.rows[0];
    }
    const byName = async () =>
      (
        await this.#pool.query<ExperimentRow>("SELECT * FROM experiments WHERE display_name = $1 AND namespace = ''", [
          DEFAULT_EXPERIMENT.name,
        ])
      ).rows[0];
    const row =
      (await byName()) ??
      (await this.create({
        displayName: DEFAULT_EXPERIMENT.name,
        description: DEFAULT_EXPERIMENT.description,
        namespace: '',
      }).catch(async (error: unknown) => {
        // Two requests made it at once: the other one's is as good.
        const other = error instanceof ApiError && error.code === GrpcCode.ALREADY_EXISTS ? await byName() : undefined;
        if (!other) throw error;
        return other;
      }));
    await this.#pool.query(
      `INSERT INTO kfp_settings (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [DEFAULT_EXPERIMENT_KEY, row.experiment_id],
    );
    return row;
  }
}
