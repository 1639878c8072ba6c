import { describe, expect, it } from 'vitest';
import { describeTopology } from '../testcontainers/describe-topology.js';
import { resolveImages } from '../testcontainers/images.js';
import { defineStack } from '../testcontainers/stack-definition.js';
import { testSpec } from '../testcontainers/test-spec.js';
import { nativeMlflowLaunch } from './mlflow.js';

/**
 * The native and container providers must wire MLflow the same way as a cluster does; this
 * compares what the native provider launches with what the container definitions describe.
 */
describe('native topology equals the testcontainers topology', () => {
  const spec = testSpec();
  const containers = describeTopology(
    defineStack(spec, { images: resolveImages({}), runtimeHost: 'localhost', mlflowDockerfile: 'FROM x' }),
  );
  const ports = { postgres: 41001, minio: 41002, mlflow: 41003 };
  const native = nativeMlflowLaunch({
    port: ports.mlflow,
    postgres: { port: ports.postgres, ...spec.postgres },
    minio: {
      endpoint: `http://127.0.0.1:${ports.minio}`,
      accessKey: spec.minio.accessKey,
      secretKey: spec.minio.secretKey,
    },
    artifactsBucket: spec.mlflowArtifactsBucket,
  });
  const arg = (flag: string) => native.args[native.args.indexOf(flag) + 1] as string;

  it('starts MLflow with the same flags', () => {
    expect(native.args.filter((a) => a.startsWith('--'))).toEqual(containers.mlflow.flags);
  });

  it('points the backend store at PostgreSQL with the same driver, database and user', () => {
    const nativeUri = new URL(arg('--backend-store-uri'));
    expect(containers.mlflow.backendStore).toBe('postgres');
    expect(nativeUri.protocol).toBe('postgresql+psycopg2:');
    expect(Number(nativeUri.port)).toBe(ports.postgres);
    expect(nativeUri.pathname).toBe(`/${spec.postgres.database}`);
    expect(nativeUri.username).toBe(spec.postgres.user);
  });

  it('stores artifacts in the same MinIO bucket, as plain s3:// URIs', () => {
    expect(containers.mlflow.artifactStore).toBe('minio');
    expect(native.env.MLFLOW_S3_ENDPOINT_URL).toBe(`http://127.0.0.1:${ports.minio}`);
    expect(arg('--default-artifact-root')).toBe(`s3://${containers.mlflow.artifactsBucket}/`);
    expect(native.args).toContain('--no-serve-artifacts');
    expect(native.env.MLFLOW_SERVER_ENABLE_JOB_EXECUTION).toBe('false');
  });

  it('depends on the same services', () => {
    expect(containers.services.mlflow.dependsOn).toEqual(['minio', 'postgres']);
    expect(containers.buckets).toEqual([...new Set(spec.buckets)].sort());
  });
});
