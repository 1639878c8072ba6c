import type { Config } from '../config/schema.js';
import { GatewayClient } from './gateway.js';
import { HttpClient } from './http.js';
import { KfpHealthClient } from './kfp-health.js';
import { MinioHealthClient } from './minio-health.js';
import { MlflowClient } from './mlflow.js';
import { PostgresClient } from './postgres.js';
import { S3Store } from './s3.js';

/**
 * One client per service for one configuration, created on first use and shared, so a spec file
 * opens each connection once; `close()` releases whatever was opened. The KFP and gateway
 * clients are undefined when no endpoint is configured.
 */
export interface ServiceClients {
  readonly http: HttpClient;
  readonly minio: MinioHealthClient;
  readonly s3: S3Store;
  readonly postgres: PostgresClient;
  readonly mlflow: MlflowClient;
  readonly kfp: KfpHealthClient | undefined;
  readonly gateway: GatewayClient | undefined;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

export function serviceClients(config: Config): ServiceClients {
  const timeoutMs = config.timeouts.requestMs;
  const made = new Map<string, unknown>();
  const once = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  const http = () => once('http', () => new HttpClient({ timeoutMs }));

  return {
    get http() {
      return http();
    },
    get minio() {
      return once('minio', () => new MinioHealthClient(http(), config.minio.endpoint));
    },
    get s3() {
      return once('s3', () => new S3Store(config.minio, { timeoutMs }));
    },
    get postgres() {
      return once('postgres', () => new PostgresClient(config.postgres, { timeoutMs }));
    },
    get mlflow() {
      return once('mlflow', () => new MlflowClient(http(), config.mlflow));
    },
    get kfp() {
      const host = config.kfp.host;
      return host === undefined ? undefined : once('kfp', () => new KfpHealthClient(http(), { ...config.kfp, host }));
    },
    get gateway() {
      const url = config.gateway.url;
      return url === undefined ? undefined : once('gateway', () => new GatewayClient(http(), url));
    },
    async close() {
      const open = new Map(made);
      made.clear();
      const s3 = open.get('s3') as S3Store | undefined;
      s3?.destroy();
      await Promise.allSettled([
        (open.get('postgres') as PostgresClient | undefined)?.close(),
        (open.get('http') as HttpClient | undefined)?.close(),
      ]);
    },
  };
}
