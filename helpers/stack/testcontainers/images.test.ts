import { describe, expect, it } from 'vitest';
import { VERSIONS } from '../topology.js';
import { DEFAULT_IMAGES, imageTag, isPinned, resolveImages, UnpinnedImageError } from './images.js';

describe('resolveImages', () => {
  it('defaults to the images pinned in the topology', () => {
    expect(resolveImages({})).toEqual({
      postgres: VERSIONS.postgresImage,
      minio: VERSIONS.minioImage,
      mlflowBase: VERSIONS.mlflowImage,
    });
  });

  it('pins every default image (never latest)', () => {
    for (const image of Object.values(DEFAULT_IMAGES)) expect(isPinned(image), image).toBe(true);
  });

  it('takes each override from its environment variable', () => {
    expect(
      resolveImages({
        E2E_POSTGRES_IMAGE: 'mirror.local:5000/postgres:15.18-alpine',
        E2E_MINIO_IMAGE: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
        E2E_MLFLOW_IMAGE: `ghcr.io/mlflow/mlflow@sha256:${'a'.repeat(64)}`,
      }),
    ).toEqual({
      postgres: 'mirror.local:5000/postgres:15.18-alpine',
      minio: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
      mlflowBase: `ghcr.io/mlflow/mlflow@sha256:${'a'.repeat(64)}`,
    });
  });

  it('ignores an empty override', () => {
    expect(resolveImages({ E2E_MINIO_IMAGE: '  ' }).minio).toBe(VERSIONS.minioImage);
  });

  it('refuses a floating override and names the variable', () => {
    expect(() => resolveImages({ E2E_MINIO_IMAGE: 'minio/minio:latest' })).toThrow(UnpinnedImageError);
    expect(() => resolveImages({ E2E_POSTGRES_IMAGE: 'mirror.local:5000/postgres' })).toThrow(
      /E2E_POSTGRES_IMAGE=mirror.local:5000\/postgres is not pinned/,
    );
  });
});

describe('imageTag', () => {
  it('does not mistake a registry port for a tag', () => {
    expect(imageTag('mirror.local:5000/postgres')).toBeUndefined();
    expect(imageTag('mirror.local:5000/postgres:15')).toBe('15');
    expect(imageTag('postgres')).toBeUndefined();
  });
});
