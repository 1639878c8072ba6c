import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackSpec } from '../provider.js';
import {
  CONTAINER_PORTS,
  MLFLOW_HEALTH_PATH,
  mlflowServerArgs,
  mlflowServerEnv,
  NETWORK_ALIASES,
  postgresUri,
} from '../topology.js';
import { SERVICE_LABEL, STARTUP_TIMEOUTS_MS, type StackDefinition } from './container-definition.js';

/** The build context of the MLflow image: the official image plus the PostgreSQL and S3 drivers. */
export const MLFLOW_BUILD_CONTEXT = join(dirname(fileURLToPath(import.meta.url)), 'mlflow');
export const MLFLOW_DOCKERFILE = 'Dockerfile';
/** Build argument naming the base image (the pinned official image, or E2E_MLFLOW_IMAGE). */
export const MLFLOW_BASE_IMAGE_ARG = 'MLFLOW_BASE_IMAGE';

/**
 * The local tag of the built image: a hash of the Dockerfile and its base, so a changed pin builds
 * a new image and an unchanged one reuses the image (and pip download) of an earlier run.
 */
export function mlflowImageTag(dockerfile: string, baseImage: string): string {
  const hash = createHash('sha256').update(dockerfile).update('\0').update(baseImage).digest('hex').slice(0, 12);
  return `localhost/kfp-e2e-mlflow:${hash}`;
}

/**
 * Every Host header MLflow is reached with (MLflow 3.5+ rejects any other): other containers use
 * the network alias with the container port; the host (the suite, the health wait) uses the
 * runtime's host name, or its loopback spellings, with a port mapped at random — hence `:*`.
 */
export function mlflowAllowedHosts(runtimeHost: string): string[] {
  const alias = NETWORK_ALIASES.mlflow;
  const hosts = [alias, `${alias}:${CONTAINER_PORTS.mlflow}`];
  for (const host of ['localhost', '127.0.0.1', runtimeHost]) {
    if (!hosts.includes(host)) hosts.push(host, `${host}:*`);
  }
  return hosts;
}

/**
 * The MLflow tracking server: backend store in PostgreSQL and artifacts in the MinIO bucket,
 * both reached by their network aliases, with the same server flags as the native process.
 */
export function mlflowDefinition(
  spec: StackSpec,
  baseImage: string,
  runtimeHost: string,
  dockerfile: string = readFileSync(join(MLFLOW_BUILD_CONTEXT, MLFLOW_DOCKERFILE), 'utf8'),
): StackDefinition['mlflow'] {
  const port = CONTAINER_PORTS.mlflow;
  const { user, password, database } = spec.postgres;
  const tag = mlflowImageTag(dockerfile, baseImage);
  return {
    service: 'mlflow',
    module: 'generic',
    image: tag,
    build: {
      context: MLFLOW_BUILD_CONTEXT,
      dockerfile: MLFLOW_DOCKERFILE,
      buildArgs: { [MLFLOW_BASE_IMAGE_ARG]: baseImage },
      tag,
    },
    // Whatever entrypoint the base image has, run `mlflow` itself: the command is then exactly the
    // server's arguments, as for the native process.
    entrypoint: ['mlflow'],
    command: mlflowServerArgs({
      host: '0.0.0.0',
      port,
      backendStoreUri: postgresUri(user, password, NETWORK_ALIASES.postgres, CONTAINER_PORTS.postgres, database),
      artifactsBucket: spec.mlflowArtifactsBucket,
      allowedHosts: mlflowAllowedHosts(runtimeHost),
    }),
    env: mlflowServerEnv(
      `http://${NETWORK_ALIASES.minio}:${CONTAINER_PORTS.minio}`,
      spec.minio.accessKey,
      spec.minio.secretKey,
    ),
    port,
    networkAliases: [NETWORK_ALIASES.mlflow],
    dependsOn: ['postgres', 'minio'],
    wait: { kind: 'http', path: MLFLOW_HEALTH_PATH, port, status: 200, startupTimeoutMs: STARTUP_TIMEOUTS_MS.mlflow },
    labels: { [SERVICE_LABEL]: 'mlflow' },
  };
}
