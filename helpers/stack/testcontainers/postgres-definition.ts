import type { StackSpec } from '../provider.js';
import { CONTAINER_PORTS, NETWORK_ALIASES } from '../topology.js';
import { SERVICE_LABEL, STARTUP_TIMEOUTS_MS, type StackDefinition } from './container-definition.js';

/**
 * PostgreSQL, MLflow's backend store. Ready = pg_isready over TCP inside the container: the
 * image's init phase runs a socket-only server first, so a TCP answer means the real one is up.
 * The probe reads the user and database from the container's environment and needs no password,
 * so no secret lands in the container's health-check configuration.
 */
export function postgresDefinition(spec: StackSpec, image: string): StackDefinition['postgres'] {
  return {
    service: 'postgres',
    module: 'postgresql',
    image,
    credentials: { database: spec.postgres.database, username: spec.postgres.user, password: spec.postgres.password },
    env: {},
    port: CONTAINER_PORTS.postgres,
    networkAliases: [NETWORK_ALIASES.postgres],
    dependsOn: [],
    wait: {
      kind: 'healthcheck',
      test: ['CMD-SHELL', 'pg_isready --host localhost --username "$POSTGRES_USER" --dbname "$POSTGRES_DB"'],
      intervalMs: 250,
      timeoutMs: 1000,
      retries: 1000,
      startupTimeoutMs: STARTUP_TIMEOUTS_MS.postgres,
    },
    labels: { [SERVICE_LABEL]: 'postgres' },
  };
}
