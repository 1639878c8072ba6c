import { describe, expect, it } from 'vitest';
import { clientHost, httpEndpoint, stackValues } from './stack-values.js';
import { testSpec } from './test-spec.js';

describe('stackValues', () => {
  it('gives the local preset its endpoints as seen from this machine, and the spec credentials', () => {
    const values = stackValues(testSpec(), {
      host: '127.0.0.1',
      postgresPort: 32801,
      minioPort: 32802,
      mlflowPort: 32803,
    });
    expect(values).toEqual({
      'minio.endpoint': 'http://127.0.0.1:32802',
      'minio.accessKey': 'access-7Qz',
      'minio.secretKey': 'minio-s3cret-9Xk',
      'minio.region': 'us-east-1',
      'mlflow.trackingUri': 'http://127.0.0.1:32803',
      'postgres.host': '127.0.0.1',
      'postgres.port': 32801,
      'postgres.database': 'trackingdb',
      'postgres.user': 'tracker',
      'postgres.password': 'pg-s3cret-4Wm',
    });
  });
});

describe('clientHost', () => {
  it('uses the loopback address for localhost and keeps a remote runtime host', () => {
    expect(clientHost('localhost')).toBe('127.0.0.1');
    expect(clientHost('docker.lan')).toBe('docker.lan');
  });
});

describe('httpEndpoint', () => {
  it('brackets IPv6 literals', () => {
    expect(httpEndpoint('::1', 9000)).toBe('http://[::1]:9000');
    expect(httpEndpoint('10.0.0.2', 9000)).toBe('http://10.0.0.2:9000');
  });
});
