import { describe, expect, it } from 'vitest';
import { closedPort, startSilentServer } from '../../clients/test-server.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { stubClients, testConfig } from './test-support.js';

describe('dns and tcp checks', () => {
  it('have ids and titles per service', () => {
    expect(dnsCheck('minio')).toMatchObject({ id: 'infrastructure.minio.dns', title: 'MinIO host name resolves' });
    expect(tcpCheck('postgres').id).toBe('infrastructure.postgres.tcp');
  });

  it('resolve and connect to a listening port', async () => {
    const server = await startSilentServer();
    try {
      const ctx = {
        config: testConfig({ POSTGRES_HOST: 'localhost', POSTGRES_PORT: String(server.port) }),
        clients: stubClients({}),
      };
      expect(await dnsCheck('postgres').run(ctx)).toMatchObject({
        status: 'passed',
        evidence: { host: 'localhost', literal: false, addresses: expect.arrayContaining([expect.any(String)]) },
      });
      // localhost may resolve to ::1 first; the server listens on 127.0.0.1 only, so connect there.
      const ipCtx = { ...ctx, config: testConfig({ POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: String(server.port) }) };
      expect(await tcpCheck('postgres').run(ipCtx)).toMatchObject({
        status: 'passed',
        evidence: { endpoint: `127.0.0.1:${server.port}`, remoteAddress: '127.0.0.1', latencyMs: expect.any(Number) },
      });
    } finally {
      await server.close();
    }
  });

  it('tcp fails on a closed port with the endpoint and the hint', async () => {
    const port = await closedPort();
    const ctx = { config: testConfig({ MINIO_ENDPOINT: `http://127.0.0.1:${port}` }), clients: stubClients({}) };
    expect(await tcpCheck('minio').run(ctx)).toMatchObject({
      status: 'failed',
      error: `connect to 127.0.0.1:${port}: expected a TCP connection, saw connection refused (ECONNREFUSED)`,
      hint: expect.stringContaining(`nothing listens on 127.0.0.1:${port}`),
      evidence: { endpoint: `http://127.0.0.1:${port}` },
    });
  });

  it('dns fails on a name that cannot resolve', async () => {
    const ctx = { config: testConfig({ MLFLOW_TRACKING_URI: 'http://mlflow.invalid:5000' }), clients: stubClients({}) };
    expect(await dnsCheck('mlflow').run(ctx)).toMatchObject({ status: 'failed', hint: expect.stringContaining('DNS') });
  });
});
