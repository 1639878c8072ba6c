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
    if (req.url === '/ref/health')
      return json(res, 200, {
        status: 'ok',
        model_name: 'poblesec-forecast',
        model_version: '2',
        pointer: 's3://models/p.json',
        last_error: null,
      });
    if (req.url === '/ref/model')
      return json(res, 200, { model_name: 'poblesec-forecast', model_version: '2', metrics: { rmse: 3.1 } });
    if (req.url === '/empty/health')
      return json(res, 200, { status: 'no_model', model_name: null, model_version: null, last_error: null });
    if (req.url === '/empty/model') return json(res, 503, { error: 'no_model', status: 'no_model' });
    if (req.url === '/ref/predict') {
      const body = JSON.parse(req.body) as { instances: unknown[] };
      if (!Array.isArray(body.instances) || body.instances.length === 0)
        return json(res, 422, { error: 'invalid_request', detail: [{ loc: ['body', 'instances'], msg: 'too short' }] });
      return json(res, 200, {
        predictions: body.instances.map(() => 41.5),
        model_name: 'poblesec-forecast',
        model_version: '2',
      });
    }
    if (req.url === '/slow/predict') return; // never answers
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

  it('reads the reference health JSON, the served pointer and predictions (with latency)', async () => {
    const gateway = new GatewayClient(http, `${server.url}/ref`);
    expect((await gateway.healthJson()).body).toMatchObject({ status: 'ok', model_version: '2' });
    expect((await gateway.model()).body).toMatchObject({ model_version: '2', metrics: { rmse: 3.1 } });
    const predicted = await gateway.predict({ instances: [{ hour_of_day: 8 }, { hour_of_day: 9 }] });
    expect(predicted.body).toEqual({ predictions: [41.5, 41.5], model_name: 'poblesec-forecast', model_version: '2' });
    expect(predicted.latencyMs).toBeGreaterThan(0);
    expect(server.requests.at(-1)?.method).toBe('POST');
  });

  it('before a promotion: health says no_model, /model answers 503 with the reason', async () => {
    const gateway = new GatewayClient(http, `${server.url}/empty`);
    expect((await gateway.healthJson()).body).toMatchObject({ status: 'no_model', model_version: null });
    const error = (await gateway.model().catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('saw HTTP 503: no_model');
  });

  it('a rejected prediction request shows the 422 detail', async () => {
    const gateway = new GatewayClient(http, `${server.url}/ref`);
    const error = (await gateway.predict({ instances: [] }).catch((e: unknown) => e)) as HintedError;
    expect(error.message).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/ref\/predict: .*saw HTTP 422: invalid_request/);
  });

  it('a prediction that never comes back times out with the deadline named', async () => {
    const gateway = new GatewayClient(http, `${server.url}/slow`);
    const error = (await gateway
      .predict({ instances: [{}] }, { timeoutMs: 200 })
      .catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('no answer within 200 ms');
  });

  it("a health body that is not the reference gateway's JSON is an error naming the field", async () => {
    const gateway = new GatewayClient(http, `${server.url}/json`);
    const ok = await gateway.healthJson();
    expect(ok.body.status).toBe('ok');
    const error = (await new GatewayClient(http, `${server.url}/text`)
      .healthJson()
      .catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('as JSON, saw');
  });

  it("404 shows FastAPI's detail and points at GATEWAY_URL", async () => {
    const gateway = new GatewayClient(http, server.url);
    const error = (await gateway.health().catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('saw HTTP 404: Not Found');
    expect(error.hint).toContain('GATEWAY_URL');
  });
});
