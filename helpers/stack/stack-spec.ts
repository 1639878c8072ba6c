import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { StackSpec } from './provider.js';

/** The stack a configuration asks for: credentials and buckets (endpoints are the stack's to choose). */
export function stackSpecFor(config: Config, workDir: string, log: (line: string) => void): StackSpec {
  const b = config.buckets;
  return {
    minio: { accessKey: config.minio.accessKey, secretKey: config.minio.secretKey, region: config.minio.region },
    postgres: { user: config.postgres.user, password: config.postgres.password, database: config.postgres.database },
    buckets: [b.rawData, b.processedData, b.models, b.predictions, b.mlflowArtifacts, b.pipelineRoot],
    mlflowArtifactsBucket: b.mlflowArtifacts,
    workDir,
    log,
  };
}

/** What a reusable stack must match to be reused: same credentials, same buckets, same versions. */
export function stackFingerprint(spec: StackSpec, provider: string, versions: object): string {
  const { minio, postgres, buckets, mlflowArtifactsBucket } = spec;
  return createHash('sha256')
    .update(
      JSON.stringify({ provider, minio, postgres, buckets: [...buckets].sort(), mlflowArtifactsBucket, versions }),
    )
    .digest('hex')
    .slice(0, 16);
}
