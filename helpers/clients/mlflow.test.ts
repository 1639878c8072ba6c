import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HintedError } from '../checks/check.js';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { HttpClient } from './http.js';
import { MlflowClient, notFound } from './mlflow.js';
import { json, startHttpServer, type TestServer, text } from './test-server.js';

const TOKEN = 'mlflow-t0ken-5ecret';
let server: TestServer;
let http: HttpClient;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    if (req.headers.host?.startsWith('localhost'))
      return text(res, 403, 'Invalid Host header - possible DNS rebinding attack detected');
    if (req.url === '/health') return text(res, 200, 'OK');
    if (req.url === '/version') return text(res, 200, '3.17.2\n');
    if (req.url === '/api/2.0/mlflow/experiments/search') {
      if (!authorized) return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'missing token' });
      return json(res, 200, { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] });
    }
    if (req.url.startsWith('/api/2.0/mlflow/experiments/get?')) {
      return json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=9 exists' });
    }
    return text(res, 404, 'Not Found');
  });
  http = new HttpClient({ timeoutMs: 2000 });
});

afterAll(async () => {
  await http.close();
  await server.close();
  clearRegisteredSecrets();
});

describe('MlflowClient', () => {
  it('reads /health and /version (trimmed)', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    expect((await mlflow.health()).body).toBe('OK');
    expect((await mlflow.version()).body).toBe('3.17.2');
  });

  it('searches experiments with max_results and the bearer token', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `${server.url}/`, token: TOKEN });
    const r = await mlflow.searchExperiments({ maxResults: 3 });
    expect(r.body.experiments.map((e) => e.name)).toEqual(['Default']);
    const sent = server.requests.at(-1);
    expect(sent?.method).toBe('POST');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ max_results: 3 });
  });

  it('without a token, 401 says to set MLFLOW_TRACKING_TOKEN', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    const error = (await mlflow.searchExperiments({ maxResults: 1 }).catch((e: unknown) => e)) as HintedError;
    expect(error).toBeInstanceOf(HintedError);
    expect(error.message).toContain('saw HTTP 401: UNAUTHENTICATED: missing token');
    expect(error.hint).toContain('set MLFLOW_TRACKING_TOKEN');
  });

  it('a rejected token is named as the cause, and never printed', async () => {
    registerSecret('wrong-t0ken-value');
    const mlflow = new MlflowClient(http, { trackingUri: server.url, token: 'wrong-t0ken-value' });
    const error = (await mlflow.searchExperiments({ maxResults: 1 }).catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('rejected MLFLOW_TRACKING_TOKEN');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-t0ken-value');
  });

  it("explains MLflow's Host-header check", async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `http://localhost:${server.port}` });
    const error = (await mlflow.health().catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('--allowed-hosts');
    expect(error.hint).toContain('"localhost"');
  });

  it('sends GET endpoints as a query string and surfaces error_code', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: server.url });
    const rpc = {
      method: 'GET' as const,
      path: '/api/2.0/mlflow/experiments/get',
      response: z.object({}),
      expected: 'x',
    };
    const error = (await mlflow
      .call(rpc, { experiment_id: '9', absent: undefined })
      .catch((e: unknown) => e)) as HintedError;
    expect(server.requests.at(-1)?.url).toBe('/api/2.0/mlflow/experiments/get?experiment_id=9');
    expect(error.message).toContain('RESOURCE_DOES_NOT_EXIST: No Experiment with id=9 exists');
  });

  it('points at the tracking URI when a path is not found', async () => {
    const mlflow = new MlflowClient(http, { trackingUri: `${server.url}/mlflow` });
    const error = (await mlflow.health().catch((e: unknown) => e)) as HintedError;
    expect(error.hint).toContain('MLFLOW_TRACKING_URI');
  });
});

/** Shapes as MLflow 3.17.2 answers them (recorded from the native stack, ids shortened). */
const RUN_ID = '8d8b1f0c2a5e4c7f9b3d6e1a2f4c8b0d';
const recordedRun = {
  run: {
    info: {
      run_uuid: RUN_ID,
      experiment_id: '1',
      run_name: 'run-001',
      user_id: 'root',
      status: 'FINISHED',
      start_time: 1795674700000,
      end_time: 1795674712000,
      artifact_uri: `s3://mlflow-artifacts/1/${RUN_ID}/artifacts`,
      lifecycle_stage: 'active',
      run_id: RUN_ID,
    },
    data: {
      metrics: [
        { key: 'rmse', value: 3.137, timestamp: 1795674710000, step: 0 },
        { key: 'r2', value: 0.91, timestamp: 1795674710000, step: 0 },
      ],
      params: [{ key: 'n_estimators', value: '60' }],
      tags: [{ key: 'identifier', value: 'run-001' }],
    },
    inputs: {},
    outputs: {},
  },
};
const recordedVersion = {
  model_version: {
    name: 'poblesec-forecast',
    version: '1',
    creation_timestamp: 1795674711000,
    last_updated_timestamp: 1795674713000,
    current_stage: 'None',
    description: '',
    source: 'models:/m-5e1f',
    run_id: RUN_ID,
    status: 'READY',
    tags: [{ key: 'promoted', value: 'true' }],
    aliases: ['champion'],
    model_id: 'm-5e1f',
  },
};

