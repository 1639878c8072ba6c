import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toEnv } from '../../config/export.js';
import type { Config } from '../../config/schema.js';
import { PROJECT_ROOT } from '../project-paths.js';
import { ManagedProcess } from './managed-process.js';
import { httpOk, waitReady } from './wait-ready.js';

export interface KfpApiOptions {
  dir: string;
  port: number;
  /** The configuration with the stack's endpoints: its PostgreSQL keeps the API's state; runs use the rest. */
  config: Config;
  persistent?: boolean;
}

export interface KfpApiProcess {
  process: ManagedProcess;
  url: string;
  readyMs: number;
}

/**
 * The local KFP v2beta1 API as its own process (helpers/stack/kfp-api/serve.ts), so that it can
 * outlive this one for a persistent stack and is stopped like every other service.
 */
export async function startKfpApiProcess(options: KfpApiOptions): Promise<KfpApiProcess> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const server = ManagedProcess.start({
    name: 'kfp-api',
    command: process.execPath,
    args: ['--import', tsx, join(PROJECT_ROOT, 'helpers/stack/kfp-api/serve.ts')],
    cwd: PROJECT_ROOT,
    env: {
      ...toEnv(options.config),
      KFP_API_PORT: String(options.port),
      KFP_API_HOST: '127.0.0.1',
      KFP_API_WORK_DIR: options.dir,
    },
    logFile: join(options.dir, 'kfp-api.log'),
    persistent: options.persistent,
  });
  const url = `http://127.0.0.1:${options.port}`;
  const readyMs = await waitReady(server, () => httpOk(`${url}/apis/v2beta1/healthz`), {
    timeoutMs: 60_000,
    hint: 'the local KFP API keeps its state in the stack PostgreSQL (database kfp); see its log above',
  });
  return { process: server, url, readyMs };
}
