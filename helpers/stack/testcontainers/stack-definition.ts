import type { StackSpec } from '../provider.js';
import type { StackDefinition } from './container-definition.js';
import type { StackImages } from './images.js';
import { minioDefinition } from './minio-definition.js';
import { mlflowDefinition } from './mlflow-definition.js';
import { postgresDefinition } from './postgres-definition.js';

export interface DefineStackOptions {
  images: StackImages;
  /** Host the runtime maps container ports on (testcontainers' `getHost()`): MLflow must accept it. */
  runtimeHost: string;
  /** The MLflow Dockerfile's text, when not read from disk (tests). */
  mlflowDockerfile?: string;
}

/** Every container of the local stack, on one network, wired as the native provider wires its processes. */
export function defineStack(spec: StackSpec, options: DefineStackOptions): StackDefinition {
  return {
    postgres: postgresDefinition(spec, options.images.postgres),
    minio: minioDefinition(spec, options.images.minio),
    mlflow: mlflowDefinition(spec, options.images.mlflowBase, options.runtimeHost, options.mlflowDockerfile),
    buckets: [...new Set([...spec.buckets, spec.mlflowArtifactsBucket])],
  };
}
