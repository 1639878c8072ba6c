import { describe, expect, it } from 'vitest';
import { infrastructureContexts, notRunReason, serviceAddress } from './context.js';
import { testConfig } from './test-support.js';

describe('serviceAddress', () => {
  const config = testConfig({ KFP_HOST: 'http://kfp.example:8888', GATEWAY_URL: '' });

  it('derives host and port from URLs and the PostgreSQL settings', () => {
    expect(serviceAddress(config, 'minio')).toMatchObject({ host: '127.0.0.1', port: 9000, key: 'minio.endpoint' });
    expect(serviceAddress(config, 'kfp')).toMatchObject({ host: 'kfp.example', port: 8888 });
    expect(serviceAddress(config, 'postgres')).toMatchObject({
      host: '127.0.0.1',
      port: 5432,
      display: '127.0.0.1:5432',
    });
  });
});

describe('notRunReason', () => {
  it('skips a service the target does not run, saying what it runs', () => {
    const ctx = { config: testConfig(), services: ['postgres', 'minio', 'mlflow'] as const };
    expect(notRunReason(ctx, ['kfp'])).toBe('the target does not run the KFP API (it runs PostgreSQL, MinIO, MLflow)');
    expect(notRunReason(ctx, ['postgres', 'mlflow'])).toBeUndefined();
  });

  it('with no services at all, points at the stack start instead of at each service', () => {
    expect(notRunReason({ config: testConfig(), services: [] }, ['minio'])).toContain('infrastructure.stack.started');
  });

  it('skips a service without an endpoint, naming the variable to set', () => {
    const config = testConfig();
    const unset = { ...config, gateway: { url: undefined }, kfp: { ...config.kfp, host: undefined } };
    expect(notRunReason({ config: unset }, ['gateway'])).toBe(
      'no endpoint configured for the model gateway — set GATEWAY_URL (or --set gateway.url=…)',
    );
    expect(notRunReason({ config: unset }, ['kfp'])).toContain('set KFP_HOST');
  });

  it('runs everything configured when the target does not say what it runs', () => {
    expect(notRunReason({ config: testConfig() }, ['kfp', 'gateway'])).toBeUndefined();
  });
});

describe('infrastructureContexts', () => {
  it('reads the configuration lazily and shares one set of clients', async () => {
    let reads = 0;
    const infra = infrastructureContexts({
      config: () => {
        reads++;
        return testConfig();
      },
      services: () => ['minio'],
    });
    expect(reads).toBe(0);
    const a = infra.context();
    const b = infra.context();
    expect(a.clients).toBe(b.clients);
    expect(a.services).toEqual(['minio']);
    await infra.close();
    await infra.close();
  });

  it('surfaces a configuration error when a context is asked for, not before', () => {
    const infra = infrastructureContexts({
      config: () => {
        throw new Error('invalid configuration');
      },
    });
    expect(() => infra.context()).toThrow('invalid configuration');
  });
});
