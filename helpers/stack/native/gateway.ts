import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toEnv } from '../../config/export.js';
import type { Config } from '../../config/schema.js';
import { NATIVE_PATHS, PROJECT_ROOT } from '../project-paths.js';
import { StackStartError } from '../stack-start-error.js';
import { ManagedProcess } from './managed-process.js';
import { httpOk, waitReady } from './wait-ready.js';

export const REFERENCE_SYSTEM_DIR = join(PROJECT_ROOT, 'fixtures', 'poblesec');

export interface GatewayOptions {
  dir: string;
  port: number;
  /** The configuration with the stack's endpoints: where the gateway finds MinIO and MLflow. */
  config: Config;
  persistent?: boolean;
}

export interface NativeGateway {
  process: ManagedProcess;
  url: string;
  readyMs: number;
}

/**
 * The reference model gateway (FastAPI). It starts before any model is promoted — `/health`
 * then says `no_model` — and picks up the promotion pointer of the configured dataset and
 * identifier as soon as a run writes it.
 */
export async function startGateway(options: GatewayOptions): Promise<NativeGateway> {
  if (!existsSync(NATIVE_PATHS.python)) {
    throw new StackStartError(
      'gateway',
      `no Python in ${NATIVE_PATHS.venv}`,
      'run `npm run setup` (creates the project virtualenv)',
    );
  }
  const server = ManagedProcess.start({
    name: 'gateway',
    command: NATIVE_PATHS.python,
    args: ['-m', 'gateway', '--host', '127.0.0.1', '--port', String(options.port), '--log-level', 'warning'],
    cwd: REFERENCE_SYSTEM_DIR,
    env: {
      ...toEnv(options.config),
      DATASET: options.config.run.dataset,
      IDENTIFIER: options.config.run.identifier,
      GATEWAY_POLL_SECONDS: '2',
      PYTHONUNBUFFERED: '1',
    },
    logFile: join(options.dir, 'gateway.log'),
    persistent: options.persistent,
  });
  const url = `http://127.0.0.1:${options.port}`;
  const readyMs = await waitReady(server, () => httpOk(`${url}/health`), {
    timeoutMs: 60_000,
    hint: 'the gateway needs MinIO and MLflow; see its log above',
  });
  return { process: server, url, readyMs };
}
