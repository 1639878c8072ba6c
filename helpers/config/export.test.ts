import { beforeEach, describe, expect, it } from 'vitest';
import { toEnv, toRuntimeParameters } from './export.js';
import { CONFIG_KEYS, SECRET_PATHS } from './keys.js';
import { clearRegisteredSecrets } from './mask.js';
import { resolveConfig } from './resolve.js';
import type { Config } from './schema.js';

beforeEach(() => clearRegisteredSecrets());

/** Configurations that differ from the defaults in every kind of way: types, optional keys, presets. */
const cases: Array<[string, Parameters<typeof resolveConfig>[0]]> = [
  ['local defaults', { env: {} }],
  [
    'cluster in another namespace with every optional key',
    {
      preset: 'cluster',
      env: {
        KFP_NAMESPACE: 'team-ml',
        KFP_TOKEN: 'kfp-bearer-token',
        KFP_TOKEN_FILE: '/var/run/secrets/kfp/token',
        KFP_USER_ID_HEADER: 'kubeflow-userid',
        KFP_USER_ID: 'alice@example.com',
        KFP_PATH_PREFIX: '/pipeline',
        MLFLOW_TRACKING_TOKEN: 'mlflow-bearer-token',
        MINIO_USE_TLS: 'true',
        MINIO_SECRET_KEY: 'cluster-minio-secret',
        POSTGRES_PASSWORD: 'cluster-pg-password',
      },
    },
  ],
  [
    'prod with explicit secrets and non-default numbers',
    {
      preset: 'prod',
      env: {
        MINIO_ACCESS_KEY: 'prod-access',
        MINIO_SECRET_KEY: 'prod-secret-key',
        POSTGRES_USER: 'prod-user',
        POSTGRES_PASSWORD: 'prod-password',
        POSTGRES_PORT: '6543',
        E2E_REQUEST_TIMEOUT_MS: '2500',
        IMAGE_PINNING: 'warn',
      },
    },
  ],
  [
    'local with a running stack on other ports',
    { env: { STACK: 'native' }, stack: { 'minio.endpoint': 'http://127.0.0.1:19000', 'postgres.port': 15432 } },
  ],
];

describe('toEnv', () => {
  it.each(cases)('round-trips through resolveConfig: %s', (_name, input) => {
    const { config } = resolveConfig(input);
    const env = toEnv(config);
    const again = resolveConfig({ env });
    expect(again.config).toEqual(config);
    // Nothing came from defaults the second time: the env carries every value that is set.
    for (const [path, source] of Object.entries(again.sources)) {
      if (config.kfp.pathPrefix === '' && path === 'kfp.pathPrefix') continue; // '' is "unset" in env
      expect({ path, source }).toEqual({ path, source: 'env' });
    }
  });

  it('uses the environment variable names the suite reads, as strings', () => {
    const { config } = resolveConfig({ env: { MINIO_USE_TLS: 'true' } });
    const env = toEnv(config);
    expect(env.MINIO_ENDPOINT).toBe('http://127.0.0.1:9000');
    expect(env.POSTGRES_PORT).toBe('5432');
    expect(env.MINIO_USE_TLS).toBe('true');
    expect(env.E2E_TARGET).toBe('local');
    for (const value of Object.values(env)) expect(typeof value).toBe('string');
    expect(Object.keys(env).every((name) => CONFIG_KEYS.some((k) => k.env === name))).toBe(true);
  });

  it('leaves unset optional keys out instead of writing "undefined"', () => {
    const { config } = resolveConfig({ env: {} });
    const env = toEnv(config);
    expect('KFP_TOKEN' in env).toBe(false);
    expect('MLFLOW_TRACKING_TOKEN' in env).toBe(false);
    expect(Object.values(env)).not.toContain('undefined');
  });

  it('includes the secrets (it is meant for child processes)', () => {
    const { config } = resolveConfig({ env: { MINIO_SECRET_KEY: 'child-needs-this' } });
    expect(toEnv(config).MINIO_SECRET_KEY).toBe('child-needs-this');
  });
});

describe('toRuntimeParameters', () => {
  const { config } = resolveConfig(cases[1]?.[1]);
  const params = toRuntimeParameters(config);

  it('names each parameter after its environment variable, lower-cased', () => {
    expect(params.minio_endpoint).toBe('http://minio-service.team-ml.svc.cluster.local:9000');
    expect(params.bucket_models).toBe('models');
    expect(params.minio_use_tls).toBe('true');
    expect(params.kfp_namespace).toBe('team-ml');
    expect(params.kfp_token_file).toBe('/var/run/secrets/kfp/token');
  });

  it('carries no secret: neither the secret keys nor any secret value', () => {
    const secretNames = CONFIG_KEYS.filter((k) => SECRET_PATHS.has(k.path)).map((k) => k.env.toLowerCase());
    expect(secretNames.length).toBeGreaterThan(0);
    for (const name of secretNames) expect(params).not.toHaveProperty(name);
    const text = JSON.stringify(params);
    for (const secret of ['kfp-bearer-token', 'mlflow-bearer-token', 'cluster-minio-secret', 'cluster-pg-password']) {
      expect(text).not.toContain(secret);
    }
  });

  it('has every non-secret key that is set', () => {
    const expected = CONFIG_KEYS.filter((k) => !k.secret && valueAt(config, k.path) !== undefined).map((k) =>
      k.env.toLowerCase(),
    );
    expect(Object.keys(params).sort()).toEqual(expected.sort());
  });
});

function valueAt(config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], config);
}
