import { describe, expect, it } from 'vitest';
import { HintedError } from '../check.js';
import { MLFLOW_TABLES, postgresConnect, postgresMlflowSchema } from './postgres.js';
import { stubClients, testConfig } from './test-support.js';

const config = testConfig();
const ENDPOINT = 'postgresql://mlflow@127.0.0.1:5432/mlflow';

function fakePg(tables: string[], connectError?: Error) {
  const pg = {
    endpoint: ENDPOINT,
    connect: async () => {
      if (connectError) throw connectError;
      return { latencyMs: 3.2, reused: false };
    },
    serverVersion: async () => ({ version: '15.18', major: 15, description: 'PostgreSQL 15.18 on x86_64' }),
    tables: async () => {
      if (connectError) throw connectError;
      return { schema: 'public', tables };
    },
    query: async () => [{ version_num: 'dc11669786a5' }],
  };
  return stubClients({ postgres: pg });
}

describe('infrastructure.postgres.connect', () => {
  it('records the server version and connect time', async () => {
    const outcome = await postgresConnect.run({ config, clients: fakePg([]) });
    expect(outcome).toMatchObject({
      status: 'passed',
      evidence: { endpoint: ENDPOINT, serverVersion: '15.18', major: 15, connectMs: 3.2 },
    });
  });

  it('a rejected login fails with the client hint', async () => {
    const error = new HintedError(
      `connect at ${ENDPOINT}: expected a session, saw password authentication failed`,
      'check POSTGRES_PASSWORD',
    );
    const outcome = await postgresConnect.run({ config, clients: fakePg([], error) });
    expect(outcome).toMatchObject({
      status: 'failed',
      hint: 'check POSTGRES_PASSWORD',
      evidence: { endpoint: ENDPOINT },
    });
  });
});

describe('infrastructure.postgres.mlflow-schema', () => {
  it("passes when MLflow's tables are there, recording the Alembic revision", async () => {
    const outcome = await postgresMlflowSchema.run({ config, clients: fakePg([...MLFLOW_TABLES, 'spans']) });
    expect(outcome).toMatchObject({
      status: 'passed',
      evidence: { schema: 'public', tableCount: MLFLOW_TABLES.length + 1, missing: [], alembicVersion: 'dc11669786a5' },
    });
  });

  it('an empty database says MLflow never initialised it', async () => {
    const outcome = await postgresMlflowSchema.run({ config, clients: fakePg([]) });
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.error).toContain('database "mlflow" (schema public)');
    expect(outcome.error).toContain('saw no tables at all');
    expect(outcome.hint).toContain('POSTGRES_DB');
  });

  it('a partial schema lists what is missing and suggests a migration', async () => {
    const outcome = await postgresMlflowSchema.run({
      config,
      clients: fakePg(MLFLOW_TABLES.filter((t) => t !== 'registered_model_aliases')),
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('missing 1 of 11: registered_model_aliases'),
      hint: expect.stringContaining('mlflow db upgrade'),
    });
  });

  it('is skipped when the target does not run MLflow', async () => {
    const outcome = await postgresMlflowSchema.run({ config, services: ['postgres'], clients: fakePg([]) });
    expect(outcome).toMatchObject({ status: 'skipped', reason: expect.stringContaining('MLflow') });
  });
});
