import { readFileSync } from 'node:fs';
import pg from 'pg';
import { maskText, registerSecret } from '../../config/mask.js';

/** Where the local KFP API keeps its data: a database of its own on the stack's PostgreSQL. */
export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Created when missing. */
  database: string;
}

const SCHEMA_SQL = new URL('./schema.sql', import.meta.url);
/** Any fixed number: serialises concurrent migrations of the same database. */
const MIGRATION_LOCK = 7_311_042;
const CONNECT_TIMEOUT_MS = 5000;
const STATEMENT_TIMEOUT_MS = 30_000;

/** Creates the database if it does not exist (two servers racing for it are fine). */
export async function ensureDatabase(settings: DatabaseSettings): Promise<void> {
  const client = new pg.Client({
    ...settings,
    database: 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [settings.database]);
    if (exists.rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${pg.escapeIdentifier(settings.database)}`)
        .catch((error: { code?: string }) => {
          // 42P04 duplicate_database: another process created it between the check and here.
          if (error.code !== '42P04') throw error;
        });
    }
  } finally {
    await client.end();
  }
}

/** Applies schema.sql (idempotent) under an advisory lock. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(readFileSync(SCHEMA_SQL, 'utf8'));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The pool the stores share: database ensured, schema migrated. Errors of idle clients are logged, never thrown. */
export async function openDatabase(settings: DatabaseSettings, log: (line: string) => void): Promise<pg.Pool> {
  registerSecret(settings.password);
  await ensureDatabase(settings);
  const pool = new pg.Pool({
    ...settings,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  pool.on('error', (error) => log(maskText(`kfp-api: database connection error: ${error.message}`)));
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return pool;
}

/** A PostgreSQL unique violation (duplicate name). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}
