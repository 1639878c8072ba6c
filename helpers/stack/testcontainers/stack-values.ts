import type { FlatValues } from '../../config/presets.js';
import type { StackSpec } from '../provider.js';

/**
 * The host name clients on this machine should use. `localhost` may resolve to ::1 first, where a
 * runtime may not publish ports; the loopback address is what the native stack uses too.
 */
export function clientHost(runtimeHost: string): string {
  return runtimeHost === 'localhost' ? '127.0.0.1' : runtimeHost;
}

export interface MappedEndpoints {
  /** As clients on this machine reach the mapped ports (see `clientHost`). */
  host: string;
  postgresPort: number;
  minioPort: number;
  mlflowPort: number;
}

/** Base URL of a mapped HTTP port; IPv6 literals get their brackets. */
export function httpEndpoint(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The config values the `local` preset takes from a running container stack: endpoints as seen from the host. */
export function stackValues(spec: StackSpec, endpoints: MappedEndpoints): FlatValues {
  return {
    'minio.endpoint': httpEndpoint(endpoints.host, endpoints.minioPort),
    'minio.accessKey': spec.minio.accessKey,
    'minio.secretKey': spec.minio.secretKey,
    'minio.region': spec.minio.region,
    'mlflow.trackingUri': httpEndpoint(endpoints.host, endpoints.mlflowPort),
    'postgres.host': endpoints.host,
    'postgres.port': endpoints.postgresPort,
    'postgres.database': spec.postgres.database,
    'postgres.user': spec.postgres.user,
    'postgres.password': spec.postgres.password,
  };
}
