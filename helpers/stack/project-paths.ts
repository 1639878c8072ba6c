import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: where package.json is, whatever the current directory. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Git-ignored folder with everything `npm run setup` provisions and the reusable stack's state. */
export const STACK_HOME = process.env.KFP_E2E_HOME ?? join(PROJECT_ROOT, '.stack');

export const NATIVE_PATHS = {
  minio: join(STACK_HOME, 'bin', 'minio'),
  venv: join(STACK_HOME, 'venv'),
  python: join(STACK_HOME, 'venv', 'bin', 'python'),
  mlflow: join(STACK_HOME, 'venv', 'bin', 'mlflow'),
  persistentStack: join(STACK_HOME, 'persistent'),
} as const;

/** The directory holding initdb/postgres/pg_ctl of the pinned major version, if installed. */
export function postgresBinDir(major: number): string | undefined {
  const candidates = [
    process.env.E2E_POSTGRES_BIN,
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/local/pgsql/bin`,
    `/opt/homebrew/opt/postgresql@${major}/bin`,
    `/usr/local/opt/postgresql@${major}/bin`,
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'postgres')));
}