describe('MlflowClient lookups', () => {
  let registry: TestServer;
  beforeAll(async () => {
    registry = await startHttpServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const q = url.searchParams;
      switch (url.pathname) {
        case '/api/2.0/mlflow/experiments/get-by-name':
          return q.get('experiment_name') === 'poblesec-PobleSec'
            ? json(res, 200, {
                experiment: { experiment_id: '1', name: 'poblesec-PobleSec', lifecycle_stage: 'active' },
              })
            : json(res, 404, {
                error_code: 'RESOURCE_DOES_NOT_EXIST',
                message: `Could not find experiment with name '${q.get('experiment_name')}'`,
              });
        case '/api/2.0/mlflow/runs/get':
          return q.get('run_id') === RUN_ID
            ? json(res, 200, recordedRun)
            : json(res, 404, {
                error_code: 'RESOURCE_DOES_NOT_EXIST',
                message: `Run with id=${q.get('run_id')} not found`,
              });
        case '/api/2.0/mlflow/runs/search':
          return json(res, 200, { runs: [recordedRun.run] });
        case '/api/2.0/mlflow/registered-models/get':
          return json(res, 200, {
            registered_model: { name: q.get('name'), aliases: [{ alias: 'champion', version: '1' }] },
          });
        case '/api/2.0/mlflow/model-versions/get':
          return q.get('version') === '1'
            ? json(res, 200, recordedVersion)
            : json(res, 404, {
                error_code: 'RESOURCE_DOES_NOT_EXIST',
                message: `Model Version (name=poblesec-forecast, version=${q.get('version')}) not found`,
              });
        case '/api/2.0/mlflow/registered-models/alias':
          if (req.method === 'POST') return json(res, 200, {});
          return q.get('alias') === 'champion'
            ? json(res, 200, recordedVersion)
            : json(res, 400, {
                error_code: 'INVALID_PARAMETER_VALUE',
                message: `Registered model alias ${q.get('alias')} not found.`,
              });
        case '/api/2.0/mlflow/registered-models/broken':
          return json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'boom' });
      }
      return text(res, 404, 'Not Found');
    });
  });
  afterAll(async () => {
    await registry.close();
  });
  const client = () => new MlflowClient(http, { trackingUri: registry.url });

  it('gets an experiment by name, and says "not found" for an absent one', async () => {
    const found = await client().getExperimentByName('poblesec-PobleSec');
    expect(found.found && found.value.experiment_id).toBe('1');
    expect(registry.requests.at(-1)?.url).toBe(
      '/api/2.0/mlflow/experiments/get-by-name?experiment_name=poblesec-PobleSec',
    );
    const absent = await client().getExperimentByName('nope');
    expect(absent).toMatchObject({
      found: false,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: "Could not find experiment with name 'nope'",
    });
  });

  it('gets a run with its latest metrics, params and tags; an unknown id is not found', async () => {
    const found = await client().getRun(RUN_ID);
    if (!found.found) throw new Error('expected the run');
    expect(found.value.info.status).toBe('FINISHED');
    expect(found.value.data.metrics.map((m) => [m.key, m.value])).toEqual([
      ['rmse', 3.137],
      ['r2', 0.91],
    ]);
    expect(found.value.data.params).toEqual([{ key: 'n_estimators', value: '60' }]);
    const absent = await client().getRun('ffff');
    expect(absent.found).toBe(false);
    expect(!absent.found && absent.url).toBe(`${registry.url}/api/2.0/mlflow/runs/get`);
  });

  it('searches runs with the filter in the POST body', async () => {
    const r = await client().searchRuns({ experimentIds: ['1'], filter: "tags.identifier = 'run-001'", maxResults: 1 });
    expect(r.body.runs[0]?.info.run_id).toBe(RUN_ID);
    expect(JSON.parse(registry.requests.at(-1)?.body ?? '')).toEqual({
      experiment_ids: ['1'],
      filter: "tags.identifier = 'run-001'",
      max_results: 1,
    });
  });

  it('gets the registered model, a version, and the version of an alias', async () => {
    const model = await client().getRegisteredModel('poblesec-forecast');
    expect(model.found && model.value.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    const version = await client().getModelVersion('poblesec-forecast', '1');
    expect(version.found && [version.value.status, version.value.run_id]).toEqual(['READY', RUN_ID]);
    expect(registry.requests.at(-1)?.url).toBe('/api/2.0/mlflow/model-versions/get?name=poblesec-forecast&version=1');
    const alias = await client().getModelVersionByAlias('poblesec-forecast', 'champion');
    expect(alias.found && alias.value.version).toBe('1');
  });

  it('an absent version (404) and an unset alias (400 INVALID_PARAMETER_VALUE) are "not found", not errors', async () => {
    expect(await client().getModelVersion('poblesec-forecast', '999')).toMatchObject({
      found: false,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect(await client().getModelVersionByAlias('poblesec-forecast', 'gold')).toMatchObject({
      found: false,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias gold not found.',
    });
  });

  it('sets an alias with POST {name, alias, version}', async () => {
    await client().setRegisteredModelAlias({ name: 'poblesec-forecast', alias: 'champion', version: '2' });
    const sent = registry.requests.at(-1);
    expect([sent?.method, sent?.url]).toEqual(['POST', '/api/2.0/mlflow/registered-models/alias']);
    expect(JSON.parse(sent?.body ?? '')).toEqual({ name: 'poblesec-forecast', alias: 'champion', version: '2' });
  });

  it('other errors still throw: a wrong tracking URI (plain 404) and a server error', async () => {
    const wrong = new MlflowClient(http, { trackingUri: `${registry.url}/nowhere` });
    const error = (await wrong.getRun(RUN_ID).catch((e: unknown) => e)) as HintedError;
    expect(error).toBeInstanceOf(HintedError);
    expect(error.hint).toContain('MLFLOW_TRACKING_URI');
    expect(notFound('GET x: expected y, saw HTTP 500: INTERNAL_ERROR: boom')).toBeUndefined();
    expect(notFound('GET x: expected y, saw HTTP 400: INVALID_PARAMETER_VALUE: bad max_results')).toBeUndefined();
  });
});
