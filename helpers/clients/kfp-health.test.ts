import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, maskText } from '../config/mask.js';
import { HttpClient } from './http.js';
import { KfpHealthClient, KfpHealthzSchema, kfpHeaders } from './kfp-health.js';
import { json, startHttpServer, type TestServer } from './test-server.js';

let server: TestServer;
let http: HttpClient;
let dir: string;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/pipeline/apis/v2beta1/healthz')
      return json(res, 200, { multi_user: true, pipeline_store: 'database' });
    if (req.url === '/old/apis/v2beta1/healthz') return json(res, 200, { commit_sha: 'abc123', tag_name: '2.0.5' });
    if (req.url === '/bad/apis/v2beta1/healthz') return json(res, 200, { multi_user: 'yes' });
    return json(res, 404, { code: 5, message: 'Not Found' });
  });
  http = new HttpClient({ timeoutMs: 2000 });
  dir = mkdtempSync(join(tmpdir(), 'kfp-health-'));
});

afterAll(async () => {
  await http.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  clearRegisteredSecrets();
});

describe('KfpHealthClient', () => {
  it('calls {host}{pathPrefix}/apis/v2beta1/healthz and parses the answer', async () => {
    const kfp = new KfpHealthClient(http, { host: server.url, pathPrefix: '/pipeline' });
    const r = await kfp.healthz();
    expect(r.body).toMatchObject({ multi_user: true, pipeline_store: 'database' });
    expect(kfp.endpoint).toBe(`${server.url}/pipeline`);
  });

  it('accepts the older commit_sha/tag_name answer', async () => {
    const kfp = new KfpHealthClient(http, { host: server.url, pathPrefix: '/old' });
    expect((await kfp.healthz()).body).toMatchObject({ commit_sha: 'abc123', tag_name: '2.0.5' });
  });

  it('names the field when the answer has the wrong shape', async () => {
    const kfp = new KfpHealthClient(http, { host: server.url, pathPrefix: '/bad' });
    const error = (await kfp.healthz().catch((e: unknown) => e)) as HintedError;
    expect(error).toBeInstanceOf(HintedError);
    expect(error.message).toContain('multi_user:');
  });

  it('404 suggests the path prefix', async () => {
    const kfp = new KfpHealthClient(http, { host: server.url, pathPrefix: '' });
    const error = (await kfp.healthz().catch((e: unknown) => e)) as HintedError;
    expect(error.message).toContain('saw HTTP 404: Not Found');
    expect(error.hint).toContain('KFP_PATH_PREFIX=/pipeline');
  });
});

describe('KfpHealthzSchema', () => {
  it('treats every field as optional (proto3 JSON omits defaults)', () => {
    expect(KfpHealthzSchema.parse({})).toEqual({});
  });
});

describe('kfpHeaders', () => {
  it('sends the token and the user identity header', () => {
    expect(
      kfpHeaders({ host: 'h', pathPrefix: '', token: 'tok-1234', userIdHeader: 'kubeflow-userid', userId: 'a@b' }),
    ).toEqual({
      authorization: 'Bearer tok-1234',
      'kubeflow-userid': 'a@b',
    });
  });

  it('reads the token file and registers the token as a secret', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'file-t0ken-value\n');
    expect(kfpHeaders({ host: 'h', pathPrefix: '', tokenFile: file }).authorization).toBe('Bearer file-t0ken-value');
    expect(maskText('leak: file-t0ken-value')).toBe('leak: ***');
  });

  it('an unreadable token file is a hinted error', () => {
    expect(() => kfpHeaders({ host: 'h', pathPrefix: '', tokenFile: join(dir, 'missing') })).toThrow(/ENOENT/);
  });
});
