import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { serviceClients } from './service-clients.js';

const config = (env: Record<string, string> = {}) => resolveConfig({ env: { E2E_PRESET: 'local', ...env } }).config;

describe('serviceClients', () => {
  it('creates each client once, on first use', () => {
    const clients = serviceClients(config());
    expect(clients.mlflow).toBe(clients.mlflow);
    expect(clients.s3).toBe(clients.s3);
    expect(clients.s3.endpoint).toBe('http://127.0.0.1:9000');
    expect(clients.postgres.endpoint).toBe('postgresql://mlflow@127.0.0.1:5432/mlflow');
    return clients.close();
  });

  it('has no KFP or gateway client without an endpoint', () => {
    const base = config();
    const clients = serviceClients({ ...base, kfp: { ...base.kfp, host: undefined }, gateway: { url: undefined } });
    expect(clients.kfp).toBeUndefined();
    expect(clients.gateway).toBeUndefined();
    return clients.close();
  });

  it('close() is idempotent and never throws, used or not', async () => {
    const clients = serviceClients(config());
    await clients.close();
    void clients.s3;
    void clients.http;
    await clients.close();
    await clients.close();
  });
});
