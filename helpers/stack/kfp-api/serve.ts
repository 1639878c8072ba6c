import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { toEnv } from '../../config/export.js';
import { maskText } from '../../config/mask.js';
import { resolveConfig } from '../../config/resolve.js';
import { PROJECT_ROOT } from '../project-paths.js';
import { startLocalKfpApi } from './server.js';

/**
 * Runs the local KFP API by hand, configured from the environment like the suite:
 *
 *   node --import tsx helpers/stack/kfp-api/serve.ts
 *
 * PostgreSQL and the runner's services come from the suite's configuration (POSTGRES_*, MINIO_*,
 * MLFLOW_TRACKING_URI, … or E2E_CONFIG); KFP_API_PORT (default 8888, the local preset's KFP_HOST
 * port), KFP_API_HOST (127.0.0.1), KFP_API_DATABASE (kfp) and KFP_API_WORK_DIR (a temp dir)
 * are this server's own. Ctrl-C stops it, and a running run with it.
 */
async function main(): Promise<number> {
  let config: ReturnType<typeof resolveConfig>['config'];
  try {
    ({ config } = resolveConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const port = Number(process.env.KFP_API_PORT ?? 8888);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`KFP_API_PORT: expected a port number, saw ${JSON.stringify(process.env.KFP_API_PORT)}\n`);
    return 2;
  }
  const api = await startLocalKfpApi({
    port,
    host: process.env.KFP_API_HOST ?? '127.0.0.1',
    database: {
      host: config.postgres.host,
      port: config.postgres.port,
      user: config.postgres.user,
      password: config.postgres.password,
      database: process.env.KFP_API_DATABASE ?? 'kfp',
    },
    runnerEnv: toEnv(config),
    projectRoot: PROJECT_ROOT,
    workDir: process.env.KFP_API_WORK_DIR ?? mkdtempSync(join(tmpdir(), 'kfp-api-')),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${api.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await api.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`${maskText(`kfp-api: ${error.message}`)}\n`);
    process.exitCode = 1;
  },
);
