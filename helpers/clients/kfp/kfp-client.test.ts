import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../config/mask.js';
import {
  closedPort,
  json,
  type RecordedRequest,
  startHttpServer,
  startSilentServer,
  type TestServer,
  text,
} from '../test-server.js';
import { KfpApiError } from './errors.js';
import { multipartContent } from './fake-kfp.js';
import { KfpClient, type KfpClientOptions, kfpClientFromConfig } from './kfp-client.js';
import * as recorded from './recorded.js';

/** Temp dirs made by a test, removed after it. */
const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Route = (req: RecordedRequest, res: ServerResponse) => void;

const servers: TestServer[] = [];
const clients: KfpClient[] = [];

/** A server answering `METHOD /path` (query ignored) from the routes; anything else is a 404. */
async function serve(routes: Record<string, Route>): Promise<TestServer> {
  const server = await startHttpServer((req, res) => {
    const route = routes[`${req.method} ${req.url.split('?')[0]}`];
    if (route) route(req, res);
    else text(res, 404, '404 page not found');
  });
  servers.push(server);
  return server;
}

function clientFor(url: string, options: Partial<KfpClientOptions> = {}): KfpClient {
  const client = new KfpClient({ host: url, timeoutMs: 2_000, retryPauseMs: 10, ...options });
  clients.push(client);
  return client;
}

const query = (req: RecordedRequest) => new URL(req.url, 'http://x').searchParams;

async function failure(promise: Promise<unknown>): Promise<KfpApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KfpApiError);
    return error as KfpApiError;
  }
  throw new Error('expected the call to fail');
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  clearRegisteredSecrets();
});

const API = '/apis/v2beta1';

