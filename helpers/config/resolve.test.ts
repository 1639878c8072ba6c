import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { CONFIG_KEYS, findKey, SECRET_PATHS } from './keys.js';
import { clearRegisteredSecrets, maskText } from './mask.js';
import { presetDefaults } from './presets.js';
import { resolveConfig } from './resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'resolve-test-'));
let fileCount = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearRegisteredSecrets());

/** Writes a config file with the given text and returns its path. */
function configFile(text: string, ext = 'yaml'): string {
  const path = join(dir, `config-${++fileCount}.${ext}`);
  writeFileSync(path, text);
  return path;
}

/** Every value a prod/cluster resolution needs besides the secrets. */
const PROD_SECRETS = {
  MINIO_ACCESS_KEY: 'prod-access',
  MINIO_SECRET_KEY: 'prod-secret-key',
  POSTGRES_USER: 'prod-user',
  POSTGRES_PASSWORD: 'prod-password',
};

/** Runs resolution expecting a ConfigError; fails the test if none is thrown. */
function configError(input: Parameters<typeof resolveConfig>[0]): ConfigError {
  try {
    resolveConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected resolveConfig to throw a ConfigError');
}

function issueFor(error: ConfigError, key: string): ConfigIssue {
  const issue = error.issues.find((i) => i.key === key);
  if (!issue) throw new Error(`no issue for ${key}; issues: ${error.issues.map((i) => i.key).join(', ')}`);
  return issue;
}

describe('keys', () => {
  it('derives one key per leaf with its env name, and marks exactly the secret ones', () => {
    expect(CONFIG_KEYS.map((k) => k.path)).toContain('minio.secretKey');
    expect(findKey('postgres.port')?.env).toBe('POSTGRES_PORT');
    expect(findKey('kfp.token')?.optional).toBe(true);
    expect(findKey('minio.endpoint')?.optional).toBe(false);
    expect(findKey('nope.nope')).toBeUndefined();
    expect([...SECRET_PATHS].sort()).toEqual(
      ['kfp.token', 'minio.accessKey', 'minio.secretKey', 'mlflow.token', 'postgres.password'].sort(),
    );
    expect(new Set(CONFIG_KEYS.map((k) => k.env)).size).toBe(CONFIG_KEYS.length);
  });
});

describe('resolveConfig: layers and precedence', () => {
  it('resolves the local preset from defaults alone, every key recorded as default', () => {
    const { config, preset, sources, file } = resolveConfig({ env: {} });
    expect(preset).toBe('local');
    expect(file).toBeUndefined();
    expect(config.target).toBe('local');
    expect(config.minio.endpoint).toBe('http://127.0.0.1:9000');
    expect(config.postgres.port).toBe(5432);
    expect(config.minio.useTls).toBe(false);
    expect(config.kfp.pathPrefix).toBe('');
    expect(config.kfp.token).toBeUndefined();
    expect(sources['minio.endpoint']).toBe('default');
    expect(sources['kfp.token']).toBeUndefined();
    expect(new Set(Object.values(sources))).toEqual(new Set(['default']));
  });

  it('takes flags over env over file over defaults, and records where each key came from', () => {
    const file = configFile(
      [
        'minio:',
        '  endpoint: http://file-minio:9000',
        '  region: file-region',
        'buckets:',
        '  models: file-models',
      ].join('\n'),
    );
    const { config, sources } = resolveConfig({
      file,
      env: { MINIO_ENDPOINT: 'http://env-minio:9000', MINIO_REGION: 'env-region' },
      flags: { 'minio.endpoint': 'http://flag-minio:9000' },
    });
    expect(config.minio.endpoint).toBe('http://flag-minio:9000');
    expect(sources['minio.endpoint']).toBe('flag');
    expect(config.minio.region).toBe('env-region');
    expect(sources['minio.region']).toBe('env');
    expect(config.buckets.models).toBe('file-models');
    expect(sources['buckets.models']).toBe('file');
    expect(config.buckets.rawData).toBe('raw-data');
    expect(sources['buckets.rawData']).toBe('default');
  });

  it('ignores empty environment variables (they do not hide the lower layers)', () => {
    const { config, sources } = resolveConfig({ env: { MINIO_REGION: '', POSTGRES_PORT: '' } });
    expect(config.minio.region).toBe('us-east-1');
    expect(sources['minio.region']).toBe('default');
    expect(config.postgres.port).toBe(5432);
  });

  it('lets the local stack win over flags, env and file for the local preset', () => {
    const file = configFile('postgres:\n  port: 6000\n');
    const { config, sources } = resolveConfig({
      file,
      env: { MINIO_ENDPOINT: 'http://env-minio:9000', POSTGRES_PORT: '6001' },
      flags: { 'minio.endpoint': 'http://flag-minio:9000' },
      stack: { 'minio.endpoint': 'http://127.0.0.1:19000', 'postgres.port': 15432 },
    });
    expect(config.minio.endpoint).toBe('http://127.0.0.1:19000');
    expect(sources['minio.endpoint']).toBe('stack');
    expect(config.postgres.port).toBe(15432);
    expect(sources['postgres.port']).toBe('stack');
    // Keys the stack does not own still follow the normal precedence.
    expect(sources['minio.region']).toBe('default');
  });

  it('ignores the stack layer for a cluster target', () => {
    const { config, preset, sources } = resolveConfig({
      env: { E2E_TARGET: 'cluster' },
      stack: { 'minio.endpoint': 'http://127.0.0.1:19000' },
    });
    expect(preset).toBe('cluster');
    expect(config.minio.endpoint).toBe('http://minio-service.kubeflow.svc.cluster.local:9000');
    expect(sources['minio.endpoint']).toBe('default');
  });

  it('parses values by their schema: ports and durations as numbers, booleans from strings', () => {
    const { config } = resolveConfig({
      env: { POSTGRES_PORT: '6543', MINIO_USE_TLS: 'true', E2E_REQUEST_TIMEOUT_MS: '1234' },
      flags: { 'timeouts.runMs': '60000' },
    });
    expect(config.postgres.port).toBe(6543);
    expect(config.minio.useTls).toBe(true);
    expect(config.timeouts.requestMs).toBe(1234);
    expect(config.timeouts.runMs).toBe(60_000);
  });
});

describe('resolveConfig: config files', () => {
  it('reads nested keys from a YAML file, with native types', () => {
    const file = configFile(
      [
        'kfp:',
        '  host: http://kfp.example:8888',
        '  namespace: team-a',
        'minio:',
        '  useTls: true',
        'postgres:',
        '  port: 6432',
        'pipeline:',
        '  imagePinning: warn',
      ].join('\n'),
    );
    const { config, sources, file: used } = resolveConfig({ file, env: {} });
    expect(used).toBe(file);
    expect(config.kfp.host).toBe('http://kfp.example:8888');
    expect(config.kfp.namespace).toBe('team-a');
    expect(config.minio.useTls).toBe(true);
    expect(config.postgres.port).toBe(6432);
    expect(config.pipeline.imagePinning).toBe('warn');
    expect(sources['kfp.host']).toBe('file');
    expect(sources['postgres.port']).toBe('file');
  });

  it('reads a JSON file the same way', () => {
    const file = configFile(
      JSON.stringify({ gateway: { url: 'http://gw.example:8000' }, buckets: { predictions: 'preds-json' } }),
      'json',
    );
    const { config, sources } = resolveConfig({ file, env: {} });
    expect(config.gateway.url).toBe('http://gw.example:8000');
    expect(config.buckets.predictions).toBe('preds-json');
    expect(sources['buckets.predictions']).toBe('file');
  });

  it('finds the file through E2E_CONFIG when none is given', () => {
    const file = configFile('minio:\n  region: eu-west-3\n');
    const { config, file: used, sources } = resolveConfig({ env: { E2E_CONFIG: file } });
    expect(used).toBe(file);
    expect(config.minio.region).toBe('eu-west-3');
    expect(sources['minio.region']).toBe('file');
  });

  it('prefers an explicit file over E2E_CONFIG', () => {
    const fromEnv = configFile('minio:\n  region: from-env-file\n');
    const explicit = configFile('minio:\n  region: from-explicit-file\n');
    const { config } = resolveConfig({ file: explicit, env: { E2E_CONFIG: fromEnv } });
    expect(config.minio.region).toBe('from-explicit-file');
  });

  it('treats an empty file as no settings', () => {
    const { config, sources } = resolveConfig({ file: configFile(''), env: {} });
    expect(config.target).toBe('local');
    expect(sources.target).toBe('default');
  });

  it('takes the preset from the file', () => {
    const { preset, config } = resolveConfig({ file: configFile('preset: cluster\n'), env: {} });
    expect(preset).toBe('cluster');
    expect(config.target).toBe('cluster');
  });
});

describe('resolveConfig: presets', () => {
  it('chooses the cluster preset when the target is cluster, with in-cluster DNS of the default namespace', () => {
    const { config, preset } = resolveConfig({ env: { E2E_TARGET: 'cluster' } });
    expect(preset).toBe('cluster');
    expect(config.stack).toBe('external');
    expect(config.kfp.host).toBe('http://ml-pipeline.kubeflow.svc.cluster.local:8888');
    expect(config.postgres.host).toBe('postgres.kubeflow.svc.cluster.local');
    expect(config.minio.secretKey).toBe('minio123');
  });

  it('makes every cluster DNS name follow KFP_NAMESPACE', () => {
    const { config, sources } = resolveConfig({ env: { E2E_PRESET: 'cluster', KFP_NAMESPACE: 'team-ml' } });
    expect(config.kfp.namespace).toBe('team-ml');
    expect(sources['kfp.namespace']).toBe('env');
    expect(config.kfp.host).toBe('http://ml-pipeline.team-ml.svc.cluster.local:8888');
    expect(config.kfp.uiHost).toBe('http://ml-pipeline-ui.team-ml.svc.cluster.local:80');
    expect(config.minio.endpoint).toBe('http://minio-service.team-ml.svc.cluster.local:9000');
    expect(config.mlflow.trackingUri).toBe('http://mlflow.team-ml.svc.cluster.local:5000');
    expect(config.gateway.url).toBe('http://fastapi-app.team-ml.svc.cluster.local:8000');
    expect(config.postgres.host).toBe('postgres.team-ml.svc.cluster.local');
    expect(JSON.stringify(config)).not.toContain('.kubeflow.');
  });

  it('follows a namespace given in the file or by flag as well', () => {
    const fromFile = resolveConfig({ preset: 'cluster', file: configFile('kfp:\n  namespace: ns-file\n'), env: {} });
    expect(fromFile.config.minio.endpoint).toBe('http://minio-service.ns-file.svc.cluster.local:9000');
    const fromFlag = resolveConfig({
      preset: 'cluster',
      env: { KFP_NAMESPACE: 'ns-env' },
      flags: { 'kfp.namespace': 'ns-flag' },
    });
    expect(fromFlag.config.kfp.host).toBe('http://ml-pipeline.ns-flag.svc.cluster.local:8888');
  });

  it('prod: resolves when every secret is given, with no dev defaults', () => {
    const { config, preset, sources } = resolveConfig({ preset: 'prod', env: { ...PROD_SECRETS } });
    expect(preset).toBe('prod');
    expect(config.target).toBe('cluster');
    expect(config.minio.secretKey).toBe('prod-secret-key');
    expect(sources['minio.secretKey']).toBe('env');
    expect(config.kfp.host).toBe('http://ml-pipeline.kubeflow.svc.cluster.local:8888');
  });

  it('prod: lists every missing secret in one ConfigError', () => {
    const error = configError({ preset: 'prod', env: { MINIO_ACCESS_KEY: 'prod-access' } });
    const missing = error.issues.filter((i) => i.source === 'missing').map((i) => i.key);
    expect(missing.sort()).toEqual(['minio.secretKey', 'postgres.password', 'postgres.user']);
    expect(issueFor(error, 'minio.secretKey').expected).toContain('MINIO_SECRET_KEY');
    expect(issueFor(error, 'minio.secretKey').expected).toContain('prod preset');
    expect(error.message).toContain('3 problems');
    expect(error.message).toContain('postgres.password — not set');
    expect(error.message).toContain('minio.secretKey — not set');
    // Checks mask their error text again: the message must survive that unchanged.
    expect(maskText(error.message)).toBe(error.message);
  });

  it('prod: every secret that must be given is missing when none is', () => {
    const error = configError({ preset: 'prod', env: {} });
    expect(error.issues.map((i) => i.key).sort()).toEqual([
      'minio.accessKey',
      'minio.secretKey',
      'postgres.password',
      'postgres.user',
    ]);
  });

  it('presetDefaults: prod is cluster without the dev secrets', () => {
    const cluster = presetDefaults('cluster', 'ns');
    const prod = presetDefaults('prod', 'ns');
    expect(cluster['minio.secretKey']).toBe('minio123');
    expect(prod['minio.secretKey']).toBeUndefined();
    expect(prod['postgres.password']).toBeUndefined();
    expect(prod['kfp.host']).toBe(cluster['kfp.host']);
  });
});

describe('resolveConfig: invalid input', () => {
  it('reports every bad key at once, each with its source, origin and what was expected', () => {
    const file = configFile('buckets:\n  models: Not_A_Bucket\n');
    const error = configError({
      file,
      env: { MINIO_ENDPOINT: 'ftp://minio:9000', POSTGRES_PORT: '70000', MINIO_USE_TLS: 'maybe' },
      flags: { 'kfp.host': 'not a url' },
    });
    expect(error.issues.map((i) => i.key).sort()).toEqual([
      'buckets.models',
      'kfp.host',
      'minio.endpoint',
      'minio.useTls',
      'postgres.port',
    ]);
    expect(issueFor(error, 'minio.endpoint')).toMatchObject({
      source: 'env',
      origin: 'MINIO_ENDPOINT',
      value: 'ftp://minio:9000',
      expected: expect.stringContaining('http(s) URL'),
    });
    expect(issueFor(error, 'postgres.port')).toMatchObject({
      source: 'env',
      origin: 'POSTGRES_PORT',
      value: '70000',
      expected: expect.stringContaining('between 1 and 65535'),
    });
    expect(issueFor(error, 'minio.useTls')).toMatchObject({
      source: 'env',
      origin: 'MINIO_USE_TLS',
      value: 'maybe',
      expected: expect.stringContaining('true or false'),
    });
    expect(issueFor(error, 'buckets.models')).toMatchObject({
      source: 'file',
      origin: file,
      value: 'Not_A_Bucket',
      expected: expect.stringContaining('S3 bucket name'),
    });
    expect(issueFor(error, 'kfp.host')).toMatchObject({
      source: 'flag',
      origin: '--set kfp.host',
      expected: expect.stringContaining('http(s) URL'),
    });
    expect(error.message).toContain('invalid configuration (5 problems)');
    expect(error.message).toContain('minio.endpoint — from env (MINIO_ENDPOINT) value "ftp://minio:9000"');
    expect(error.message).toContain(`buckets.models — from file (${file})`);
  });

  it.each([
    ['abc', 'expected a port number'],
    ['0', 'between 1 and 65535'],
    ['1.5', 'whole port number'],
  ])('rejects the port %j: %s', (value, expected) => {
    const issue = issueFor(configError({ env: { POSTGRES_PORT: value } }), 'postgres.port');
    expect(issue.expected).toContain(expected);
  });

  it.each(['yes', 'false', '0', 'on'])('accepts %j as a boolean', (value) => {
    expect(typeof resolveConfig({ env: { MINIO_USE_TLS: value } }).config.minio.useTls).toBe('boolean');
  });

  it.each(['ab', 'UPPER', 'under_score', '-lead', `${'a'.repeat(64)}`])('rejects the bucket name %j', (name) => {
    const issue = issueFor(configError({ env: { BUCKET_RAW_DATA: name } }), 'buckets.rawData');
    expect(issue.expected).toContain('S3 bucket name');
  });

  it('rejects an unknown key in the file, naming the key and the file', () => {
    const file = configFile('minio:\n  endpoint: http://m:9000\n  secretKy: typo\nextra: 1\n');
    const error = configError({ file, env: {} });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['extra', 'minio.secretKy']);
    expect(issueFor(error, 'minio.secretKy')).toMatchObject({ source: 'file', origin: file });
    expect(issueFor(error, 'minio.secretKy').expected).toContain('unknown key');
    // The value of an unknown key may be a secret: it is never shown.
    expect(error.message).not.toContain('typo');
  });

  it('rejects an unknown --set key and lists the known ones', () => {
    const error = configError({ env: {}, flags: { 'minio.endpont': 'http://m:9000' } });
    const issue = issueFor(error, 'minio.endpont');
    expect(issue.source).toBe('flag');
    expect(issue.expected).toContain('unknown key');
    expect(issue.expected).toContain('minio.endpoint');
  });

  it('rejects an unreadable file with the reason', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const error = configError({ env: { E2E_CONFIG: missing } });
    expect(error.issues).toHaveLength(1);
    expect(issueFor(error, 'configFile')).toMatchObject({
      source: 'file',
      origin: missing,
      expected: expect.stringContaining('ENOENT'),
    });
    expect(error.message).toContain(missing);
  });

  it('rejects a directory given as the file', () => {
    const error = configError({ file: dir, env: {} });
    expect(issueFor(error, 'configFile').expected).toContain('EISDIR');
  });

  it('rejects a file without read permission when not running as root', () => {
    const file = configFile('minio:\n  region: x\n');
    chmodSync(file, 0o000);
    if (process.getuid?.() === 0) {
      // root reads anything: the file is read normally.
      expect(resolveConfig({ file, env: {} }).config.minio.region).toBe('x');
    } else {
      expect(issueFor(configError({ file, env: {} }), 'configFile').expected).toContain('EACCES');
    }
  });

  it('rejects invalid YAML with the parser message', () => {
    const file = configFile('minio:\n  endpoint: [unclosed\n');
    const issue = issueFor(configError({ file, env: {} }), 'configFile');
    expect(issue.source).toBe('file');
    expect(issue.origin).toBe(file);
    expect(issue.expected).toMatch(/^valid YAML or JSON: \S/);
  });

  it.each([
    ['a list', '- a\n- b\n'],
    ['a scalar', 'just a string\n'],
  ])('rejects a file holding %s instead of a mapping', (_what, text) => {
    const issue = issueFor(configError({ file: configFile(text), env: {} }), 'configFile');
    expect(issue.expected).toBe('a mapping of settings at the top level');
  });

  it('rejects an unknown preset, naming where it came from', () => {
    const fromEnv = issueFor(configError({ env: { E2E_PRESET: 'staging' } }), 'preset');
    expect(fromEnv).toMatchObject({ source: 'env', origin: 'E2E_PRESET', value: 'staging' });
    expect(fromEnv.expected).toBe('one of local, cluster, prod');
    expect(issueFor(configError({ preset: 'qa', env: {} }), 'preset').source).toBe('flag');
    const file = configFile('preset: staging\n');
    expect(issueFor(configError({ file, env: {} }), 'preset')).toMatchObject({ source: 'file', origin: file });
  });

  it('combines file, env and flag problems into one error', () => {
    const error = configError({
      file: configFile('bogus: 1\n'),
      env: { POSTGRES_PORT: 'x' },
      flags: { 'no.such': 'v' },
    });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['bogus', 'no.such', 'postgres.port']);
  });

  it('never shows a secret value: secret keys are masked, credentials inside URLs too', () => {
    const error = configError({
      env: { MINIO_ENDPOINT: 'http://u:s3cr3t@h:x', MINIO_SECRET_KEY: 'a-real-secret-value', POSTGRES_PORT: 'bad' },
      flags: { 'kfp.host': 'http://admin:fl4gp4ss@kfp:notaport' },
    });
    expect(error.issues.map((i) => i.key).sort()).toEqual(['kfp.host', 'minio.endpoint', 'postgres.port']);
    expect(error.message).toContain('minio.endpoint — from env (MINIO_ENDPOINT) value "http://u:***@h:x"');
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('fl4gp4ss');
    expect(error.message).not.toContain('a-real-secret-value');
    // The issues are public too (other code formats them): no secret there either.
    expect(JSON.stringify(error.issues)).not.toContain('s3cr3t');
    expect(JSON.stringify(error.issues)).not.toContain('fl4gp4ss');
  });

  it('shows a secret key that is invalid as *** (an empty-string secret from a file)', () => {
    const file = configFile('postgres:\n  password: ""\n');
    const issue = issueFor(configError({ file, env: {} }), 'postgres.password');
    expect(issue.value).toBe('***');
    expect(issue.source).toBe('file');
    expect(configError({ file, env: {} }).message).toContain(`postgres.password — from file (${file}) value "***"`);
  });

  it('masks a valid secret wherever it appears in the message of a later ConfigError', () => {
    const error = configError({
      env: { MINIO_SECRET_KEY: 'leaky-secret-1234', BUCKET_MODELS: 'leaky-secret-1234_' },
    });
    expect(issueFor(error, 'buckets.models').source).toBe('env');
    expect(error.message).not.toContain('leaky-secret-1234');
    expect(error.message).toContain('value "***_"');
  });
});

describe('Kubernetes service-link variables', () => {
  it('takes POSTGRES_PORT=tcp://ip:port (set in every pod beside a Service named postgres) as unset', () => {
    const { config, sources } = resolveConfig({ env: { POSTGRES_PORT: 'tcp://10.96.0.7:5432' } });
    expect(config.postgres.port).toBe(5432);
    expect(sources['postgres.port']).toBe('default');
    expect(resolveConfig({ env: { POSTGRES_PORT: '6543' } }).config.postgres.port).toBe(6543);
    expect(() => resolveConfig({ env: { POSTGRES_PORT: 'tcp://nope' } })).toThrow(/postgres.port/);
  });
});
