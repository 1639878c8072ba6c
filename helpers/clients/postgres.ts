import pg from 'pg';
import { HintedError } from '../checks/check.js';
import { maskText } from '../config/mask.js';
import type { Config } from '../config/schema.js';
import { type CallSite, networkFailure } from './client-error.js';

export type PostgresSettings = Config['postgres'];

export interface PgCallOptions {
  timeoutMs?: number;
}

export interface ServerVersion {
  /** `SHOW server_version`, e.g. `15.14 (Debian 15.14-0+deb12u1)`. */
  version: string;
  /** Major version number, e.g. 15. */
  major: number;
  /** `SELECT version()`: build and platform. */
  description: string;
}

/**
 * One PostgreSQL connection, opened on first use and shared by every call until close(). A failed
 * connect is remembered, so later calls fail at once with the same message instead of waiting again.
 */
export class PostgresClient {
  /** `postgresql://user@host:port/database`: the address as it may be printed (no password). */
  readonly endpoint: string;
  readonly #settings: PostgresSettings;
  readonly #timeoutMs: number;
  #connecting: Promise<pg.Client> | undefined;
  #lost: Error | undefined;

  constructor(settings: PostgresSettings, options: { timeoutMs: number }) {
    this.#settings = settings;
    this.#timeoutMs = options.timeoutMs;
    this.endpoint = maskText(
      `postgresql://${encodeURIComponent(settings.user)}@${settings.host}:${settings.port}/${settings.database}`,
    );
  }

  /** Connects (once); `reused` tells whether an earlier connect answered. */
  async connect(options: PgCallOptions = {}): Promise<{ latencyMs: number; reused: boolean }> {
    const started = performance.now();
    const reused = this.#connecting !== undefined;
    this.#connecting ??= this.#open(options.timeoutMs ?? this.#timeoutMs);
    await this.#connecting;
    return { latencyMs: reused ? 0 : Math.round((performance.now() - started) * 10) / 10, reused };
  }

  async serverVersion(options: PgCallOptions = {}): Promise<ServerVersion> {
    const rows = await this.query<{ server_version: string; description: string; num: string }>(
      `SELECT current_setting('server_version') AS server_version, version() AS description,
              current_setting('server_version_num') AS num`,
      [],
      options,
    );
    const row = rows[0];
    if (!row) throw new HintedError(`${this.endpoint}: expected a server version, saw no row`);
    return { version: row.server_version, major: Math.floor(Number(row.num) / 10_000), description: row.description };
  }

  /** Base tables of a schema (default: the connection's current schema), sorted. */
  async tables(schema?: string, options: PgCallOptions = {}): Promise<{ schema: string; tables: string[] }> {
    const rows = await this.query<{ schema: string; table_name: string | null }>(
      `SELECT s.schema, t.table_name
         FROM (SELECT coalesce($1::text, current_schema()) AS schema) s
         LEFT JOIN information_schema.tables t
           ON t.table_schema = s.schema AND t.table_type = 'BASE TABLE'
        ORDER BY t.table_name`,
      [schema ?? null],
      options,
    );
    return {
      schema: rows[0]?.schema ?? schema ?? 'public',
      tables: rows.map((r) => r.table_name).filter((n): n is string => n !== null),
    };
  }

  /** A read query with its own deadline; rows as objects. */
  async query<R extends Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
    options: PgCallOptions = {},
  ): Promise<R[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const client = await this.#connected();
    if (this.#lost) throw this.#failure(this.#lost, 'query', 'an answer', timeoutMs);
    try {
      // query_timeout per call is honoured by pg at runtime though its types only list it per client.
      const result = await client.query({ text, values, query_timeout: timeoutMs } as pg.QueryConfig);
      return result.rows as R[];
    } catch (error) {
      throw this.#failure(error, `query "${firstLine(text)}"`, 'an answer', timeoutMs);
    }
  }

  /** Closes the connection; idempotent, never throws. */
  async close(): Promise<void> {
    const connecting = this.#connecting;
    this.#connecting = Promise.reject(new HintedError(`${this.endpoint}: client closed`));
    this.#connecting.catch(() => {});
    if (!connecting) return;
    try {
      const client = await connecting;
      await client.end();
    } catch {
      // never connected, or already gone: nothing to close
    }
  }

  async #connected(): Promise<pg.Client> {
    this.#connecting ??= this.#open(this.#timeoutMs);
    return this.#connecting;
  }

  async #open(timeoutMs: number): Promise<pg.Client> {
    const s = this.#settings;
    const client = new pg.Client({
      host: s.host,
      port: s.port,
      database: s.database,
      user: s.user,
      password: s.password,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: this.#timeoutMs,
      statement_timeout: this.#timeoutMs,
      application_name: 'kfp-e2e',
    });
    // A connection that drops later emits 'error'; unhandled, that would crash the run.
    client.on('error', (error) => {
      this.#lost = error;
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      client.end().catch(() => {});
      throw this.#failure(error, 'connect', 'a session', timeoutMs);
    }
  }

  #failure(error: unknown, what: string, expected: string, timeoutMs: number): HintedError {
    if (error instanceof HintedError) return error;
    const site: CallSite = {
      action: `${what} at ${this.endpoint}`,
      expected,
      host: this.#settings.host,
      port: this.#settings.port,
      timeoutMs,
    };
    const sqlstate = (error as { code?: unknown }).code;
    const hint = typeof sqlstate === 'string' ? SQLSTATE_HINTS[sqlstate] : undefined;
    if (hint && error instanceof Error) {
      return new HintedError(
        maskText(`${site.action}: expected ${expected}, saw ${error.message} (SQLSTATE ${sqlstate})`),
        hint,
        { cause: error },
      );
    }
    return networkFailure(error, site);
  }
}

/** SQLSTATE codes whose cause is clear enough to name the fix. */
const SQLSTATE_HINTS: Record<string, string> = {
  '28P01': 'wrong password for this user — check POSTGRES_USER and POSTGRES_PASSWORD',
  '28000':
    "the server refuses this user from this host (pg_hba.conf), or requires SSL — check POSTGRES_USER and the server's pg_hba.conf",
  '3D000': 'the database does not exist — check POSTGRES_DB (the database MLflow uses, usually "mlflow")',
  '57P03': 'PostgreSQL is still starting up — wait for it, then retry',
  '53300': "the server's max_connections is used up — close idle clients or raise max_connections",
  '42501': 'the user lacks privileges here — grant it access to the database and schema',
  '57014': 'the statement was cancelled by statement_timeout — the server is overloaded or a lock is held',
};

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
