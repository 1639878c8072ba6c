import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isUniqueViolation } from './database.js';
import type { FieldMap } from './filter.js';
import { alreadyExists, failedPrecondition, notFound } from './grpc-status.js';
import type { ListOptions, ListSpec } from './list-query.js';
import { type ListPage, listRows } from './list-rows.js';
import type { PipelinePackage } from './pipeline-package.js';
import { message, protoTimestamp, wholeSeconds } from './proto-json.js';

/** Pipelines and their versions (v2beta1 Pipeline, PipelineVersion) in PostgreSQL. */

export interface PipelineRow extends Record<string, unknown> {
  pipeline_id: string;
  name: string;
  display_name: string;
  description: string;
  namespace: string;
  created_at: Date;
  /** run_details.pipeline_context_id of its runs (bigserial: pg returns it as a string). */
  context_id: string;
}

export interface VersionRow extends Record<string, unknown> {
  pipeline_version_id: string;
  pipeline_id: string;
  name: string;
  display_name: string;
  description: string;
  code_source_url: string;
  created_at: Date;
  pipeline_spec_text: string;
  pipeline_spec: Record<string, unknown>;
}

export interface NewPipeline {
  name: string;
  displayName: string;
  description: string;
  namespace: string;
}

export interface NewVersion {
  name: string;
  displayName: string;
  description: string;
  codeSourceUrl: string;
  pkg: PipelinePackage;
}

const text = (column: string) => ({ column, type: 'text' as const });
const time = (column: string) => ({ column, type: 'timestamp' as const });

/** Sortable and filterable fields, as the KFP server's pipeline model maps them. */
const PIPELINE_FIELDS: FieldMap = {
  pipeline_id: text('pipeline_id'),
  id: text('pipeline_id'),
  name: text('name'),
  display_name: text('display_name'),
  created_at: time('created_at'),
  description: text('description'),
  namespace: text('namespace'),
};

const VERSION_FIELDS: FieldMap = {
  pipeline_version_id: text('pipeline_version_id'),
  id: text('pipeline_version_id'),
  name: text('name'),
  display_name: text('display_name'),
  created_at: time('created_at'),
  description: text('description'),
  pipeline_id: text('pipeline_id'),
};

export const PIPELINE_LIST: ListSpec = { fields: PIPELINE_FIELDS, keyColumn: 'pipeline_id' };
export const VERSION_LIST: ListSpec = { fields: VERSION_FIELDS, keyColumn: 'pipeline_version_id' };

export function toApiPipeline(row: PipelineRow): Record<string, unknown> {
  return message({
    pipeline_id: row.pipeline_id,
    name: row.name,
    display_name: row.display_name,
    description: row.description,
    created_at: protoTimestamp(row.created_at),
    namespace: row.namespace,
  });
}

export function toApiVersion(row: VersionRow): Record<string, unknown> {
  return message({
    pipeline_id: row.pipeline_id,
    pipeline_version_id: row.pipeline_version_id,
    name: row.name,
    display_name: row.display_name,
    description: row.description,
    created_at: protoTimestamp(row.created_at),
    code_source_url: row.code_source_url,
    pipeline_spec: row.pipeline_spec,
  });
}

