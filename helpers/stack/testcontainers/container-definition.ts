/**
 * Plain data describing each container of the stack: what the testcontainers builders are made
 * from, and what the unit tests (and the topology comparison with the native provider) inspect.
 */
export type ContainerService = 'postgres' | 'minio' | 'mlflow';

export type WaitSpec =
  /** Ready when GET path on the container port answers `status`. */
  | { kind: 'http'; path: string; port: number; status: number; startupTimeoutMs: number }
  /** Ready when the container's own health check passes and its ports listen. */
  | {
      kind: 'healthcheck';
      test: ['CMD-SHELL', string];
      intervalMs: number;
      timeoutMs: number;
      retries: number;
      startupTimeoutMs: number;
    };

/** An image built from a Dockerfile before the container starts. */
export interface BuildSpec {
  /** Absolute build context. */
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** Deterministic local tag, so an unchanged Dockerfile and base reuse the image already built. */
  tag: string;
}

interface BaseDefinition {
  service: ContainerService;
  /** The image to run (for a built image, its tag). */
  image: string;
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  /** The one port other services and the host reach it on (container side). */
  port: number;
  networkAliases: string[];
  dependsOn: ContainerService[];
  wait: WaitSpec;
  labels: Record<string, string>;
}

/** Which testcontainers class builds it: the modules know their service's credentials. */
export type ContainerDefinition =
  | (BaseDefinition & { module: 'postgresql'; credentials: { database: string; username: string; password: string } })
  | (BaseDefinition & { module: 'minio'; credentials: { username: string; password: string } })
  | (BaseDefinition & { module: 'generic'; build?: BuildSpec });

export interface StackDefinition {
  postgres: Extract<ContainerDefinition, { module: 'postgresql' }>;
  minio: Extract<ContainerDefinition, { module: 'minio' }>;
  mlflow: Extract<ContainerDefinition, { module: 'generic' }>;
  /** Buckets created once MinIO is ready, before MLflow starts. */
  buckets: string[];
}

/** How long each service may take to become ready once its container runs (image pulls not included). */
export const STARTUP_TIMEOUTS_MS = {
  postgres: 120_000,
  minio: 60_000,
  // The first start migrates an empty database: the slow part of a cold stack.
  mlflow: 180_000,
} as const satisfies Record<ContainerService, number>;

/** Label on every container, so `docker ps --filter label=org.kfp-e2e.service` finds the stack. */
export const SERVICE_LABEL = 'org.kfp-e2e.service';
