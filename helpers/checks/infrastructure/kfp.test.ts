import { describe, expect, it } from 'vitest';
import { json } from '../../clients/test-server.js';
import { withFakeService } from './http-fixture.js';
import { kfpHealthz } from './kfp.js';

describe('infrastructure.kfp.healthz', () => {
  it('records multi-user mode and what else the server says, under the path prefix', () =>
    withFakeService(
      (req, res) =>
        req.url === '/pipeline/apis/v2beta1/healthz'
          ? json(res, 200, { commit_sha: 'abc123', tag_name: '2.5.0' })
          : json(res, 404, { code: 5, message: 'Not Found' }),
      (s) => ({ KFP_HOST: s.url, KFP_PATH_PREFIX: '/pipeline' }),
      async (ctx) => {
        expect(await kfpHealthz.run(ctx)).toMatchObject({
          status: 'passed',
          evidence: { multiUser: false, commitSha: 'abc123', tagName: '2.5.0', status: 200 },
        });
      },
    ));

  it('a missing prefix fails with the prefix hint', () =>
    withFakeService(
      (_req, res) => json(res, 404, { code: 5, message: 'Not Found' }),
      (s) => ({ KFP_HOST: s.url }),
      async (ctx) => {
        expect(await kfpHealthz.run(ctx)).toMatchObject({
          status: 'failed',
          hint: expect.stringContaining('KFP_PATH_PREFIX=/pipeline'),
        });
      },
    ));

  it('is skipped on a target without a KFP API', () =>
    withFakeService(
      (_req, res) => json(res, 200, {}),
      (s) => ({ KFP_HOST: s.url }),
      async (ctx, server) => {
        const outcome = await kfpHealthz.run({ ...ctx, services: ['postgres', 'minio', 'mlflow'] });
        expect(outcome).toMatchObject({
          status: 'skipped',
          reason: expect.stringContaining('does not run the KFP API'),
        });
        expect(server.requests).toHaveLength(0);
      },
    ));
});
