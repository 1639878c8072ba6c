import { describe, expect, it } from 'vitest';
import { json, text } from '../../clients/test-server.js';
import { withFakeService } from './http-fixture.js';
import { mlflowApi, mlflowHealth, mlflowVersion } from './mlflow.js';

const TOKEN = 'mlflow-check-t0ken';

const mlflowLike = (version = '3.17.2', health = 'OK') =>
  ((req, res) => {
    if (req.url === '/health') return text(res, 200, health);
    if (req.url === '/version') return text(res, 200, version);
    if (req.url === '/api/2.0/mlflow/experiments/search') {
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'no' });
      return json(res, 200, { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] });
    }
    return text(res, 404, 'Not Found');
  }) satisfies Parameters<typeof withFakeService>[0];

describe('MLflow checks', () => {
  it('health, version and an authenticated search pass on an MLflow-like server', () =>
    withFakeService(
      mlflowLike(),
      (s) => ({ MLFLOW_TRACKING_URI: s.url, MLFLOW_TRACKING_TOKEN: TOKEN }),
      async (ctx) => {
        expect(await mlflowHealth.run(ctx)).toMatchObject({ status: 'passed', evidence: { body: 'OK' } });
        expect(await mlflowVersion.run(ctx)).toMatchObject({ status: 'passed', evidence: { version: '3.17.2' } });
        const api = await mlflowApi.run(ctx);
        expect(api).toMatchObject({
          status: 'passed',
          evidence: { authenticated: true, experimentsSeen: 1, experiments: [{ id: '0', name: 'Default' }] },
        });
        expect(JSON.stringify(api)).not.toContain(TOKEN);
      },
    ));

  it('the API check without a token fails with the credentials hint', () =>
    withFakeService(
      mlflowLike(),
      (s) => ({ MLFLOW_TRACKING_URI: s.url }),
      async (ctx) => {
        expect(await mlflowApi.run(ctx)).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('saw HTTP 401: UNAUTHENTICATED: no'),
          hint: expect.stringContaining('MLFLOW_TRACKING_TOKEN'),
          evidence: { authenticated: false },
        });
      },
    ));

  it('another service on the port fails health and version with what it said', () =>
    withFakeService(
      mlflowLike('<html>app</html>', 'healthy'),
      (s) => ({ MLFLOW_TRACKING_URI: s.url }),
      async (ctx) => {
        expect(await mlflowHealth.run(ctx)).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('expected "OK", saw "healthy"'),
          hint: expect.stringContaining('MLFLOW_TRACKING_URI'),
        });
        expect(await mlflowVersion.run(ctx)).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('expected a version'),
        });
      },
    ));
});
