import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NATIVE_PATHS } from '../project-paths.js';
import { StackStartError } from '../stack-start-error.js';
import { MINIO_READY_PATH, minioServerArgs } from '../topology.js';
import { ManagedProcess } from './managed-process.js';
import { httpOk, waitReady } from './wait-ready.js';

export interface MinioOptions {
  dir: string;
  port: number;
  consolePort: number;
  accessKey: string;
  secretKey: string;
  persistent?: boolean;
}

export interface NativeMinio {
  process: ManagedProcess;
  endpoint: string;
  readyMs: number;
}

export async function startMinio(options: MinioOptions): Promise<NativeMinio> {
  if (!existsSync(NATIVE_PATHS.minio)) {
    throw new StackStartError(
      'minio',
      `no MinIO binary at ${NATIVE_PATHS.minio}`,
      'run `npm run setup` (builds MinIO from its Go module)',
    );
  }
  const dataDir = join(options.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const server = ManagedProcess.start({
    name: 'minio',
    command: NATIVE_PATHS.minio,
    args: minioServerArgs(dataDir, `127.0.0.1:${options.port}`, `127.0.0.1:${options.consolePort}`),
    env: {
      MINIO_ROOT_USER: options.accessKey,
      MINIO_ROOT_PASSWORD: options.secretKey,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
      MINIO_CALLHOME_ENABLE: 'off',
    },
    logFile: join(options.dir, 'minio.log'),
    persistent: options.persistent,
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const readyMs = await waitReady(server, () => httpOk(`${endpoint}${MINIO_READY_PATH}`), {
    timeoutMs: 30_000,
    hint: `is port ${options.port} free? MinIO needs a writable data dir (${dataDir})`,
  });
  return { process: server, endpoint, readyMs };
}