export class PipelineStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** A pipeline and its first version, in one transaction (the upload endpoint). */
  async createWithVersion(pipeline: NewPipeline, version: NewVersion): Promise<PipelineRow> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const created = await client
        .query<PipelineRow>(
          `INSERT INTO pipelines (pipeline_id, name, display_name, description, namespace, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          [
            randomUUID(),
            pipeline.name,
            pipeline.displayName,
            pipeline.description,
            pipeline.namespace,
            wholeSeconds(new Date()),
          ],
        )
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) {
            throw alreadyExists(
              `Failed to create a new pipeline. The name ${pipeline.name} already exists. Please specify a new name`,
            );
          }
          throw error;
        });
      const row = created.rows[0] as PipelineRow;
      await insertVersion(client, row.pipeline_id, version);
      await client.query('COMMIT');
      return row;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async createVersion(pipelineId: string, version: NewVersion): Promise<VersionRow> {
    await this.getPipeline(pipelineId);
    return insertVersion(this.#pool, pipelineId, version);
  }

  async getPipeline(pipelineId: string): Promise<PipelineRow> {
    const result = await this.#pool.query<PipelineRow>('SELECT * FROM pipelines WHERE pipeline_id = $1', [pipelineId]);
    const row = result.rows[0];
    if (!row)
      throw notFound(`Failed to get pipeline ${pipelineId}: ResourceNotFoundError: Pipeline ${pipelineId} not found`);
    return row;
  }

  async getPipelineByName(name: string, namespace: string): Promise<PipelineRow> {
    const result = await this.#pool.query<PipelineRow>('SELECT * FROM pipelines WHERE name = $1 AND namespace = $2', [
      name,
      namespace,
    ]);
    const row = result.rows[0];
    if (!row) throw notFound(`Failed to get pipeline by name: ResourceNotFoundError: Pipeline ${name} not found`);
    return row;
  }

  listPipelines(options: ListOptions): Promise<ListPage<PipelineRow>> {
    return listRows<PipelineRow>(this.#pool, 'pipelines', PIPELINE_LIST, options);
  }

  /** Refused while the pipeline has versions, as on the KFP server. */
  async deletePipeline(pipelineId: string): Promise<void> {
    await this.getPipeline(pipelineId);
    const versions = await this.#pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM pipeline_versions WHERE pipeline_id = $1',
      [pipelineId],
    );
    const count = Number(versions.rows[0]?.n ?? 0);
    if (count > 0) {
      throw failedPrecondition(
        `Failed to delete pipeline ${pipelineId}: it has ${count} pipeline version(s). Delete all its pipeline versions first`,
      );
    }
    await this.#pool.query('DELETE FROM pipelines WHERE pipeline_id = $1', [pipelineId]);
  }

  /** By version id alone: the KFP server does not check the pipeline id of the path either. */
  async getVersion(versionId: string): Promise<VersionRow> {
    const result = await this.#pool.query<VersionRow>(
      'SELECT * FROM pipeline_versions WHERE pipeline_version_id = $1',
      [versionId],
    );
    const row = result.rows[0];
    if (!row) {
      throw notFound(
        `Failed to get pipeline version ${versionId}: ResourceNotFoundError: PipelineVersion ${versionId} not found`,
      );
    }
    return row;
  }

  /** The newest version of a pipeline: what a run that names only the pipeline executes. */
  async latestVersion(pipelineId: string): Promise<VersionRow> {
    await this.getPipeline(pipelineId);
    const result = await this.#pool.query<VersionRow>(
      'SELECT * FROM pipeline_versions WHERE pipeline_id = $1 ORDER BY created_at DESC, pipeline_version_id DESC LIMIT 1',
      [pipelineId],
    );
    const row = result.rows[0];
    if (!row) throw notFound(`Failed to get the latest version of pipeline ${pipelineId}: it has no versions`);
    return row;
  }

  listVersions(pipelineId: string, options: ListOptions): Promise<ListPage<VersionRow>> {
    return listRows<VersionRow>(this.#pool, 'pipeline_versions', VERSION_LIST, options, [
      { sql: 'pipeline_id = ?', values: [pipelineId] },
    ]);
  }

  async deleteVersion(versionId: string): Promise<void> {
    await this.getVersion(versionId);
    await this.#pool.query('DELETE FROM pipeline_versions WHERE pipeline_version_id = $1', [versionId]);
  }
}

async function insertVersion(
  db: pg.Pool | pg.PoolClient,
  pipelineId: string,
  version: NewVersion,
): Promise<VersionRow> {
  try {
    const result = await db.query<VersionRow>(
      `INSERT INTO pipeline_versions (pipeline_version_id, pipeline_id, name, display_name, description,
         code_source_url, created_at, pipeline_spec_text, pipeline_spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        randomUUID(),
        pipelineId,
        version.name,
        version.displayName,
        version.description,
        version.codeSourceUrl,
        wholeSeconds(new Date()),
        version.pkg.text,
        JSON.stringify(version.pkg.pipelineSpec),
      ],
    );
    return result.rows[0] as VersionRow;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw alreadyExists(
        `Failed to create a new pipeline version. The name ${version.name} already exists in pipeline ${pipelineId}. Please specify a new name`,
      );
    }
    throw error;
  }
}
