import { beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, isSecretName, MASK, maskDeep, maskText, registerSecret } from './mask.js';

beforeEach(() => clearRegisteredSecrets());

describe('maskText: credentials in URLs', () => {
  it.each([
    ['postgres://u:p@h', 'postgres://u:***@h'],
    ['postgresql+psycopg2://u:p@h:5432/db', 'postgresql+psycopg2://u:***@h:5432/db'],
    ['http://user:pass@host', 'http://user:***@host'],
    [
      'GET https://admin:hunter2@kfp.example.com/apis/v2beta1/runs failed',
      'GET https://admin:***@kfp.example.com/apis/v2beta1/runs failed',
    ],
    ['redis://:only-password@cache:6379', 'redis://:***@cache:6379'],
  ])('%s → %s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it('masks a password that holds an unencoded @ up to the last @ of the authority', () => {
    expect(maskText('postgres://mlflow:p@ss@db:5432/mlflow')).toBe('postgres://mlflow:***@db:5432/mlflow');
  });

  it('masks every URL of a message, not only the first', () => {
    expect(maskText('from http://a:one@h1 to http://b:two@h2')).toBe('from http://a:***@h1 to http://b:***@h2');
  });

  it('leaves URLs without credentials alone (a port is not a password)', () => {
    for (const text of [
      'http://127.0.0.1:9000/minio/health/live',
      'http://user@host/x',
      'mailto:someone@example.com',
    ]) {
      expect(maskText(text)).toBe(text);
    }
  });
});

describe('maskText: registered secrets', () => {
  it('masks a registered secret anywhere in arbitrary text', () => {
    registerSecret('minio-s3cr3t-value');
    expect(maskText('S3 said: signature for minio-s3cr3t-value does not match (minio-s3cr3t-value)')).toBe(
      'S3 said: signature for *** does not match (***)',
    );
  });

  it('masks a registered secret inside an error message', () => {
    registerSecret('pg-pass-9876');
    const error = new Error('password authentication failed; tried pg-pass-9876 for user mlflow');
    expect(maskText(error.message)).toBe('password authentication failed; tried *** for user mlflow');
    expect(maskDeep({ error })).toEqual({ error: 'password authentication failed; tried *** for user mlflow' });
  });

  it('replaces the longest secret first, so a secret containing another leaves nothing behind', () => {
    registerSecret('abcd');
    registerSecret('abcd-efgh');
    expect(maskText('x abcd-efgh y abcd z')).toBe('x *** y *** z');
  });

  it('treats regular-expression characters in a secret literally', () => {
    registerSecret('a.b*c+d(e)');
    expect(maskText('value a.b*c+d(e) and aXbbbcd(e)')).toBe('value *** and aXbbbcd(e)');
  });

  it('does not substring-replace secrets shorter than 4 characters (they would mangle ordinary words)', () => {
    registerSecret('abc');
    registerSecret('pw');
    expect(maskText('abc is part of abcdef; pw in pwd')).toBe('abc is part of abcdef; pw in pwd');
    // Such a secret is still masked where its field name says it is one.
    expect(maskDeep({ password: 'abc' })).toEqual({ password: MASK });
  });

  it('registers a secret of exactly 4 characters', () => {
    registerSecret('wxyz');
    expect(maskText('key wxyz')).toBe('key ***');
  });

  it('ignores undefined, null and empty registrations', () => {
    registerSecret(undefined);
    registerSecret(null);
    registerSecret('');
    expect(maskText('nothing to hide')).toBe('nothing to hide');
  });

  it('forgets every secret after clearRegisteredSecrets', () => {
    registerSecret('forget-me-please');
    clearRegisteredSecrets();
    expect(maskText('forget-me-please')).toBe('forget-me-please');
  });
});

