import type { StackSpec } from '../provider.js';
import { CONTAINER_PORTS, MINIO_READY_PATH, minioServerArgs, NETWORK_ALIASES } from '../topology.js';
import { SERVICE_LABEL, STARTUP_TIMEOUTS_MS, type StackDefinition } from './container-definition.js';

/** Where MinIO keeps its data inside the container (removed with the container). */
export const MINIO_DATA_DIR = '/data';
/** The console is not used by the suite; it gets its own port so it never collides with the API. */
export const MINIO_CONSOLE_PORT = 9001;

/** MinIO, the object store: same server flags as the native process, ready = MINIO_READY_PATH. */
export function minioDefinition(spec: StackSpec, image: string): StackDefinition['minio'] {
  const port = CONTAINER_PORTS.minio;
  return {
    service: 'minio',
    module: 'minio',
    image,
    credentials: { username: spec.minio.accessKey, password: spec.minio.secretKey },
    command: minioServerArgs(MINIO_DATA_DIR, `:${port}`, `:${MINIO_CONSOLE_PORT}`),
    env: {},
    port,
    networkAliases: [NETWORK_ALIASES.minio],
    dependsOn: [],
    wait: { kind: 'http', path: MINIO_READY_PATH, port, status: 200, startupTimeoutMs: STARTUP_TIMEOUTS_MS.minio },
    labels: { [SERVICE_LABEL]: 'minio' },
  };
}
