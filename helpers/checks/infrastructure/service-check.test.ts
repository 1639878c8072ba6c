import { describe, expect, it } from 'vitest';
import { HintedError, pass } from '../check.js';
import { serviceCheck } from './service-check.js';
import { stubClients, testConfig } from './test-support.js';

describe('serviceCheck', () => {
  it('skips before touching any client when the target does not run the service', async () => {
    let ran = false;
    const check = serviceCheck({
      id: 'infrastructure.kfp.x',
      title: 't',
      needs: ['kfp'],
      run: async () => {
        ran = true;
        return pass();
      },
    });
    const outcome = await check.run({ config: testConfig(), services: ['minio'], clients: stubClients({}) });
    expect(outcome).toMatchObject({ status: 'skipped', reason: expect.stringContaining('does not run the KFP API') });
    expect(ran).toBe(false);
  });

  it('turns a client error into a failure with its hint and the evidence gathered so far', async () => {
    const check = serviceCheck({
      id: 'infrastructure.minio.x',
      title: 't',
      needs: ['minio'],
      run: async ({ evidence }) => {
        evidence.endpoint = 'http://127.0.0.1:9000';
        throw new HintedError('GET http://u:pa55w0rd-xyz@h/x: expected 200, saw 500', 'see its log');
      },
    });
    const outcome = await check.run({ config: testConfig(), clients: stubClients({}) });
    expect(outcome).toMatchObject({
      status: 'failed',
      hint: 'see its log',
      evidence: { endpoint: 'http://127.0.0.1:9000' },
    });
    expect(outcome.status === 'failed' && outcome.error).not.toContain('pa55w0rd-xyz');
  });

  it('opens its own clients when none are shared', async () => {
    const check = serviceCheck({
      id: 'infrastructure.minio.x',
      title: 't',
      needs: ['minio'],
      run: async ({ clients }) => pass({ endpoint: clients.s3.endpoint }),
    });
    expect(await check.run({ config: testConfig() })).toMatchObject({
      status: 'passed',
      evidence: { endpoint: 'http://127.0.0.1:9000' },
    });
  });
});
