import { describe, expect, it } from 'vitest';
import { CONTAINER_PORTS, MINIO_READY_PATH, minioServerArgs, NETWORK_ALIASES, VERSIONS } from '../topology.js';
import { MINIO_CONSOLE_PORT, minioDefinition } from './minio-definition.js';
import { testSpec } from './test-spec.js';

describe('minioDefinition', () => {
  const definition = minioDefinition(testSpec(), VERSIONS.minioImage);

  it('runs the pinned RELEASE image through the MinIO module with the spec credentials', () => {
    expect(definition.image).toBe(VERSIONS.minioImage);
    expect(definition.image).toMatch(/:RELEASE\.\d{4}-/);
    expect(definition.module).toBe('minio');
    expect(definition.credentials).toEqual({ username: 'access-7Qz', password: 'minio-s3cret-9Xk' });
  });

  it('starts the server with the same flags as the native process', () => {
    expect(definition.command).toEqual(minioServerArgs('/data', ':9000', `:${MINIO_CONSOLE_PORT}`));
    expect(definition.command).toContain('--quiet');
  });

  it('is reached as minio-service:9000 and is ready when the ready endpoint answers 200', () => {
    expect(definition.networkAliases).toEqual([NETWORK_ALIASES.minio]);
    expect(definition.port).toBe(CONTAINER_PORTS.minio);
    expect(definition.wait).toMatchObject({ kind: 'http', path: MINIO_READY_PATH, port: 9000, status: 200 });
  });
});
