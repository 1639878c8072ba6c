/**
 * The local stack's topology, shared by the native and the testcontainers providers so that both
 * wire the services the same way as a cluster does: MLflow keeps its backend store in PostgreSQL
 * and its artifacts in MinIO. Artifact URIs are plain `s3://<bucket>/…` (no proxying through the
 * MLflow server): clients — pipeline components, the gateway — read and write MinIO directly with
 * their own credentials, and the contract stage can find every artifact in the bucket.
 */

/** Pinned versions. Containers and native processes run the same major versions. */
export const VERSIONS = {
  postgresMajor: 15,
  postgresImage: 'postgres:15.18-alpine',
  /** MinIO stopped publishing images; the last RELEASE tag is pinned, overridable. */
  minioImage: 'minio/minio:RELEASE.2025-09-07T16-13-09Z',
  /** MinIO's Go module (the project ships no binaries any more): pinned pseudo-version. */
  minioModule: 'github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c',
  mlflow: '3.17.2',
  mlflowImage: 'ghcr.io/mlflow/mlflow:v3.17.2',
  /**
   * Debian's chromium (the HTML report's headless-browser test). Debian security updates replace
   * the exact version, so only the major is pinned (`chromium=156.*`).
   */
  chromiumMajor: 156,
  /** Debian's libxml2-utils (xmllint, the JUnit schema check): upstream version, any Debian revision. */
  libxml2Utils: '2.9.14+dfsg',
} as const;

/** Ports the services listen on inside containers; native processes get free ports instead. */
export const CONTAINER_PORTS = { postgres: 5432, minio: 9000, mlflow: 5000 } as const;

/** Network aliases on the testcontainers network: the in-cluster service names, shortened. */
export const NETWORK_ALIASES = { postgres: 'postgres', minio: 'minio-service', mlflow: 'mlflow' } as const;

export interface MlflowWiring {
  host: string;
  port: number;
  /** postgresql+psycopg2://user:password@host:port/db as MLflow (SQLAlchemy) expects it. */
  backendStoreUri: string;
  artifactsBucket: string;
  /** Host names clients use to reach MLflow; MLflow 3.5+ rejects any other Host header. */
  allowedHosts: string[];
}

export function mlflowServerArgs(w: MlflowWiring): string[] {
  return [
    'server',
    '--host',
    w.host,
    '--port',
    String(w.port),
    '--backend-store-uri',
    w.backendStoreUri,
    '--default-artifact-root',
    `s3://${w.artifactsBucket}/`,
    '--no-serve-artifacts',
    '--workers',
    '1',
    '--allowed-hosts',
    w.allowedHosts.join(','),
  ];
}

/** Environment of the MLflow server: how it reaches MinIO for the artifact store. */
export function mlflowServerEnv(minioEndpoint: string, accessKey: string, secretKey: string): Record<string, string> {
  return {
    MLFLOW_S3_ENDPOINT_URL: minioEndpoint,
    AWS_ACCESS_KEY_ID: accessKey,
    AWS_SECRET_ACCESS_KEY: secretKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    // Keep MLflow from phoning home or waiting on a network it does not have.
    MLFLOW_DISABLE_TELEMETRY: 'true',
    // MLflow 3 otherwise starts a job runner and ~7 worker processes the stack never uses.
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
    DO_NOT_TRACK: 'true',
  };
}

/**
 * MLflow's backend store URI. The driver is explicit: SQLAlchemy 2.1 defaults `postgresql://` to
 * psycopg 3, while the stack (venv and image) ships psycopg2.
 */
export function postgresUri(user: string, password: string, host: string, port: number, database: string): string {
  return `postgresql+psycopg2://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

export function minioServerArgs(dataDir: string, address: string, consoleAddress: string): string[] {
  return ['server', dataDir, '--address', address, '--console-address', consoleAddress, '--quiet'];
}

/** MinIO's readiness endpoint, used by both providers (live is not enough: ready means it serves). */
export const MINIO_READY_PATH = '/minio/health/ready';
export const MLFLOW_HEALTH_PATH = '/health';
