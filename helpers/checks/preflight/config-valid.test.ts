import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { resolveConfig } from '../../config/resolve.js';
import type { Config } from '../../config/schema.js';
import { HintedError, runCheck } from '../check.js';
import { CONFIG_HINT, configProblems, configValid, withConfigHint } from './config-valid.js';

const local = () => resolveConfig({ env: {} });
const cluster = () => resolveConfig({ env: { E2E_TARGET: 'cluster' } });

describe('preflight.config.valid', () => {
  it('passes for the local preset and records the target', async () => {
    const { config, sources } = local();
    const result = await runCheck(configValid, { config, sources });
    expect(result).toMatchObject({
      status: 'passed',
      evidence: { target: 'local', stack: 'auto', imagePinning: 'error' },
    });
  });

  it('passes for the cluster preset, whose KFP host defaults to in-cluster DNS', async () => {
    const { config } = cluster();
    expect(await runCheck(configValid, { config })).toMatchObject({
      status: 'passed',
      evidence: { target: 'cluster', kfpHost: 'http://ml-pipeline.kubeflow.svc.cluster.local:8888' },
    });
  });

  it('fails for the cluster target without a KFP host', async () => {
    const { config } = cluster();
    const result = await runCheck(configValid, { config: { ...config, kfp: { ...config.kfp, host: undefined } } });
    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      'configuration is not valid for the cluster target (1 problem):\n' +
        '  - kfp.host — not set — required for the cluster target: the KFP API URL, e.g. http://ml-pipeline.kubeflow:8888',
    );
    expect(result.hint).toBe(CONFIG_HINT);
  });

  it('says where a value that does not suit the target came from', async () => {
    const { config, sources } = resolveConfig({ env: { E2E_TARGET: 'cluster', STACK: 'native' } });
    const result = await runCheck(configValid, { config, sources });
    expect(result.error).toBe(
      'configuration is not valid for the cluster target (1 problem):\n' +
        '  - stack — from env (STACK) value "native" — the cluster target starts nothing: use external (or leave it unset)',
    );
  });

  it('ties the user-id header to its value and wants a readable token file', () => {
    const { config } = local();
    const kfp = { ...config.kfp, userIdHeader: 'kubeflow-userid', tokenFile: '/nonexistent/token' };
    expect(configProblems({ ...config, kfp })).toEqual([
      {
        key: 'kfp.userId',
        expected: 'required when kfp.userIdHeader is set (the value of the kubeflow-userid header)',
      },
      { key: 'kfp.tokenFile', expected: 'a readable file holding the KFP bearer token' },
    ]);
    expect(configProblems({ ...config, kfp: { ...config.kfp, userId: 'alice@example.com' } })).toEqual([
      {
        key: 'kfp.userIdHeader',
        expected: 'required when kfp.userId is set (the header name, such as kubeflow-userid)',
      },
    ]);
  });

  it('re-validates a hand-built config against the schema, masking secret values', async () => {
    const { config } = local();
    const broken = {
      ...config,
      minio: { ...config.minio, secretKey: 12345678 },
      postgres: { ...config.postgres, port: 0 },
    } as unknown as Config;
    const result = await runCheck(configValid, { config: broken });
    expect(result.status).toBe('failed');
    expect(result.error).toContain('  - minio.secretKey — value "***" — ');
    expect(result.error).toContain('expected string, received number');
    expect(result.error).not.toContain('12345678');
    expect(result.error).toContain('  - postgres.port — value "0" — expected a port between 1 and 65535');
  });
});

describe('withConfigHint', () => {
  it('turns a ConfigError into a HintedError with the same issue list', () => {
    let thrown: unknown;
    try {
      resolveConfig({ env: { POSTGRES_PORT: 'abc' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const hinted = withConfigHint(thrown);
    expect(hinted).toBeInstanceOf(HintedError);
    expect((hinted as HintedError).message).toBe((thrown as Error).message);
    expect((hinted as HintedError).message).toContain('postgres.port — from env (POSTGRES_PORT) value "abc"');
    expect((hinted as HintedError).hint).toBe(CONFIG_HINT);
  });

  it('leaves other errors alone', () => {
    const error = new Error('boom');
    expect(withConfigHint(error)).toBe(error);
  });
});
