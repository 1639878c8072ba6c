import { describe, expect, it } from 'vitest';
import { json } from '../../clients/test-server.js';
import { gatewayHealth } from './gateway.js';
import { withFakeService } from './http-fixture.js';

describe('infrastructure.gateway.health', () => {
  it("keeps the gateway's JSON answer as evidence", () =>
    withFakeService(
      (_req, res) => json(res, 200, { status: 'ok', model_version: '3' }),
      (s) => ({ GATEWAY_URL: s.url }),
      async (ctx) => {
        expect(await gatewayHealth.run(ctx)).toMatchObject({
          status: 'passed',
          evidence: { status: 200, body: { status: 'ok', model_version: '3' } },
        });
      },
    ));

  it('a 500 fails and points at the log', () =>
    withFakeService(
      (_req, res) => json(res, 500, { detail: 'model not loaded' }),
      (s) => ({ GATEWAY_URL: s.url }),
      async (ctx) => {
        expect(await gatewayHealth.run(ctx)).toMatchObject({
          status: 'failed',
          error: expect.stringContaining('saw HTTP 500: model not loaded'),
          hint: expect.stringContaining('see its log'),
        });
      },
    ));
});
