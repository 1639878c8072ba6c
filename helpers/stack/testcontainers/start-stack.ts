import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { maskText, registerSecret } from '../../config/mask.js';
import { formatSeconds } from '../../util/format-seconds.js';
import { describeLast, retryUntil } from '../../util/retry-until.js';
import { ensureBuckets } from '../ensure-buckets.js';
import type { StackSpec, StartedService, StartedStack } from '../provider.js';
import { StackStartError } from '../stack-start-error.js';
import type { ContainerDefinition, ContainerService } from './container-definition.js';
import { ContainerLog } from './container-log.js';
import type { StackImages } from './images.js';
import { waitForMlflowApi } from './mlflow-api-ready.js';
import { defineStack } from './stack-definition.js';
import { ContainerStartError, type RunningContainer, type RunningNetwork, type StackRuntime } from './stack-runtime.js';
import { StackTeardown } from './stack-teardown.js';
import { clientHost, httpEndpoint, stackValues } from './stack-values.js';

export interface StartStackOptions {
  runtime: StackRuntime;
  images: StackImages;
  /** Deadline of one request to MinIO or MLflow. */
  requestTimeoutMs?: number;
  /** How long bucket creation may keep retrying once MinIO is ready. */
  bucketTimeoutMs?: number;
  /** How long MLflow's API may take to answer through its store once /health is up. */
  mlflowApiTimeoutMs?: number;
}

const RUNTIME = 'container runtime';
const FALLBACK = 'or run without containers: STACK=native after `npm run setup`';

/** What to try when a service does not come up. */
export function startHint(
  service: ContainerService | typeof RUNTIME,
  phase: 'build' | 'start' | 'ready' = 'start',
): string {
  switch (service) {
    case RUNTIME:
      return `check the engine answers (\`docker info\`); with Podman set DOCKER_HOST to its socket; ${FALLBACK}`;
    case 'postgres':
      return `check that the image can be pulled (E2E_POSTGRES_IMAGE points at a mirror) and the engine has disk space; ${FALLBACK}`;
    case 'minio':
      return phase === 'ready'
        ? 'MinIO answered ready but refused the buckets: check the bucket names and the MinIO credentials (MINIO_ACCESS_KEY, MINIO_SECRET_KEY)'
        : `check that the image can be pulled (E2E_MINIO_IMAGE points at a mirror) and that the credentials are valid for MinIO (access key ≥ 3 chars, secret key ≥ 8); ${FALLBACK}`;
    case 'mlflow':
      if (phase === 'build') {
        return `the image is built from helpers/stack/testcontainers/mlflow/Dockerfile and needs PyPI once; run \`docker build helpers/stack/testcontainers/mlflow\` to see the full output (E2E_MLFLOW_IMAGE sets its base); ${FALLBACK}`;
      }
      return `MLflow needs PostgreSQL (backend store) and MinIO (artifacts): look for database or S3 errors in its log above; ${FALLBACK}`;
  }
}

/**
 * Starts the container stack: one network; PostgreSQL and MinIO in parallel; the buckets; then
 * MLflow on top of both. Whatever started is stopped again when a later step fails.
 */
