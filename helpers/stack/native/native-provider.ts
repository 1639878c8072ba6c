import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatSeconds } from '../../util/format-seconds.js';
import { ensureBuckets } from '../ensure-buckets.js';
import { NATIVE_PATHS, postgresBinDir } from '../project-paths.js';
import type { StackProviderDefinition, StackSpec, StartedStack } from '../provider.js';
import { StackStartError } from '../stack-start-error.js';
import { VERSIONS } from '../topology.js';
import { freePort } from './free-port.js';
import type { ManagedProcess } from './managed-process.js';
import { startMinio } from './minio.js';
import { startMlflow } from './mlflow.js';
import { startPostgres } from './postgres.js';

export function nativeAvailability(): { available: boolean; detail: string } {
  const missing = [
    postgresBinDir(VERSIONS.postgresMajor)
      ? undefined
      : `PostgreSQL ${VERSIONS.postgresMajor} (Debian package postgresql-${VERSIONS.postgresMajor})`,
    existsSync(NATIVE_PATHS.minio) ? undefined : `MinIO (${NATIVE_PATHS.minio})`,
    existsSync(NATIVE_PATHS.mlflow) ? undefined : `MLflow (${NATIVE_PATHS.mlflow})`,
  ].filter(Boolean);
  return missing.length === 0
    ? { available: true, detail: 'PostgreSQL, MinIO and MLflow installed natively' }
    : { available: false, detail: `not installed: ${missing.join(', ')}; run \`npm run setup\`` };
}

/** PostgreSQL, MinIO and MLflow as local processes, wired as in a cluster. */
export const nativeProvider: StackProviderDefinition = {
  name: 'native',
  available: async () => nativeAvailability(),
  async start(spec: StackSpec): Promise<StartedStack> {
    const started: ManagedProcess[] = [];
    const keep = (proc: ManagedProcess) => {
      started.push(proc);
      spec.track?.(proc.pid);
      return proc;
    };
    const stopAll = async () => {
      await Promise.all(started.reverse().map((proc) => proc.stop()));
    };
    // PostgreSQL runs as the `postgres` user when we are root: it must be able to reach its folder.
    chmodSync(spec.workDir, 0o711);
    const dir = (name: string) => {
      const path = join(spec.workDir, name);
      mkdirSync(path, { recursive: true });
      return path;
    };
    try {
      const [pgPort, minioPort, consolePort, mlflowPort] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      spec.log(`starting postgres :${pgPort} and minio :${minioPort}`);
      // allSettled, not all: when one fails the other may still be starting, and must be stopped too.
      const [pgResult, minioResult] = await Promise.allSettled([
        startPostgres({
          dir: dir('postgres'),
          port: pgPort as number,
          ...spec.postgres,
          persistent: spec.persistent,
        }).then((pg) => {
          keep(pg.process);
          spec.log(`postgres ready in ${formatSeconds(pg.readyMs)}`);
          return pg;
        }),
        startMinio({
          dir: dir('minio'),
          port: minioPort as number,
          consolePort: consolePort as number,
          accessKey: spec.minio.accessKey,
          secretKey: spec.minio.secretKey,
          persistent: spec.persistent,
        }).then(async (m) => {
          keep(m.process);
          await ensureBuckets({ endpoint: m.endpoint, ...spec.minio }, spec.buckets).catch((error: Error) => {
            throw new StackStartError('minio', `could not create buckets: ${error.message}`, 'check the bucket names');
          });
          spec.log(`minio ready in ${formatSeconds(m.readyMs)}, ${spec.buckets.length} buckets`);
          return m;
        }),
      ]);
      if (pgResult.status === 'rejected') throw pgResult.reason;
      if (minioResult.status === 'rejected') throw minioResult.reason;
      const [postgres, minio] = [pgResult.value, minioResult.value];
      spec.log(`starting mlflow :${mlflowPort} (first start migrates its schema)`);
      const mlflow = await startMlflow({
        dir: dir('mlflow'),
        port: mlflowPort as number,
        postgres: { port: postgres.port, ...spec.postgres },
        minio: { endpoint: minio.endpoint, ...spec.minio },
        artifactsBucket: spec.mlflowArtifactsBucket,
        persistent: spec.persistent,
      });
      keep(mlflow.process);
      spec.log(`mlflow ready in ${formatSeconds(mlflow.readyMs)}`);
      return {
        provider: 'native',
        values: {
          'minio.endpoint': minio.endpoint,
          'minio.accessKey': spec.minio.accessKey,
          'minio.secretKey': spec.minio.secretKey,
          'minio.region': spec.minio.region,
          'mlflow.trackingUri': mlflow.trackingUri,
          'postgres.host': '127.0.0.1',
          'postgres.port': postgres.port,
          'postgres.database': spec.postgres.database,
          'postgres.user': spec.postgres.user,
          'postgres.password': spec.postgres.password,
        },
        services: [
          {
            name: 'postgres',
            endpoint: `127.0.0.1:${postgres.port}`,
            pid: postgres.process.pid,
            logFile: postgres.process.spec.logFile,
            startMs: postgres.readyMs,
          },
          {
            name: 'minio',
            endpoint: minio.endpoint,
            pid: minio.process.pid,
            logFile: minio.process.spec.logFile,
            startMs: minio.readyMs,
          },
          {
            name: 'mlflow',
            endpoint: mlflow.trackingUri,
            pid: mlflow.process.pid,
            logFile: mlflow.process.spec.logFile,
            startMs: mlflow.readyMs,
          },
        ],
        stop: stopAll,
      };
    } catch (error) {
      await stopAll();
      throw error;
    }
  },
};
