import type { StackSpec } from '../provider.js';

/** A StackSpec for unit tests, with credentials distinctive enough to search for in output. */
export function testSpec(overrides: Partial<StackSpec> = {}): StackSpec {
  return {
    minio: { accessKey: 'access-7Qz', secretKey: 'minio-s3cret-9Xk', region: 'us-east-1' },
    postgres: { user: 'tracker', password: 'pg-s3cret-4Wm', database: 'trackingdb' },
    buckets: ['raw-data', 'processed-data', 'models', 'predictions', 'mlflow-artifacts', 'mlpipeline'],
    mlflowArtifactsBucket: 'mlflow-artifacts',
    workDir: '/nonexistent/kfp-e2e-test',
    log: () => {},
    ...overrides,
  };
}

export const TEST_SECRETS = ['access-7Qz', 'minio-s3cret-9Xk', 'pg-s3cret-4Wm'] as const;
