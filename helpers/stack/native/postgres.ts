import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinDir } from '../project-paths.js';
import { StackStartError } from '../stack-start-error.js';
import { VERSIONS } from '../topology.js';
import { ManagedProcess } from './managed-process.js';
import { waitReady } from './wait-ready.js';

export interface NativePostgres {
  process: ManagedProcess;
  port: number;
  readyMs: number;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` system user. */
function serverIdentity(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', timeout: 2000 }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', timeout: 2000 }).trim());
    return { uid, gid };
  } catch {
    throw new StackStartError(
      'postgres',
      'running as root and there is no `postgres` system user to run the server as',
      'install PostgreSQL from your distribution (it creates the user) or run as a normal user',
    );
  }
}

export interface PostgresOptions {
  dir: string;
  port: number;
  user: string;
  password: string;
  database: string;
  persistent?: boolean;
}

/** initdb into `dir`, start the server on `port` (loopback only), create the database. */
export async function startPostgres(options: PostgresOptions): Promise<NativePostgres> {
  const bin = postgresBinDir(VERSIONS.postgresMajor);
  if (!bin) {
    throw new StackStartError(
      'postgres',
      `PostgreSQL ${VERSIONS.postgresMajor} binaries not found`,
      'run `npm run setup` (installs Debian postgresql) or set E2E_POSTGRES_BIN',
    );
  }
  const identity = serverIdentity();
  const dataDir = join(options.dir, 'data');
  const socketDir = join(options.dir, 'socket');
  mkdirSync(socketDir, { recursive: true });
  const pwFile = join(options.dir, 'pwfile');
  writeFileSync(pwFile, `${options.password}\n`, { mode: 0o600 });
  if (identity.uid !== undefined && identity.gid !== undefined) {
    for (const path of [options.dir, socketDir, pwFile]) chownSync(path, identity.uid, identity.gid);
  }
  chmodSync(options.dir, 0o700);
  const logFile = join(options.dir, 'postgres.log');
  await ManagedProcess.run(
    {
      name: 'postgres',
      command: join(bin, 'initdb'),
      args: [
        '-D',
        dataDir,
        '-U',
        options.user,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--no-sync',
      ],
      logFile,
      ...identity,
    },
    60_000,
    'check the disk space and that the data directory is writable',
  );
  const server = ManagedProcess.start({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      // A test database: durability is not needed, start and write speed are.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    logFile,
    persistent: options.persistent,
    ...identity,
  });
  const connect = {
    host: '127.0.0.1',
    port: options.port,
    user: options.user,
    password: options.password,
    connectionTimeoutMillis: 1000,
  };
  const readyMs = await waitReady(
    server,
    async () => {
      const client = new pg.Client({ ...connect, database: 'postgres' });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(options.database)}`);
      } finally {
        await client.end();
      }
      return true;
    },
    { timeoutMs: 30_000, hint: `is port ${options.port} free? is another PostgreSQL using the data dir?` },
  );
  return { process: server, port: options.port, readyMs };
}
