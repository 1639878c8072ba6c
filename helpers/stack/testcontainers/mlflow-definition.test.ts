import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTAINER_PORTS,
  MLFLOW_HEALTH_PATH,
  mlflowServerArgs,
  mlflowServerEnv,
  NETWORK_ALIASES,
  postgresUri,
  VERSIONS,
} from '../topology.js';
import {
  MLFLOW_BASE_IMAGE_ARG,
  MLFLOW_BUILD_CONTEXT,
  MLFLOW_DOCKERFILE,
  mlflowAllowedHosts,
  mlflowDefinition,
  mlflowImageTag,
} from './mlflow-definition.js';
import { testSpec } from './test-spec.js';

const spec = testSpec({ mlflowArtifactsBucket: 'tracking-artifacts' });
const definition = mlflowDefinition(spec, VERSIONS.mlflowImage, 'localhost');
const args = definition.command ?? [];
const argAfter = (flag: string) => args[args.indexOf(flag) + 1];

/** MLflow matches allowed hosts with fnmatch; `*` is the only wildcard we use. */
function hostAllowed(patterns: string[], host: string): boolean {
  return patterns.some((p) =>
    p.includes('*')
      ? new RegExp(
          `^${p
            .split('*')
            .map((s) => s.replace(/[.[\]]/g, '\\$&'))
            .join('.*')}$`,
        ).test(host)
      : p === host,
  );
}

describe('mlflowDefinition', () => {
  it('runs `mlflow server` with exactly the topology arguments for the network wiring', () => {
    expect(definition.entrypoint).toEqual(['mlflow']);
    expect(definition.command).toEqual(
      mlflowServerArgs({
        host: '0.0.0.0',
        port: CONTAINER_PORTS.mlflow,
        backendStoreUri: postgresUri('tracker', 'pg-s3cret-4Wm', NETWORK_ALIASES.postgres, 5432, 'trackingdb'),
        artifactsBucket: 'tracking-artifacts',
        allowedHosts: mlflowAllowedHosts('localhost'),
      }),
    );
  });

  it('keeps its backend store in PostgreSQL, reached by the postgres alias on 5432', () => {
    const uri = new URL(argAfter('--backend-store-uri') ?? '');
    // The driver SQLAlchemy loads must be the one the Dockerfile installs.
    expect(uri.protocol).toBe('postgresql+psycopg2:');
    expect(uri.hostname).toBe(NETWORK_ALIASES.postgres);
    expect(uri.port).toBe('5432');
    expect(uri.pathname).toBe('/trackingdb');
    expect(decodeURIComponent(uri.username)).toBe('tracker');
    expect(decodeURIComponent(uri.password)).toBe('pg-s3cret-4Wm');
  });

  it('stores artifacts in the configured bucket, in MinIO reached by its alias', () => {
    expect(argAfter('--default-artifact-root')).toBe('s3://tracking-artifacts/');
    expect(args).toContain('--no-serve-artifacts');
    expect(definition.env).toEqual(mlflowServerEnv('http://minio-service:9000', 'access-7Qz', 'minio-s3cret-9Xk'));
    expect(definition.env.MLFLOW_S3_ENDPOINT_URL).toBe(`http://${NETWORK_ALIASES.minio}:${CONTAINER_PORTS.minio}`);
  });

  it('listens on all interfaces of the container, under the mlflow alias, after its stores', () => {
    expect(argAfter('--host')).toBe('0.0.0.0');
    expect(argAfter('--port')).toBe('5000');
    expect(definition.port).toBe(CONTAINER_PORTS.mlflow);
    expect(definition.networkAliases).toEqual([NETWORK_ALIASES.mlflow]);
    expect(definition.dependsOn).toEqual(['postgres', 'minio']);
  });

  it('is ready when the health endpoint answers 200', () => {
    expect(definition.wait).toMatchObject({ kind: 'http', path: MLFLOW_HEALTH_PATH, port: 5000, status: 200 });
  });
});

describe('mlflowAllowedHosts', () => {
  it('accepts every Host header MLflow is reached with, and nothing else', () => {
    const allowed = (argAfter('--allowed-hosts') ?? '').split(',');
    for (const host of ['mlflow', 'mlflow:5000', 'localhost', 'localhost:49153', '127.0.0.1', '127.0.0.1:32768']) {
      expect(hostAllowed(allowed, host), host).toBe(true);
    }
    for (const host of ['evil.example', 'mlflow.evil.example', 'mlflow:5001', '10.0.0.8:5000']) {
      expect(hostAllowed(allowed, host), host).toBe(false);
    }
  });

  it('adds the runtime host (a remote DOCKER_HOST) with any mapped port, without duplicates', () => {
    const hosts = mlflowAllowedHosts('docker.lan');
    expect(hostAllowed(hosts, 'docker.lan:40001')).toBe(true);
    expect(new Set(hosts).size).toBe(hosts.length);
    expect(mlflowAllowedHosts('127.0.0.1')).toEqual(mlflowAllowedHosts('localhost'));
  });
});

describe('the MLflow image', () => {
  const dockerfile = readFileSync(join(MLFLOW_BUILD_CONTEXT, MLFLOW_DOCKERFILE), 'utf8');

  it('is built from the Dockerfile beside the provider, on the pinned (or overridden) base', () => {
    expect(existsSync(join(MLFLOW_BUILD_CONTEXT, MLFLOW_DOCKERFILE))).toBe(true);
    expect(definition.build).toMatchObject({
      context: MLFLOW_BUILD_CONTEXT,
      dockerfile: MLFLOW_DOCKERFILE,
      buildArgs: { [MLFLOW_BASE_IMAGE_ARG]: VERSIONS.mlflowImage },
    });
    expect(definition.image).toBe(definition.build?.tag);
    const overridden = mlflowDefinition(spec, 'mirror.local/mlflow/mlflow:v3.17.2', 'localhost');
    expect(overridden.build?.buildArgs[MLFLOW_BASE_IMAGE_ARG]).toBe('mirror.local/mlflow/mlflow:v3.17.2');
  });

  it('adds pinned PostgreSQL and S3 drivers to the base named by the build argument', () => {
    expect(dockerfile).toMatch(
      new RegExp(`^ARG ${MLFLOW_BASE_IMAGE_ARG}=${VERSIONS.mlflowImage.replace(/[.]/g, '\\.')}$`, 'm'),
    );
    expect(dockerfile).toMatch(new RegExp(`^FROM \\$\\{${MLFLOW_BASE_IMAGE_ARG}\\}$`, 'm'));
    const install = dockerfile.split('\n').find((line) => line.startsWith('RUN pip install')) ?? '';
    const packages = install.split(/\s+/).filter((word) => /^[a-z0-9-]+[=<>~!]/i.test(word));
    expect(packages).toEqual(['psycopg2-binary==2.9.13', 'boto3==1.44.5']);
  });

  it('gets a tag that changes with the Dockerfile or the base, and only then', () => {
    const tag = mlflowImageTag(dockerfile, VERSIONS.mlflowImage);
    expect(tag).toMatch(/^localhost\/kfp-e2e-mlflow:[0-9a-f]{12}$/);
    expect(mlflowImageTag(dockerfile, VERSIONS.mlflowImage)).toBe(tag);
    expect(mlflowImageTag(`${dockerfile}\n# changed`, VERSIONS.mlflowImage)).not.toBe(tag);
    expect(mlflowImageTag(dockerfile, 'ghcr.io/mlflow/mlflow:v3.18.0')).not.toBe(tag);
  });
});