describe('maskText: bearer tokens and key=value forms', () => {
  it.each([
    ['Authorization: Bearer xyz', 'Authorization: Bearer ***'],
    ['authorization: bearer eyJhbGciOi.eyJzdWIi.sig_-+/=', 'authorization: bearer ***'],
    ['password=hunter2', 'password=***'],
    ['password = hunter2 and more', 'password = *** and more'],
    ['MINIO_SECRET_KEY=wJalrXUtnFEMI', 'MINIO_SECRET_KEY=***'],
    ['export POSTGRES_PASSWORD=pg-pass; next', 'export POSTGRES_PASSWORD=***; next'],
    ['token: abc.def', 'token: ***'],
    ['mlflow_tracking_token: t0k3n', 'mlflow_tracking_token: ***'],
    ['secret_key: zz', 'secret_key: ***'],
    ['aws_access_key=AKIA123 region=us-east-1', 'aws_access_key=*** region=us-east-1'],
    ['?user=u&password=p4ss&db=x', '?user=u&password=***&db=x'],
    ['password="a quoted value" rest', 'password="***" rest'],
    ["password='single quoted' rest", "password='***' rest"],
    ['{"user":"mlflow","password":"hunter2"}', '{"user":"mlflow","password":"***"}'],
    ["{'secretKey': 'wJalr'}", "{'secretKey': '***'}"],
  ])('%s → %s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it('leaves the prose "Bearer token for ..." readable (config key descriptions)', () => {
    expect(maskText('KFP_TOKEN  Bearer token for the KFP API')).toBe('KFP_TOKEN  Bearer token for the KFP API');
    expect(maskText('Bearer tokens expire')).toBe('Bearer tokens expire');
    expect(maskText('Bearer tokenvalue123')).toBe('Bearer ***');
  });

  it('leaves our own config problem lines (`key — where — expected`) readable', () => {
    const lines = [
      '  - minio.secretKey — not set — required; set MINIO_SECRET_KEY or --set minio.secretKey',
      '  - postgres.password — from env (POSTGRES_PASSWORD) value "***" — expected a non-empty value',
      '  - kfp.token — from file (/etc/e2e.yaml) value "***" — expected a string',
    ];
    for (const line of lines) expect(maskText(line)).toBe(line);
    // The same words after `key:` would read as the key's value: that form is masked.
    expect(maskText('minio.secretKey: not set')).toBe('minio.secretKey: *** set');
  });

  it('leaves ordinary key=value pairs alone', () => {
    const text = 'user=mlflow host=db port=5432 bucket=models region: us-east-1';
    expect(maskText(text)).toBe(text);
  });
});

