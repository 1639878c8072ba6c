import { MinioContainer } from '@testcontainers/minio';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { GenericContainer } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import type { ContainerDefinition } from './container-definition.js';
import { ContainerLog } from './container-log.js';
import { DEFAULT_IMAGES } from './images.js';
import { defineStack } from './stack-definition.js';
import { testSpec } from './test-spec.js';
import { builderFor } from './testcontainers-runtime.js';

/**
 * Building a testcontainers builder needs no engine; starting it does. These tests read what the
 * builder will hand Docker's create call — fields testcontainers keeps for its modules
 * (`createOpts`, `networkAliases`, …) — to prove each definition reaches it unchanged.
 */
interface BuilderState {
  createOpts: {
    Cmd?: string[];
    Entrypoint?: string[];
    Env?: string[];
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, object>;
    Healthcheck?: { Test: string[]; Interval: number; Retries: number };
  };
  networkMode?: string;
  networkAliases: string[];
  startupTimeoutMs?: number;
  waitStrategy: { path?: string; port?: number; waitStrategies?: unknown[] };
  logConsumer?: unknown;
  username?: string;
  password?: string;
  database?: string;
}

const state = (container: GenericContainer) => container as unknown as BuilderState;
const definition = defineStack(testSpec(), { images: DEFAULT_IMAGES, runtimeHost: 'localhost' });
const network = 'kfp-e2e-net';

describe('builderFor', () => {
  it('builds PostgreSQL with its module, credentials, pg_isready health check and alias', async () => {
    const container = await builderFor(definition.postgres, network, new ContainerLog());
    expect(container).toBeInstanceOf(PostgreSqlContainer);
    const s = state(container);
    expect([s.database, s.username, s.password]).toEqual(['trackingdb', 'tracker', 'pg-s3cret-4Wm']);
    expect(s.createOpts.Healthcheck?.Test).toEqual(
      definition.postgres.wait.kind === 'healthcheck' ? definition.postgres.wait.test : [],
    );
    expect(s.createOpts.ExposedPorts).toHaveProperty('5432/tcp');
    expect(s.waitStrategy.waitStrategies).toHaveLength(2);
    expect(s.networkMode).toBe(network);
    expect(s.networkAliases).toEqual(['postgres']);
    expect(s.startupTimeoutMs).toBe(definition.postgres.wait.startupTimeoutMs);
    expect(s.createOpts.Labels).toMatchObject({ 'org.kfp-e2e.service': 'postgres' });
    expect(s.logConsumer).toBeTypeOf('function');
  });

  it('builds MinIO with its module, the shared server flags and the ready endpoint', async () => {
    const container = await builderFor(definition.minio, network, new ContainerLog());
    expect(container).toBeInstanceOf(MinioContainer);
    const s = state(container);
    expect([s.username, s.password]).toEqual(['access-7Qz', 'minio-s3cret-9Xk']);
    expect(s.createOpts.Cmd).toEqual(definition.minio.command);
    expect(s.waitStrategy).toMatchObject({ path: '/minio/health/ready', port: 9000 });
    expect(s.networkAliases).toEqual(['minio-service']);
    expect(s.startupTimeoutMs).toBe(definition.minio.wait.startupTimeoutMs);
  });

  it('builds a generic container with entrypoint, command, environment and HTTP wait', async () => {
    // The MLflow definition without its build step (building needs an engine).
    const { build: _build, ...mlflow } = definition.mlflow;
    const container = await builderFor(
      { ...mlflow, image: DEFAULT_IMAGES.mlflowBase } as ContainerDefinition,
      network,
      new ContainerLog(),
    );
    const s = state(container);
    expect(s.createOpts.Entrypoint).toEqual(['mlflow']);
    expect(s.createOpts.Cmd).toEqual(definition.mlflow.command);
    expect(s.createOpts.Env).toEqual(Object.entries(definition.mlflow.env).map(([k, v]) => `${k}=${v}`));
    expect(s.createOpts.ExposedPorts).toHaveProperty('5000/tcp');
    expect(s.waitStrategy).toMatchObject({ path: '/health', port: 5000 });
    expect(s.networkAliases).toEqual(['mlflow']);
  });
});
