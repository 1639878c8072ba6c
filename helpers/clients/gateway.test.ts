import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HintedError } from '../checks/check.js';
import { GatewayClient } from './gateway.js';
import { HttpClient } from './http.js';
import { json, startHttpServer, type TestServer, text } from './test-server.js';

let server: TestServer;
let http: HttpClient;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/json/health') return json(res, 200, { status: 'ok', model_loaded: true });
    if (req.url === '/text/health') return text(res, 200, 'healthy');
    return json(res, 404, { detail: 'Not Found' });
  });
  http = new HttpClient({ timeoutMs: 2000 });
});

afterAll(async () => {
  await http.close();
  await server.close();
});

describe('GatewayClient', () => {
  it('returns a JSON health body parsed', async () => {
    const gateway = new GatewayClient(http, `${server.url}/json`);
    expect((await gateway.health()).body).toEqual({ status: 'ok', model_loaded: true });
  });

  it('returns a text health body as text', async () => {
    const gateway = new GatewayClient(http, `${server.url}/text`);
    expect((await gateway.health()).body).toBe('healthy');
  });

  it("404 shows FastAPI's detail and points at GATEWAY_URL", async () => {
    const gateway = new GatewayClient(http, server.url);
    const error = (await gateway.health().catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('saw HTTP 404: Not Found');
    expect(error.hint).toContain('GATEWAY_URL');
  });
});
