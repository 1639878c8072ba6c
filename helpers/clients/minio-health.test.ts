import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HintedError } from '../checks/check.js';
import { HttpClient } from './http.js';
import { MinioHealthClient } from './minio-health.js';
import { startHttpServer, type TestServer, text } from './test-server.js';

let server: TestServer;
let http: HttpClient;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/up/minio/health/live') return text(res, 200, '', { server: 'MinIO' });
    if (req.url === '/up/minio/health/ready') return text(res, 503, '');
    return text(res, 404, '');
  });
  http = new HttpClient({ timeoutMs: 2000, getAttempts: 1 });
});

afterAll(async () => {
  await http.close();
  await server.close();
});

describe('MinioHealthClient', () => {
  it('live answers 200', async () => {
    const minio = new MinioHealthClient(http, `${server.url}/up`);
    expect((await minio.live()).status).toBe(200);
  });

  it('ready answering 503 explains that MinIO runs but is not ready', async () => {
    const minio = new MinioHealthClient(http, `${server.url}/up`);
    const error = (await minio.ready().catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('/minio/health/ready: expected HTTP 200, saw HTTP 503');
    expect(error.hint).toContain('not ready');
  });

  it('404 suggests the console port was configured', async () => {
    const minio = new MinioHealthClient(http, server.url);
    const error = (await minio.live().catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('console port');
  });
});