export async function startStack(spec: StackSpec, options: StartStackOptions): Promise<StartedStack> {
  const { runtime, images } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  // Container logs and error messages may echo credentials (connection strings, env dumps).
  for (const secret of [spec.postgres.password, spec.minio.secretKey, spec.minio.accessKey]) registerSecret(secret);
  const say = (line: string) => spec.log(maskText(line));

  mkdirSync(spec.workDir, { recursive: true });
  const logs: Record<ContainerService, ContainerLog> = {
    postgres: new ContainerLog(join(spec.workDir, 'postgres.log')),
    minio: new ContainerLog(join(spec.workDir, 'minio.log')),
    mlflow: new ContainerLog(join(spec.workDir, 'mlflow.log')),
  };
  const teardown = new StackTeardown(say);
  const stop = () => teardown.stop();

  const start = async (
    definition: ContainerDefinition,
    on: RunningNetwork,
  ): Promise<{ container: RunningContainer; readyMs: number }> => {
    const began = performance.now();
    try {
      const container = await runtime.start(definition, on, logs[definition.service]);
      teardown.track(definition.service, container);
      return { container, readyMs: performance.now() - began };
    } catch (error) {
      const phase = error instanceof ContainerStartError ? error.phase : 'start';
      throw new StackStartError(
        definition.service,
        `${definition.image}: ${describeLast(error)}`,
        startHint(definition.service, phase),
        logs[definition.service].tail(),
      );
    }
  };

  try {
    let runtimeHost: string;
    let net: RunningNetwork;
    try {
      runtimeHost = await runtime.host();
      net = await runtime.startNetwork();
      teardown.trackNetwork(net);
    } catch (error) {
      throw new StackStartError(RUNTIME, describeLast(error), startHint(RUNTIME));
    }
    const host = clientHost(runtimeHost);
    const definition = defineStack(spec, { images, runtimeHost });
    say(
      `starting postgres (${definition.postgres.image}) and minio (${definition.minio.image}) on network ${net.name}`,
    );

    const [pg, minio] = await Promise.allSettled([start(definition.postgres, net), start(definition.minio, net)]);
    if (pg.status === 'rejected' || minio.status === 'rejected') {
      const failed = [pg, minio].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      // Only one error can be thrown: the other one's first line goes to the progress output.
      if (failed.length === 2) say(describeLast(failed[1]?.reason).split('\n')[0] ?? '');
      throw failed[0]?.reason;
    }
    const postgresPort = pg.value.container.mappedPort(definition.postgres.port);
    const minioPort = minio.value.container.mappedPort(definition.minio.port);
    const minioEndpoint = httpEndpoint(host, minioPort);
    say(`postgres ready in ${formatSeconds(pg.value.readyMs)} at ${host}:${postgresPort}`);
    say(`minio ready in ${formatSeconds(minio.value.readyMs)} at ${minioEndpoint}`);

    try {
      await retryUntil(
        () =>
          ensureBuckets({ endpoint: minioEndpoint, ...spec.minio }, definition.buckets, requestTimeoutMs).then(
            () => true,
          ),
        (ok) => ok,
        (elapsed, last) => `not created within ${elapsed} ms (last error: ${describeLast(last)})`,
        { timeoutMs: options.bucketTimeoutMs ?? 30_000, intervalMs: 200, maxIntervalMs: 2000 },
      );
    } catch (error) {
      throw new StackStartError(
        'minio',
        `buckets ${definition.buckets.join(', ')} at ${minioEndpoint}: ${describeLast(error)}`,
        startHint('minio', 'ready'),
        logs.minio.tail(),
      );
    }
    say(`buckets ready: ${definition.buckets.join(', ')}`);

    say(
      `starting mlflow (${definition.mlflow.image}, built on ${images.mlflowBase}; the first start migrates its schema)`,
    );
    const mlflowBegan = performance.now();
    const mlflow = await start(definition.mlflow, net);
    const mlflowPort = mlflow.container.mappedPort(definition.mlflow.port);
    const trackingUri = httpEndpoint(host, mlflowPort);
    try {
      await waitForMlflowApi(trackingUri, options.mlflowApiTimeoutMs ?? 30_000, requestTimeoutMs);
    } catch (error) {
      throw new StackStartError('mlflow', describeLast(error), startHint('mlflow', 'ready'), logs.mlflow.tail());
    }
    const mlflowReadyMs = performance.now() - mlflowBegan;
    say(`mlflow ready in ${formatSeconds(mlflowReadyMs)} at ${trackingUri}`);

    const services: StartedService[] = [
      { name: 'postgres', endpoint: `${host}:${postgresPort}`, logFile: logs.postgres.file, startMs: pg.value.readyMs },
      { name: 'minio', endpoint: minioEndpoint, logFile: logs.minio.file, startMs: minio.value.readyMs },
      { name: 'mlflow', endpoint: trackingUri, logFile: logs.mlflow.file, startMs: mlflowReadyMs },
    ];
    return {
      provider: 'testcontainers',
      values: stackValues(spec, { host, postgresPort, minioPort, mlflowPort }),
      services,
      stop,
    };
  } catch (error) {
    await teardown.stop();
    if (error instanceof StackStartError) throw error;
    throw new StackStartError('testcontainers', describeLast(error), FALLBACK);
  }
}
