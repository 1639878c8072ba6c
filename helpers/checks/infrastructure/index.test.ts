import { describe, expect, it } from 'vitest';
import { closedPort } from '../../clients/test-server.js';
import { CheckResultSchema } from '../../report/schema.js';
import { runCheck } from '../check.js';
import { infrastructureChecks, infrastructureContexts } from './index.js';
import { testConfig } from './test-support.js';

describe('infrastructureChecks', () => {
  it('have unique ids of the form infrastructure.<subject>.<property>', () => {
    const ids = infrastructureChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of infrastructureChecks) expect(check.stage).toBe('infrastructure');
    expect(ids).toEqual(
      expect.arrayContaining([
        'infrastructure.minio.dns',
        'infrastructure.minio.tcp',
        'infrastructure.minio.live',
        'infrastructure.minio.ready',
        'infrastructure.s3.list-buckets',
        'infrastructure.s3.buckets-exist',
        'infrastructure.s3.probe-object',
        'infrastructure.postgres.dns',
        'infrastructure.postgres.tcp',
        'infrastructure.postgres.connect',
        'infrastructure.postgres.mlflow-schema',
        'infrastructure.mlflow.dns',
        'infrastructure.mlflow.tcp',
        'infrastructure.mlflow.health',
        'infrastructure.mlflow.version',
        'infrastructure.mlflow.api',
        'infrastructure.kfp.dns',
        'infrastructure.kfp.tcp',
        'infrastructure.kfp.healthz',
        'infrastructure.gateway.dns',
        'infrastructure.gateway.tcp',
        'infrastructure.gateway.health',
      ]),
    );
  });

  it('with nothing listening: every check fails fast, with endpoint, hint and no secret', async () => {
    const port = async () => String(await closedPort());
    const secrets = {
      MINIO_SECRET_KEY: 'minio-s3cret-4711',
      POSTGRES_PASSWORD: 'pg-s3cret-4712',
      MLFLOW_TRACKING_TOKEN: 'mlflow-s3cret-4713',
    };
    const config = testConfig({
      ...secrets,
      MINIO_ENDPOINT: `http://127.0.0.1:${await port()}`,
      MLFLOW_TRACKING_URI: `http://127.0.0.1:${await port()}`,
      POSTGRES_PORT: await port(),
      KFP_HOST: `http://127.0.0.1:${await port()}`,
      GATEWAY_URL: `http://127.0.0.1:${await port()}`,
      E2E_REQUEST_TIMEOUT_MS: '5000',
    });
    const infra = infrastructureContexts({ config: () => config });
    const started = performance.now();
    const results = [];
    for (const check of infrastructureChecks) results.push(await runCheck(check, infra.context()));
    await infra.close();
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(3000);
    for (const result of results) {
      CheckResultSchema.parse(result);
      if (result.id.endsWith('.dns')) {
        expect(result.status, result.id).toBe('passed');
        continue;
      }
      expect(result.status, result.id).toBe('failed');
      expect(result.error, result.id).toMatch(/127\.0\.0\.1:\d+/);
      expect(result.error, result.id).toContain('ECONNREFUSED');
      expect(result.hint, result.id).toContain('nothing listens on 127.0.0.1:');
    }
    const all = JSON.stringify(results);
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
  });

  it('on the local stack without KFP and gateway, those checks are skipped with the reason', async () => {
    const infra = infrastructureContexts({
      config: () => testConfig(),
      services: () => ['postgres', 'minio', 'mlflow'],
    });
    const kfpAndGateway = infrastructureChecks.filter((c) => /\.(kfp|gateway)\./.test(c.id));
    for (const check of kfpAndGateway) {
      const result = await runCheck(check, infra.context());
      expect(result).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/does not run the (KFP API|model gateway)/),
      });
    }
    await infra.close();
  });
});
