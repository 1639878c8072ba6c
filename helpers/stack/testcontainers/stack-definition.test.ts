import { describe, expect, it } from 'vitest';
import { NETWORK_ALIASES } from '../topology.js';
import { DEFAULT_IMAGES, isPinned, resolveImages } from './images.js';
import { defineStack } from './stack-definition.js';
import { testSpec } from './test-spec.js';

describe('defineStack', () => {
  const definition = defineStack(testSpec(), { images: DEFAULT_IMAGES, runtimeHost: 'localhost' });
  const containers = [definition.postgres, definition.minio, definition.mlflow];

  it('puts each service under its topology network alias', () => {
    expect(Object.fromEntries(containers.map((c) => [c.service, c.networkAliases]))).toEqual({
      postgres: [NETWORK_ALIASES.postgres],
      minio: [NETWORK_ALIASES.minio],
      mlflow: [NETWORK_ALIASES.mlflow],
    });
  });

  it('runs pinned images only, never latest', () => {
    for (const image of [
      definition.postgres.image,
      definition.minio.image,
      definition.mlflow.build?.buildArgs.MLFLOW_BASE_IMAGE ?? '',
    ]) {
      expect(isPinned(image), image).toBe(true);
    }
  });

  it('takes image overrides from the environment', () => {
    const images = resolveImages({
      E2E_POSTGRES_IMAGE: 'mirror.local/postgres:15.18-alpine',
      E2E_MINIO_IMAGE: 'mirror.local/minio:RELEASE.2025-09-07T16-13-09Z',
      E2E_MLFLOW_IMAGE: 'mirror.local/mlflow:v3.17.2',
    });
    const overridden = defineStack(testSpec(), { images, runtimeHost: 'localhost' });
    expect(overridden.postgres.image).toBe('mirror.local/postgres:15.18-alpine');
    expect(overridden.minio.image).toBe('mirror.local/minio:RELEASE.2025-09-07T16-13-09Z');
    expect(overridden.mlflow.build?.buildArgs.MLFLOW_BASE_IMAGE).toBe('mirror.local/mlflow:v3.17.2');
  });

  it('creates every bucket of the spec, and MLflow’s even when the spec forgot it, once each', () => {
    expect(definition.buckets).toEqual(testSpec().buckets);
    const spec = testSpec({ buckets: ['raw-data', 'raw-data', 'models'], mlflowArtifactsBucket: 'tracking' });
    expect(defineStack(spec, { images: DEFAULT_IMAGES, runtimeHost: 'localhost' }).buckets).toEqual([
      'raw-data',
      'models',
      'tracking',
    ]);
  });

  it('lets MLflow accept the runtime host it is reached on from this machine', () => {
    const remote = defineStack(testSpec(), { images: DEFAULT_IMAGES, runtimeHost: 'docker.lan' });
    const allowed = remote.mlflow.command?.[remote.mlflow.command.indexOf('--allowed-hosts') + 1];
    expect(allowed?.split(',')).toContain('docker.lan:*');
  });

  it('labels every container with its service', () => {
    for (const c of containers) expect(c.labels).toEqual({ 'org.kfp-e2e.service': c.service });
  });
});