describe('KfpClient requests (recorded answers of both server generations)', () => {
  for (const gen of ['v1gw', 'v2gw'] as const) {
    it(`${gen}: healthz, find pipeline, list versions, experiment, run`, async () => {
      const server = await serve({
        [`GET ${API}/healthz`]: (_q, res) => json(res, 200, recorded.healthz(gen)),
        [`GET ${API}/pipelines`]: (_q, res) =>
          json(res, 200, recorded.list(gen, 'pipelines', [recorded.pipeline(gen)])),
        [`GET ${API}/pipelines/${recorded.IDS.pipeline}/versions`]: (_q, res) =>
          json(res, 200, recorded.list(gen, 'pipeline_versions', [recorded.version(gen)])),
        [`GET ${API}/experiments`]: (_q, res) =>
          json(res, 200, recorded.list(gen, 'experiments', [recorded.experiment(gen)])),
        [`GET ${API}/runs/${recorded.IDS.run}`]: (_q, res) => json(res, 200, recorded.run(gen, 'RUNNING')),
      });
      const kfp = clientFor(server.url);
      expect((await kfp.healthz()).tag_name).toBe(gen === 'v1gw' ? '2.0.5' : '2.5.0');
      expect((await kfp.findPipelineByName('poblesec-forecast'))?.pipeline_id).toBe(recorded.IDS.pipeline);
      const versions = await kfp.listPipelineVersions(recorded.IDS.pipeline);
      expect(versions.items.map((v) => v.pipeline_version_id)).toEqual([recorded.IDS.version]);
      expect(versions.totalSize).toBe(1);
      expect((await kfp.findExperimentByName('kfp-e2e'))?.experiment_id).toBe(recorded.IDS.experiment);
      const run = await kfp.getRun(recorded.IDS.run);
      expect(run.state).toBe('RUNNING');
      expect(run.run_details?.task_details).toHaveLength(6);
    });
  }

  it('finds a pipeline by name with a URL-encoded EQUALS filter on name', async () => {
    const server = await serve({ [`GET ${API}/pipelines`]: (_q, res) => json(res, 200, {}) });
    expect(await clientFor(server.url).findPipelineByName('my pipeline')).toBeUndefined();
    const sent = server.requests[0];
    expect(sent?.url).toContain('filter=%7B%22predicates%22');
    expect(JSON.parse(query(sent as RecordedRequest).get('filter') ?? '')).toEqual({
      predicates: [{ key: 'name', operation: 'EQUALS', string_value: 'my pipeline' }],
    });
  });

  it('checks names itself and follows pages, so a server that ignores the filter still yields the right one', async () => {
    const other = recorded.pipeline('v1gw', 'other', 'p-other');
    const wanted = recorded.pipeline('v1gw', 'wanted', 'p-wanted');
    const server = await serve({
      [`GET ${API}/pipelines`]: (req, res) =>
        query(req).get('page_token') === 'page-2'
          ? json(res, 200, recorded.list('v1gw', 'pipelines', [wanted]))
          : json(res, 200, recorded.list('v1gw', 'pipelines', [other], 'page-2')),
    });
    expect((await clientFor(server.url).findPipelineByName('wanted'))?.pipeline_id).toBe('p-wanted');
    expect(server.requests.map((r) => query(r).get('page_token'))).toEqual([null, 'page-2']);
  });

  it('uploads a pipeline as multipart field uploadfile, with name and display_name in the query', async () => {
    const server = await serve({
      [`POST ${API}/pipelines/upload`]: (_q, res) => json(res, 200, recorded.pipeline('v1gw')),
    });
    const content = new TextEncoder().encode('# PIPELINE DEFINITION\npipelineInfo:\n  name: x\n');
    const pipeline = await clientFor(server.url, { namespace: 'team-a' }).uploadPipeline({
      name: 'poblesec-forecast',
      description: 'kfp-e2e:sha256=abc',
      content,
      filename: '/somewhere/pipeline.yaml',
    });
    expect(pipeline.display_name).toBe('poblesec-forecast');
    const sent = server.requests[0] as RecordedRequest;
    expect(Object.fromEntries(query(sent))).toEqual({
      name: 'poblesec-forecast',
      display_name: 'poblesec-forecast',
      description: 'kfp-e2e:sha256=abc',
      namespace: 'team-a',
    });
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toContain('Content-Disposition: form-data; name="uploadfile"; filename="pipeline.yaml"');
    expect(multipartContent(sent)).toBe(new TextDecoder().decode(content));
  });

  it('uploads a version with pipelineid and name in the query', async () => {
    const server = await serve({
      [`POST ${API}/pipelines/upload_version`]: (_q, res) =>
        json(res, 200, recorded.version('v2gw', { name: 'poblesec-forecast-0123456789ab' })),
    });
    const version = await clientFor(server.url).uploadPipelineVersion({
      pipelineId: recorded.IDS.pipeline,
      name: 'poblesec-forecast-0123456789ab',
      content: new Uint8Array([1, 2, 3]),
    });
    expect(version.name).toBe('poblesec-forecast-0123456789ab');
    expect(Object.fromEntries(query(server.requests[0] as RecordedRequest))).toMatchObject({
      pipelineid: recorded.IDS.pipeline,
      name: 'poblesec-forecast-0123456789ab',
    });
  });

  it('gets an existing experiment without creating one', async () => {
    const server = await serve({
      [`GET ${API}/experiments`]: (_q, res) =>
        json(res, 200, recorded.list('v2gw', 'experiments', [recorded.experiment('v2gw')])),
    });
    const got = await clientFor(server.url).getOrCreateExperiment('kfp-e2e');
    expect(got.created).toBe(false);
    expect(server.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('creates an absent experiment, with the namespace in multi-user mode', async () => {
    const server = await serve({
      [`GET ${API}/experiments`]: (_q, res) => json(res, 200, {}),
      [`POST ${API}/experiments`]: (_q, res) => json(res, 200, recorded.experiment('v2gw')),
    });
    const got = await clientFor(server.url, { namespace: 'kubeflow-user-example-com' }).getOrCreateExperiment(
      'kfp-e2e',
      {
        description: 'runs submitted by kfp-e2e',
      },
    );
    expect(got.created).toBe(true);
    expect(query(server.requests[0] as RecordedRequest).get('namespace')).toBe('kubeflow-user-example-com');
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({
      display_name: 'kfp-e2e',
      description: 'runs submitted by kfp-e2e',
      namespace: 'kubeflow-user-example-com',
    });
  });

  it('resolves a create race (409 ALREADY_EXISTS) by looking the experiment up again', async () => {
    let lists = 0;
    const server = await serve({
      [`GET ${API}/experiments`]: (_q, res) =>
        json(res, 200, lists++ === 0 ? {} : recorded.list('v2gw', 'experiments', [recorded.experiment('v2gw')])),
      [`POST ${API}/experiments`]: (_q, res) =>
        json(res, 409, recorded.errorBody('v2gw', 6, 'Already exist error: experiment kfp-e2e already exists')),
    });
    const got = await clientFor(server.url).getOrCreateExperiment('kfp-e2e');
    expect(got).toMatchObject({ created: false, experiment: { experiment_id: recorded.IDS.experiment } });
  });

  it('creates a run with the version reference and typed runtime parameters', async () => {
    const server = await serve({ [`POST ${API}/runs`]: (_q, res) => json(res, 200, recorded.run('v2gw', 'PENDING')) });
    const run = await clientFor(server.url).createRun({
      displayName: 'r1',
      experimentId: 'e1',
      pipelineId: 'p1',
      pipelineVersionId: 'v1',
      parameters: { dataset: 'PobleSec', rows: 500, rmse_threshold: 6.5 },
      pipelineRoot: 'minio://mlpipeline/v2/artifacts',
      serviceAccount: 'pipeline-runner',
    });
    expect(run.run_id).toBe(recorded.IDS.run);
    const sent = server.requests[0] as RecordedRequest;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({
      display_name: 'r1',
      experiment_id: 'e1',
      pipeline_version_reference: { pipeline_id: 'p1', pipeline_version_id: 'v1' },
      runtime_config: {
        parameters: { dataset: 'PobleSec', rows: 500, rmse_threshold: 6.5 },
        pipeline_root: 'minio://mlpipeline/v2/artifacts',
      },
      service_account: 'pipeline-runner',
    });
  });

  it('lists runs newest first, with filter, experiment and namespace', async () => {
    const server = await serve({
      [`GET ${API}/runs`]: (_q, res) =>
        json(res, 200, recorded.list('v2gw', 'runs', [recorded.run('v2gw', 'SUCCEEDED')], 'next')),
    });
    const page = await clientFor(server.url, { namespace: 'ns1' }).listRuns({
      experimentId: 'e1',
      filter: '{"predicates":[]}',
      pageSize: 5,
    });
    expect(page).toMatchObject({ nextPageToken: 'next', totalSize: 1 });
    expect(Object.fromEntries(query(server.requests[0] as RecordedRequest))).toEqual({
      namespace: 'ns1',
      experiment_id: 'e1',
      page_size: '5',
      sort_by: 'created_at desc',
      filter: '{"predicates":[]}',
    });
  });

  it('terminates a run with POST /runs/{id}:terminate', async () => {
    const server = await serve({ [`POST ${API}/runs/r-1:terminate`]: (_q, res) => json(res, 200, {}) });
    await clientFor(server.url).terminateRun('r-1');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${API}/runs/r-1:terminate`]);
  });

  it('puts the path prefix before /apis/v2beta1 (KFP behind the Kubeflow ingress)', async () => {
    const server = await serve({
      [`GET /pipeline${API}/healthz`]: (_q, res) => json(res, 200, recorded.healthz('v2gw')),
    });
    await clientFor(server.url, { pathPrefix: '/pipeline' }).healthz();
    expect(server.requests[0]?.url).toBe(`/pipeline${API}/healthz`);
  });

  it('sends the bearer token and user-identity header, reading the token file for every request', async () => {
    const file = join(scratch('kfp-token-'), 'token');
    writeFileSync(file, 'token-one-111');
    const server = await serve({ [`GET ${API}/healthz`]: (_q, res) => json(res, 200, recorded.healthz('v2gw')) });
    const kfp = clientFor(server.url, {
      auth: { tokenFile: file, userIdHeader: 'kubeflow-userid', userId: 'user@example.com' },
    });
    await kfp.healthz();
    writeFileSync(file, 'token-two-222');
    await kfp.healthz();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-one-111',
      'Bearer token-two-222',
    ]);
    expect(server.requests[0]?.headers['kubeflow-userid']).toBe('user@example.com');
  });

  it('is built from the configuration (host, prefix, auth, request timeout)', () => {
    const kfp = kfpClientFromConfig({
      kfp: { host: 'http://kfp.example:8888', pathPrefix: '/pipeline', namespace: 'kubeflow', token: 'abcd-token' },
      timeouts: { requestMs: 1234, runMs: 1 },
    });
    clients.push(kfp);
    expect(kfp.base).toBe('http://kfp.example:8888/pipeline');
    expect(kfp.transport.options.timeoutMs).toBe(1234);
    expect(kfp.transport.headers({}).authorization).toBe('Bearer abcd-token');
  });
});

describe('KfpClient errors: one KfpApiError with status, gRPC code, endpoint and hint', () => {
  const failing = (status: number, body: unknown, route = `GET ${API}/runs/r-1`) =>
    serve({ [route]: (_q, res) => (typeof body === 'string' ? text(res, status, body) : json(res, status, body)) });

  it('401 without a token: says to set KFP_TOKEN / KFP_TOKEN_FILE', async () => {
    const server = await failing(401, recorded.errorBody('v2gw', 16, 'Unauthenticated: request is not authenticated'));
    const error = await failure(clientFor(server.url).getRun('r-1'));
    expect(error).toMatchObject({ kind: 'http', status: 401, grpcCode: 16, grpcStatus: 'UNAUTHENTICATED' });
    expect(error.message).toBe(
      `GET ${server.url}${API}/runs/r-1: expected a KFP run, saw HTTP 401 UNAUTHENTICATED: Unauthenticated: request is not authenticated`,
    );
    expect(error.endpoint).toBe(`GET ${server.url}${API}/runs/r-1`);
    expect(error.hint).toMatch(/requires authentication — set KFP_TOKEN or KFP_TOKEN_FILE/);
  });

  it('401 with a token: says it was rejected, and never shows the token', async () => {
    const server = await failing(401, { code: 16, message: 'invalid bearer token Bearer sekret-token-xyz' });
    const error = await failure(clientFor(server.url, { auth: { token: 'sekret-token-xyz' } }).getRun('r-1'));
    expect(error.hint).toMatch(/rejected the credentials \(a token from KFP_TOKEN\)/);
    expect(`${error.message} ${error.hint} ${error.serverMessage}`).not.toContain('sekret-token-xyz');
  });

  it('403 from the Istio front door: names the user-id header and the namespace', async () => {
    const server = await failing(403, 'RBAC: access denied');
    const error = await failure(
      clientFor(server.url, { namespace: 'team-a', auth: { userIdHeader: 'kubeflow-userid' } }).getRun('r-1'),
    );
    expect(error).toMatchObject({ status: 403, serverMessage: 'RBAC: access denied' });
    expect(error.hint).toMatch(/KFP_USER_ID_HEADER=kubeflow-userid and KFP_USER_ID/);
    expect(error.hint).toMatch(/KFP_USER_ID_HEADER=kubeflow-userid but no KFP_USER_ID/);
    expect(error.hint).toMatch(/KFP_NAMESPACE; now: "team-a"/);
  });

  it('404 without a KFP body (no such route): hints at the /pipeline path prefix', async () => {
    const server = await serve({});
    const error = await failure(clientFor(server.url).healthz());
    expect(error).toMatchObject({ status: 404, grpcCode: undefined });
    expect(error.message).toMatch(/saw HTTP 404: 404 page not found/);
    expect(error.hint).toMatch(/path prefix now ""\) — behind the Kubeflow ingress .* KFP_PATH_PREFIX=\/pipeline/);
  });

  it('404 NOT_FOUND from the API (older gateway body): the object does not exist, not a path problem', async () => {
    const server = await failing(
      404,
      recorded.errorBody('v1gw', 5, 'Failed to get run: ResourceNotFoundError: Run r-1 not found'),
    );
    const error = await failure(clientFor(server.url).getRun('r-1'));
    expect(error.resourceNotFound).toBe(true);
    expect(error.serverMessage).toBe('Failed to get run: ResourceNotFoundError: Run r-1 not found');
    expect(error.hint).toMatch(/the object does not exist/);
    expect(error.hint).not.toMatch(/PATH_PREFIX/);
  });

  it('409 from the upload handler ({error_message}): already exists', async () => {
    const server = await failing(
      409,
      recorded.uploadErrorBody('Failed to create a pipeline and a pipeline version'),
      `POST ${API}/pipelines/upload`,
    );
    const error = await failure(clientFor(server.url).uploadPipeline({ name: 'x', content: new Uint8Array([1]) }));
    expect(error.alreadyExists).toBe(true);
    expect(error.message).toMatch(/saw HTTP 409: Failed to create a pipeline and a pipeline version/);
    expect(error.hint).toMatch(/already exists/);
  });

  it('400 INVALID_ARGUMENT: the message and the hint carry the server message', async () => {
    const message = 'Invalid input error: parameter rows: expected NUMBER_INTEGER, got "many"';
    const server = await failing(400, recorded.errorBody('v2gw', 3, message), `POST ${API}/runs`);
    const error = await failure(
      clientFor(server.url).createRun({
        displayName: 'r',
        experimentId: 'e',
        pipelineId: 'p',
        pipelineVersionId: 'v',
        parameters: { rows: 'many' },
      }),
    );
    expect(error).toMatchObject({ status: 400, grpcStatus: 'INVALID_ARGUMENT', serverMessage: message });
    expect(error.hint).toContain(message);
    expect(error.hint).toMatch(/--dry-run/);
  });

  it('500: the service failed internally', async () => {
    const server = await failing(500, recorded.errorBody('v1gw', 13, 'Internal error: database is locked'));
    const error = await failure(clientFor(server.url).getRun('r-1'));
    expect(error).toMatchObject({ status: 500, grpcStatus: 'INTERNAL' });
    expect(error.hint).toMatch(/failed internally \(HTTP 500\)/);
  });

  it('a 2xx answer that is not JSON (an auth proxy login page)', async () => {
    const server = await serve({
      [`GET ${API}/runs/r-1`]: (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Sign in to Dex</body></html>');
      },
    });
    const error = await failure(clientFor(server.url).getRun('r-1'));
    expect(error.kind).toBe('response');
    expect(error.message).toMatch(/expected a KFP run as JSON, saw HTTP 200 text\/html "Sign in to Dex"/);
    expect(error.hint).toMatch(/auth proxy/);
  });

  it('JSON that does not match the schema: names the field', async () => {
    const server = await failing(200, { ...recorded.run('v2gw', 'RUNNING'), state: 2 });
    const error = await failure(clientFor(server.url).getRun('r-1'));
    expect(error.kind).toBe('response');
    expect(error.message).toMatch(/does not match: state: expected a RuntimeState name/);
    expect(error.hint).toMatch(/another KFP API version/);
  });

  it('connection refused: asks whether the port-forward runs', async () => {
    const port = await closedPort();
    const error = await failure(clientFor(`http://127.0.0.1:${port}`).healthz());
    expect(error).toMatchObject({ kind: 'network', network: 'refused' });
    expect(error.message).toMatch(/saw connection refused \(ECONNREFUSED\)/);
    expect(error.hint).toContain(`kubectl port-forward -n kubeflow svc/ml-pipeline ${port}:8888`);
  });

  it('a server that never answers: times out within the request timeout', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const started = performance.now();
    const error = await failure(clientFor(silent.url, { timeoutMs: 300 }).getRun('r-1'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ kind: 'network', network: 'timeout' });
    expect(error.message).toMatch(/no answer within 300 ms/);
  });

  it('repeats an idempotent read on 503, bounded', async () => {
    let calls = 0;
    const server = await serve({
      [`GET ${API}/runs/r-1`]: (_q, res) =>
        ++calls < 3 ? text(res, 503, 'upstream connect error') : json(res, 200, recorded.run('v2gw', 'RUNNING')),
    });
    expect((await clientFor(server.url).getRun('r-1')).state).toBe('RUNNING');
    expect(calls).toBe(3);

    const always = await failing(503, 'no healthy upstream');
    const error = await failure(clientFor(always.url, { readAttempts: 2 }).getRun('r-1'));
    expect(error.status).toBe(503);
    expect(always.requests).toHaveLength(2);
  });

  it('never repeats a POST, even on 503', async () => {
    const server = await failing(503, 'no healthy upstream', `POST ${API}/runs`);
    await failure(
      clientFor(server.url).createRun({
        displayName: 'r',
        experimentId: 'e',
        pipelineId: 'p',
        pipelineVersionId: 'v',
        parameters: {},
      }),
    );
    expect(server.requests).toHaveLength(1);
  });

  it('an unreadable token file fails the call before anything is sent', async () => {
    const server = await serve({ [`GET ${API}/healthz`]: (_q, res) => json(res, 200, {}) });
    const error = await failure(clientFor(server.url, { auth: { tokenFile: '/nonexistent/token' } }).healthz());
    expect(error.message).toMatch(/KFP_TOKEN_FILE \(\/nonexistent\/token\): expected a readable file, saw ENOENT/);
    expect(error.hint).toMatch(/KFP_TOKEN_FILE/);
    expect(server.requests).toHaveLength(0);
  });
});
