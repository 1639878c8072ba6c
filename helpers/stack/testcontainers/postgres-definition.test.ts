import { describe, expect, it } from 'vitest';
import { CONTAINER_PORTS, NETWORK_ALIASES, VERSIONS } from '../topology.js';
import { postgresDefinition } from './postgres-definition.js';
import { testSpec } from './test-spec.js';

describe('postgresDefinition', () => {
  const definition = postgresDefinition(testSpec(), VERSIONS.postgresImage);

  it('runs the pinned image through the PostgreSQL module with the spec credentials', () => {
    expect(definition.image).toBe('postgres:15.18-alpine');
    expect(definition.module).toBe('postgresql');
    expect(definition.credentials).toEqual({ database: 'trackingdb', username: 'tracker', password: 'pg-s3cret-4Wm' });
  });

  it('listens on 5432 under the topology alias and depends on nothing', () => {
    expect(definition.port).toBe(CONTAINER_PORTS.postgres);
    expect(definition.networkAliases).toEqual([NETWORK_ALIASES.postgres]);
    expect(definition.dependsOn).toEqual([]);
  });

  it('waits for pg_isready over TCP, with no password in the health check', () => {
    expect(definition.wait.kind).toBe('healthcheck');
    if (definition.wait.kind !== 'healthcheck') return;
    expect(definition.wait.test[0]).toBe('CMD-SHELL');
    expect(definition.wait.test[1]).toMatch(/^pg_isready --host localhost /);
    expect(definition.wait.test[1]).not.toContain('pg-s3cret-4Wm');
    expect(definition.wait.startupTimeoutMs).toBeGreaterThanOrEqual(60_000);
  });
});
