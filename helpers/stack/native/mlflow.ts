import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { NATIVE_PATHS } from '../project-paths.js';
import { StackStartError } from '../stack-start-error.js';
import { MLFLOW_HEALTH_PATH, mlflowServerArgs, mlflowServerEnv, postgresUri } from '../topology.js';
import { ManagedProcess } from './managed-process.js';
import { httpOk, waitReady } from './wait-ready.js';

export interface MlflowOptions {
  dir: string;
  port: number;
  postgres: { port: number; user: string; password: string; database: string };
  minio: { endpoint: string; accessKey: string; secretKey: string };
  artifactsBucket: string;
  persistent?: boolean;
}

export interface NativeMlflow {
  process: ManagedProcess;
  trackingUri: string;
  readyMs: number;
}

/** Ready means /health answers and one real API call (experiments search) goes through the store. */
async function apiAnswers(trackingUri: string): Promise<boolean> {
  const response = await request(`${trackingUri}/api/2.0/mlflow/experiments/search`, {
    method: 'POST',
    body: JSON.stringify({ max_results: 1 }),
    headers: { 'content-type': 'application/json' },
    headersTimeout: 2000,
    bodyTimeout: 2000,
    signal: AbortSignal.timeout(3000),
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`experiments/search answered HTTP ${response.statusCode}`);
  return true;
}

/** The MLflow server's arguments and environment for the native wiring (pure: compared with the containers'). */
export function nativeMlflowLaunch(options: Omit<MlflowOptions, 'dir' | 'persistent'>): {
  args: string[];
  env: Record<string, string>;
} {
  const { postgres, minio } = options;
  return {
    args: mlflowServerArgs({
      host: '127.0.0.1',
      port: options.port,
      backendStoreUri: postgresUri(postgres.user, postgres.password, '127.0.0.1', postgres.port, postgres.database),
      artifactsBucket: options.artifactsBucket,
      // Any loopback port, not only its own: the server listens on loopback alone, and a client may
      // reach it through a forward or proxy on another port (the cluster target's port-forwards
      // do exactly that). Other host names stay refused, which is what MLflow's check is for.
      allowedHosts: ['127.0.0.1', '127.0.0.1:*', 'localhost', 'localhost:*'],
    }),
    env: mlflowServerEnv(minio.endpoint, minio.accessKey, minio.secretKey),
  };
}

export async function startMlflow(options: MlflowOptions): Promise<NativeMlflow> {
  if (!existsSync(NATIVE_PATHS.mlflow)) {
    throw new StackStartError(
      'mlflow',
      `no mlflow in ${NATIVE_PATHS.venv}`,
      'run `npm run setup` (creates the project virtualenv)',
    );
  }
  const launch = nativeMlflowLaunch(options);
  const server = ManagedProcess.start({
    name: 'mlflow',
    command: NATIVE_PATHS.mlflow,
    args: launch.args,
    env: launch.env,
    logFile: join(options.dir, 'mlflow.log'),
    persistent: options.persistent,
  });
  const trackingUri = `http://127.0.0.1:${options.port}`;
  const readyMs = await waitReady(
    server,
    async () => (await httpOk(`${trackingUri}${MLFLOW_HEALTH_PATH}`)) && apiAnswers(trackingUri),
    {
      // The first start migrates an empty database: the slow part of a cold stack.
      timeoutMs: 180_000,
      hint: 'MLflow needs PostgreSQL (backend store) and MinIO (artifacts); see its log above',
    },
  );
  return { process: server, trackingUri, readyMs };
}