describe('isSecretName', () => {
  it.each([
    'password',
    'secretKey',
    'MINIO_SECRET_KEY',
    'accessKey',
    'apiKey',
    'token',
    'KFP_TOKEN',
    'POSTGRES_PASSWORD',
    'secretAccessKey',
    'x-api-key',
    'Authorization',
    'privateKey',
    'clientSecret',
    'credentials',
  ])('%s is a secret name', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['tokenFile', 'userIdHeader', 'userId', 'endpoint', 'passwordFile', 'tokens_used', 'host', 'accessKeyId'])(
    '%s is not a secret name',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('maskDeep', () => {
  it('replaces secret-named fields whole, at any depth, and keeps the others', () => {
    const input = {
      minio: { endpoint: 'http://minio:9000', accessKey: 'minio', secretKey: 'minio123' },
      MINIO_SECRET_KEY: 'wJalr',
      postgres: { user: 'mlflow', password: 'pw' },
      kfp: { token: 't', tokenFile: '/var/run/token', userIdHeader: 'kubeflow-userid' },
      gateway: { apiKey: 12345 },
    };
    expect(maskDeep(input)).toEqual({
      minio: { endpoint: 'http://minio:9000', accessKey: MASK, secretKey: MASK },
      MINIO_SECRET_KEY: MASK,
      postgres: { user: 'mlflow', password: MASK },
      kfp: { token: MASK, tokenFile: '/var/run/token', userIdHeader: 'kubeflow-userid' },
      gateway: { apiKey: MASK },
    });
  });

  it('masks a secret-named field whose value is an object or array whole', () => {
    expect(maskDeep({ credentials: { user: 'u', key: 'k' }, token: ['a', 'b'] })).toEqual({
      credentials: MASK,
      token: MASK,
    });
  });

  it('leaves an empty or absent secret visible as empty (an unset secret is useful evidence)', () => {
    expect(maskDeep({ password: '', token: undefined, secretKey: null })).toEqual({
      password: '',
      token: undefined,
      secretKey: null,
    });
  });

  it('masks strings inside arrays and nested arrays', () => {
    registerSecret('array-secret');
    expect(maskDeep(['http://u:p@h', ['array-secret', 42, true, null], { urls: ['postgres://a:b@c'] }])).toEqual([
      'http://u:***@h',
      ['***', 42, true, null],
      { urls: ['postgres://a:***@c'] },
    ]);
  });

  it('turns Error values into their masked message', () => {
    expect(maskDeep({ cause: new Error('connect to http://u:pw@db failed') })).toEqual({
      cause: 'connect to http://u:***@db failed',
    });
    expect(maskDeep(new TypeError('Bearer abc.def rejected'))).toBe('Bearer *** rejected');
  });

  it('cuts circular references instead of recursing forever', () => {
    const node: Record<string, unknown> = { name: 'root', password: 'pw' };
    node.self = node;
    node.children = [node];
    expect(maskDeep(node)).toEqual({ name: 'root', password: MASK, self: '[circular]', children: ['[circular]'] });
  });

  it('keeps an object referenced twice (shared, not circular) in both places', () => {
    const endpoint = { url: 'http://u:pw@minio:9000' };
    expect(maskDeep({ first: endpoint, second: endpoint, list: [endpoint, endpoint] })).toEqual({
      first: { url: 'http://u:***@minio:9000' },
      second: { url: 'http://u:***@minio:9000' },
      list: [{ url: 'http://u:***@minio:9000' }, { url: 'http://u:***@minio:9000' }],
    });
  });

  it('keeps dates as dates', () => {
    const when = new Date('2024-05-01T12:00:00Z');
    const masked = maskDeep({ createdAt: when });
    expect(masked.createdAt).toBeInstanceOf(Date);
    expect(masked.createdAt.toISOString()).toBe('2024-05-01T12:00:00.000Z');
  });

  it('does not modify its input', () => {
    const input = { password: 'pw', nested: { url: 'http://u:pw@h' } };
    maskDeep(input);
    expect(input).toEqual({ password: 'pw', nested: { url: 'http://u:pw@h' } });
  });

  it('passes numbers, booleans, null and undefined through', () => {
    expect(maskDeep(42)).toBe(42);
    expect(maskDeep(false)).toBe(false);
    expect(maskDeep(null)).toBeNull();
    expect(maskDeep(undefined)).toBeUndefined();
  });
});

describe('idempotence', () => {
  const samples = [
    'postgres://u:p@h',
    'postgresql+psycopg2://u:p@h:5432/db',
    'http://user:pass@host',
    'postgres://mlflow:p@ss@db/x',
    'Authorization: Bearer xyz',
    'token: Bearer xyz',
    'password=hunter2',
    'password="a b" and password=\'c d\'',
    'MINIO_SECRET_KEY=abc; token: def',
    '{"password":"hunter2","token":"t"}',
    '{password=abc}',
    'registered-secret-1 inside text',
    'plain text with nothing to hide',
  ];

  it.each(samples)('masking %j twice equals masking it once', (text) => {
    registerSecret('registered-secret-1');
    const once = maskText(text);
    expect(maskText(once)).toBe(once);
  });

  it('masks every sample that carries a secret (the idempotence check is not vacuous)', () => {
    registerSecret('registered-secret-1');
    const changed = samples.filter((text) => maskText(text) !== text);
    expect(changed).toEqual(samples.slice(0, -1));
  });

  it('maskDeep twice equals maskDeep once', () => {
    registerSecret('registered-secret-1');
    const value = {
      password: 'x',
      url: 'http://u:p@h',
      list: ['registered-secret-1', { token: 'y', note: 'password=z' }],
    };
    const once = maskDeep(value);
    expect(maskDeep(once)).toEqual(once);
    expect(once).toEqual({
      password: MASK,
      url: 'http://u:***@h',
      list: [MASK, { token: MASK, note: 'password=***' }],
    });
  });
});
