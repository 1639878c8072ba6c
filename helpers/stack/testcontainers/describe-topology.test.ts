import { describe, expect, it } from 'vitest';
import { MINIO_READY_PATH, MLFLOW_HEALTH_PATH } from '../topology.js';
import { describeTopology } from './describe-topology.js';
import { DEFAULT_IMAGES } from './images.js';
import { defineStack } from './stack-definition.js';
import { TEST_SECRETS, testSpec } from './test-spec.js';

const definition = () => defineStack(testSpec(), { images: DEFAULT_IMAGES, runtimeHost: 'localhost' });

describe('describeTopology', () => {
  it('describes services, dependencies and MLflow wiring without endpoints of this machine', () => {
    expect(describeTopology(definition())).toEqual({
      services: {
        postgres: { name: 'postgres', alias: 'postgres', port: 5432, dependsOn: [], readiness: 'pg_isready' },
        minio: { name: 'minio', alias: 'minio-service', port: 9000, dependsOn: [], readiness: MINIO_READY_PATH },
        mlflow: {
          name: 'mlflow',
          alias: 'mlflow',
          port: 5000,
          dependsOn: ['minio', 'postgres'],
          readiness: MLFLOW_HEALTH_PATH,
        },
      },
      mlflow: {
        flags: [
          '--host',
          '--port',
          '--backend-store-uri',
          '--default-artifact-root',
          '--no-serve-artifacts',
          '--workers',
          '--allowed-hosts',
        ],
        backendStore: 'postgres',
        artifactStore: 'minio',
        artifactsBucket: 'mlflow-artifacts',
      },
      buckets: ['mlflow-artifacts', 'mlpipeline', 'models', 'predictions', 'processed-data', 'raw-data'],
    });
  });

  it('shows a store that points nowhere in the stack', () => {
    const broken = definition();
    const args = broken.mlflow.command ?? [];
    const at = args.indexOf('--backend-store-uri') + 1;
    args[at] = (args[at] ?? '').replace('@postgres:5432/', '@postgres:5433/');
    broken.mlflow.env.MLFLOW_S3_ENDPOINT_URL = 'http://minio:9000';
    const topology = describeTopology(broken);
    expect(topology.mlflow.backendStore).toBe('unknown postgres:5433');
    expect(topology.mlflow.artifactStore).toBe('unknown minio:9000');
  });

  it('holds no secret', () => {
    const text = JSON.stringify(describeTopology(definition()));
    for (const secret of TEST_SECRETS) expect(text).not.toContain(secret);
  });
});
