import { describe, expect, it } from 'vitest';
import { text } from '../../clients/test-server.js';
import { withFakeService } from './http-fixture.js';
import { minioLive, minioReady } from './minio.js';

describe('MinIO health checks', () => {
  it('live passes on 200 with url, status, latency and server as evidence', () =>
    withFakeService(
      (req, res) => text(res, req.url === '/minio/health/live' ? 200 : 503, '', { server: 'MinIO' }),
      (s) => ({ MINIO_ENDPOINT: s.url }),
      async (ctx, server) => {
        const outcome = await minioLive.run(ctx);
        expect(outcome).toMatchObject({
          status: 'passed',
          evidence: {
            url: `${server.url}/minio/health/live`,
            status: 200,
            server: 'MinIO',
            latencyMs: expect.any(Number),
          },
        });
      },
    ));

  it('ready fails on 503 with the not-ready hint, after one bounded retry', () =>
    withFakeService(
      (req, res) => text(res, req.url === '/minio/health/live' ? 200 : 503, ''),
      (s) => ({ MINIO_ENDPOINT: s.url }),
      async (ctx, server) => {
        const outcome = await minioReady.run(ctx);
        expect(outcome).toMatchObject({
          status: 'failed',
          error: `GET ${server.url}/minio/health/ready: expected HTTP 200, saw HTTP 503`,
          hint: expect.stringContaining('not ready'),
          evidence: { endpoint: server.url },
        });
        expect(server.requests.filter((r) => r.url === '/minio/health/ready')).toHaveLength(2);
      },
    ));
});
