import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { HttpClient } from './http.js';
import { MlflowClient } from './mlflow.js';
import { json, startHttpServer, type TestServer, text } from './test-server.js';

const TOKEN = 'mlflow-t0ken-5ecret';
let server: TestServer;
let http: HttpClient;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    if (req.headers.host?.startsWith('localhost'))
      return text(res, 403, 'Invalid Host header - possible DNS rebinding attack detected');
    if (req.url === '/health') return text(res, 200, 'OK');
    if (req.url === '/version') return text(res, 200, '3.17.2\n');
    if (req.url === '/api/2.0/mlflow/experiments/search') {
      if (!authorized) return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'missing token' });
      return json(res, 200, { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] });
    }
    if (req.url.startsWith('/api/2.0/mlflow/experiments/get?')) {
      return json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=9 exists' });
    }
    return text(res, 404, 'Not Found');
  });
  http = new HttpClient({ timeoutMs: 2000 });
});

afterAll(async () => {
  await http.close();
  await server.close();
  clearRegisteredSecrets();
});

describe('MlflowClient', () => {
  it('reads /health and /version (trimmed)', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    expect((await mlflow.health()).body).toBe('OK');
    expect((await mlflow.version()).body).toBe('3.17.2');
  });

  it('searches experiments with max_results and the bearer token', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `${server.url}/`, token: TOKEN });
    const r = await mlflow.searchExperiments({ maxResults: 3 });
    expect(r.body.experiments.map((e) => e.name)).toEqual(['Default']);
    const sent = server.requests.at(-1);
    expect(sent?.method).toBe('POST');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ max_results: 3 });
  });

  it('without a token, 401 says to set MLFLOW_TRACKING_TOKEN', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    const error = (await mlflow.searchExperiments({ maxResults: 1 }).catch((e: unknown) => e)) as HintedError;
    expect(error).toBeInstanceOf(HintedError);
    expect(error.message).toContain('saw HTTP 401: UNAUTHENTICATED: missing token');
    expect(error.hint).toContain('set MLFLOW_TRACKING_TOKEN');
  });

  it('a rejected token is named as the cause, and never printed', async () => {
    registerSecret('wrong-t0ken-value');
    const mlflow = new MlflowClient(http, { trackingUri: server.url, token: 'wrong-t0ken-value' });
    const error = (await mlflow.searchExperiments({ maxResults: 1 }).catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('rejected MLFLOW_TRACKING_TOKEN');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-t0ken-value');
  });

  it("explains MLflow's Host-header check", async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `http://localhost:${server.port}` });
    const error = (await mlflow.health().catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('--allowed-hosts');
    expect(error.hint).toContain('"localhost"');
  });

  it('sends GET endpoints as a query string and surfaces error_code', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    const rpc = {
      method: 'GET' as const,
      path: '/api/2.0/mlflow/experiments/get',
      response: z.object({}),
      expected: 'x',
    };
    const error = (await mlflow
      .call(rpc, { experiment_id: '9', absent: undefined })
      .catch((e: unknown) => e)) as HintedError;
    expect(server.requests.at(-1)?.url).toBe('/api/2.0/mlflow/experiments/get?experiment_id=9');
    expect(error.message).toContain('RESOURCE_DOES_NOT_EXIST: No Experiment with id=9 exists');
  });

  it('points at the tracking URI when a path is not found', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `${server.url}/mlflow` });
    const error = (await mlflow.health().catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('MLFLOW_TRACKING_URI');
  });
});
