import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KfpApiError } from '../../clients/kfp/errors.js';
import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import { run as recordedRun } from '../../clients/kfp/recorded.js';
import type { Run } from '../../clients/kfp/schemas.js';
import { type ServiceClients, serviceClients } from '../../clients/service-clients.js';
import { closedPort, json, startHttpServer, type TestServer } from '../../clients/test-server.js';
import { resolveConfig } from '../../config/resolve.js';
import { type Check, runCheck } from '../check.js';
import type { ContractContext } from './context.js';
import type { Contract } from './contract-schema.js';
import { parseContract } from './load-contract.js';
import {
  closeTo,
  gatewayHealth,
  gatewayLatency,
  gatewayPredict,
  gatewayPredictionsMatchModel,
  gatewayServesPointerVersionCheck,
  kfpParametersMatch,
  kfpRunSucceeded,
  kfpTasksSucceeded,
  mlflowAlias,
  mlflowMetricsMatchPointer,
  mlflowMetricsThresholds,
  mlflowParamsPresent,
  mlflowRegisteredVersion,
  mlflowRunFinished,
  parseComparison,
  percentile,
  serviceChecks,
} from './service-checks.js';

/** The reference contract's service clauses (objects trimmed to the pointer). */
const CONTRACT_TEXT = `
version: 1
pointer: { object: promotion-pointer }
kfp: { state: SUCCEEDED, tasks: [ingest, preprocess, train, evaluate, promote, predict] }
objects:
  - name: promotion-pointer
    bucket: "{buckets.models}"
    key: promotion/{dataset}/{identifier}/pointer.json
    format: json
    schema: { required: { model_name: string, model_version: string, mlflow_run_id: string } }
mlflow:
  experiment: poblesec-{dataset}
  run:
    params: [n_estimators, max_depth, seed, train_rows]
    metrics: { rmse: "<= 6.0", mae: "< 6.0", r2: "> 0.5" }
  registeredModel: poblesec-forecast
  alias: champion
gateway:
  health: { status: ok }
  predict:
    request: { instances: [{ hour_of_day: 8 }, { hour_of_day: 22 }] }
    response: { required: { predictions: array, model_name: string, model_version: string } }
  latency: { requests: 5, p95Ms: 5000 }
`;
const CONTRACT = parseContract(CONTRACT_TEXT, 'contract.yaml');
const RUN_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** What the fake MLflow and gateway answer; each test changes what it breaks. */
interface World {
  run: { status: string; experimentId: string; metrics: Record<string, number>; params: Record<string, string> };
  versions: Record<string, { run_id: string; status: string }>;
  alias: string | undefined;
  served: string | null;
  /** Health answers before `served` is reported (the gateway's poll delay). */
  servedAfterPolls: number;
  healthPolls: number;
  predictBody: Record<string, unknown>;
}

const freshWorld = (): World => ({
  run: {
    status: 'FINISHED',
    experimentId: '1',
    metrics: { rmse: 3.137, mae: 2.41, r2: 0.91, train_rmse: 1.2 },
    params: { n_estimators: '60', max_depth: '12', seed: '42', train_rows: '1728' },
  },
  versions: { '1': { run_id: 'old-run', status: 'READY' }, '2': { run_id: RUN_ID, status: 'READY' } },
  alias: '2',
  served: '2',
  servedAfterPolls: 0,
  healthPolls: 0,
  predictBody: { predictions: [41.5, 22.25], model_name: 'poblesec-forecast', model_version: '2' },
});
let world = freshWorld();

const POINTER = {
  schema_version: 1,
  model_name: 'poblesec-forecast',
  model_version: '2',
  alias: 'champion',
  mlflow_run_id: RUN_ID,
  model_uri: 'models:/poblesec-forecast/2',
  metrics: { rmse: 3.137, mae: 2.41, r2: 0.91 },
  dataset: 'PobleSec',
  identifier: 'kfp-e2e',
};

const notFound = (res: Parameters<typeof json>[0], message: string) =>
  json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message });

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/2.0/mlflow/experiments/get-by-name': {
        const names: Record<string, string> = { 'poblesec-PobleSec': '1', other: '2' };
        const id = names[q.get('experiment_name') ?? ''];
        return id
          ? json(res, 200, { experiment: { experiment_id: id, name: q.get('experiment_name') } })
          : notFound(res, `Could not find experiment with name '${q.get('experiment_name')}'`);
      }
      case '/api/2.0/mlflow/runs/get':
        if (q.get('run_id') !== RUN_ID) return notFound(res, `Run with id=${q.get('run_id')} not found`);
        return json(res, 200, {
          run: {
            info: { run_id: RUN_ID, experiment_id: world.run.experimentId, status: world.run.status },
            data: {
              metrics: Object.entries(world.run.metrics).map(([key, value]) => ({ key, value })),
              params: Object.entries(world.run.params).map(([key, value]) => ({ key, value })),
            },
          },
        });
      case '/api/2.0/mlflow/runs/search':
        return json(res, 200, { runs: [{ info: { run_id: RUN_ID, experiment_id: '1' } }] });
      case '/api/2.0/mlflow/registered-models/get':
        return q.get('name') === 'poblesec-forecast'
          ? json(res, 200, { registered_model: { name: 'poblesec-forecast' } })
          : notFound(res, `Registered Model with name=${q.get('name')} not found`);
      case '/api/2.0/mlflow/model-versions/get': {
        const v = world.versions[q.get('version') ?? ''];
        return v
          ? json(res, 200, { model_version: { name: q.get('name'), version: q.get('version'), ...v } })
          : notFound(res, `Model Version (name=${q.get('name')}, version=${q.get('version')}) not found`);
      }
      case '/api/2.0/mlflow/registered-models/alias':
        return world.alias
          ? json(res, 200, { model_version: { name: q.get('name'), version: world.alias } })
          : json(res, 400, {
              error_code: 'INVALID_PARAMETER_VALUE',
              message: `Registered model alias ${q.get('alias')} not found.`,
            });
      case '/gw/health': {
        world.healthPolls++;
        const served = world.healthPolls > world.servedAfterPolls ? world.served : '1';
        return json(res, 200, {
          status: served ? 'ok' : 'no_model',
          model_name: served ? 'poblesec-forecast' : null,
          model_version: served,
          last_error: null,
        });
      }
      case '/gw/model':
        return json(res, 200, { ...POINTER, model_version: world.served });
      case '/gw/predict':
        return json(res, 200, world.predictBody);
    }
    return json(res, 404, { detail: 'Not Found' });
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  world = freshWorld();
});

/** A KfpClient that answers getRun with a recorded run (or throws what it is given). */
const fakeKfp = (answer: Run | Error) =>
  ({
    base: 'http://127.0.0.1:8888',
    getRun: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  }) as unknown as KfpClient;

const opened: ServiceClients[] = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

function context(
  overrides: {
    contract?: Contract;
    pointer?: Record<string, unknown> | null;
    kfpRun?: Run | Error;
    parameters?: Record<string, unknown>;
    gatewayUrl?: string;
  } = {},
): ContractContext {
  const { config } = resolveConfig({
    env: {},
    preset: 'local',
    flags: {
      'mlflow.trackingUri': server.url,
      'gateway.url': overrides.gatewayUrl ?? `${server.url}/gw`,
      'run.identifier': 'kfp-e2e',
    },
  });
  const clients = serviceClients(config);
  opened.push(clients);
  const pointer = overrides.pointer === undefined ? POINTER : overrides.pointer;
  return {
    config,
    contract: overrides.contract ?? CONTRACT,
    run: {
      runId: 'run-123',
      parameters: overrides.parameters ?? { dataset: 'PobleSec', identifier: 'kfp-e2e', rows: 500 },
    },
    clients,
    kfp: fakeKfp(overrides.kfpRun ?? (recordedRun('v2gw', 'SUCCEEDED') as Run)),
    facts: { documents: pointer ? { 'promotion-pointer': pointer } : {} },
  };
}

/** Runs checks in order on one context (facts flow), results by id. */
async function runAll(ctx: ContractContext, checks: Check<ContractContext>[]) {
  const out: Record<string, Awaited<ReturnType<typeof runCheck>>> = {};
  for (const check of checks) out[check.id] = await runCheck(check, ctx);
  return out;
}

const statuses = (results: Record<string, { status: string }>) =>
  Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.status]));

const KFP = [kfpRunSucceeded, kfpTasksSucceeded, kfpParametersMatch];
const MLFLOW = [
  mlflowRunFinished,
  mlflowParamsPresent,
  mlflowMetricsThresholds,
  mlflowMetricsMatchPointer,
  mlflowRegisteredVersion,
  mlflowAlias,
];
const reference = (values: number[]) => async () => values;
const gatewayChecks = (ref: number[] = [41.5, 22.25], pickupMs = 1500) => [
  gatewayHealth,
  gatewayServesPointerVersionCheck(pickupMs),
  gatewayPredict,
  gatewayPredictionsMatchModel(reference(ref)),
  gatewayLatency,
];

describe('serviceChecks', () => {
  it('lists the checks of the sections present, kfp → mlflow → gateway, with stable ids', () => {
    expect(serviceChecks(CONTRACT).map((c) => c.id)).toEqual([
      'contract.kfp.run-succeeded',
      'contract.kfp.tasks-succeeded',
      'contract.kfp.parameters-match',
      'contract.mlflow.run-finished',
      'contract.mlflow.params-present',
      'contract.mlflow.metrics-thresholds',
      'contract.mlflow.metrics-match-pointer',
      'contract.mlflow.registered-version',
      'contract.mlflow.alias',
      'contract.gateway.health',
      'contract.gateway.serves-pointer-version',
      'contract.gateway.predict',
      'contract.gateway.predictions-match-model',
      'contract.gateway.latency',
    ]);
    expect(serviceChecks(CONTRACT, { section: 'mlflow' }).every((c) => c.id.startsWith('contract.mlflow.'))).toBe(true);
  });

  it('omits sections the contract lacks, and cross-checks when there is no pointer', () => {
    const { gateway: _g, kfp: _k, pointer: _p, ...rest } = CONTRACT;
    expect(serviceChecks({ ...rest, mlflow: { ...CONTRACT.mlflow!, alias: undefined } }).map((c) => c.id)).toEqual([
      'contract.mlflow.run-finished',
      'contract.mlflow.params-present',
      'contract.mlflow.metrics-thresholds',
    ]);
    expect(serviceChecks(parseContract('version: 1', 'c.yaml'))).toEqual([]);
  });
});

describe('KFP clauses', () => {
  it('a SUCCEEDED run with its six tasks and the submitted parameters passes, and stores the run', async () => {
    const ctx = context();
    const results = await runAll(ctx, KFP);
    expect(statuses(results)).toEqual({
      'contract.kfp.run-succeeded': 'passed',
      'contract.kfp.tasks-succeeded': 'passed',
      'contract.kfp.parameters-match': 'passed',
    });
    expect(ctx.facts.kfpRun?.run_id).toBeDefined();
    expect(results['contract.kfp.run-succeeded']?.evidence).toMatchObject({ runId: 'run-123', state: 'SUCCEEDED' });
  });

  it('a FAILED run fails run-succeeded with its error, and tasks-succeeded names the failed task', async () => {
    const results = await runAll(
      context({ kfpRun: recordedRun('v2gw', 'FAILED', { failedTask: 'train' }) as Run }),
      KFP,
    );
    expect(results['contract.kfp.run-succeeded']?.error).toBe(
      'KFP run run-123: expected state SUCCEEDED, saw FAILED (pipeline run failed: task train failed)',
    );
    const tasks = results['contract.kfp.tasks-succeeded'];
    expect(tasks?.status).toBe('failed');
    expect(tasks?.error).toContain('train is FAILED (task failed: RuntimeError: MLflow tracking server unreachable)');
    expect(tasks?.error).toContain('promote is SKIPPED');
    expect(tasks?.evidence.notSucceeded).toHaveLength(4);
  });

  it('catches a task that failed while the run is reported SUCCEEDED, and a task that is missing', async () => {
    const run = recordedRun('v2gw', 'SUCCEEDED') as Run;
    const details = run.run_details?.task_details ?? [];
    details[4] = { ...details[4], state: 'FAILED', error: { message: 'promote crashed' } };
    details.splice(5, 1);
    const results = await runAll(context({ kfpRun: run }), KFP);
    expect(results['contract.kfp.run-succeeded']?.status).toBe('passed');
    expect(results['contract.kfp.tasks-succeeded']?.error).toBe(
      'KFP run run-123 (state SUCCEEDED): missing task: predict; not SUCCEEDED: promote is FAILED (promote crashed)',
    );
    expect(results['contract.kfp.tasks-succeeded']?.hint).toContain('ingest, preprocess, train, evaluate, promote');
  });

  it('parameters that differ from the submission fail, naming each; numbers as strings are equal', async () => {
    const results = await runAll(
      context({ parameters: { dataset: 'PobleSec', identifier: 'other', rows: '500' } }),
      KFP,
    );
    expect(results['contract.kfp.parameters-match']?.error).toBe(
      'KFP run run-123 parameters differ from the submission: identifier: submitted "other", recorded "kfp-e2e"',
    );
    const extra = await runAll(context({ parameters: { dataset: 'PobleSec', identifier: 'kfp-e2e' } }), KFP);
    expect(extra['contract.kfp.parameters-match']?.error).toContain('rows: recorded 500, never submitted');
  });

  it('an API error fails run-succeeded with its hint; the other KFP checks skip naming it', async () => {
    const error = new KfpApiError(
      'GET http://127.0.0.1:8888/apis/v2beta1/runs/run-123: saw HTTP 404',
      'wrong run id?',
      {
        kind: 'http',
        endpoint: 'GET http://127.0.0.1:8888/apis/v2beta1/runs/run-123',
        status: 404,
      },
    );
    const results = await runAll(context({ kfpRun: error }), KFP);
    expect(results['contract.kfp.run-succeeded']).toMatchObject({ status: 'failed', hint: 'wrong run id?' });
    expect(results['contract.kfp.run-succeeded']?.error).toContain('runs/run-123: saw HTTP 404');
    expect(results['contract.kfp.tasks-succeeded']?.reason).toBe(
      'requires the KFP run (contract.kfp.run-succeeded), which did not succeed',
    );
    expect(results['contract.kfp.parameters-match']?.status).toBe('skipped');
  });
});

describe('MLflow clauses', () => {
  it('a finished run in the right experiment, with its params, metrics, version and alias passes', async () => {
    const ctx = context();
    const results = await runAll(ctx, MLFLOW);
    for (const r of Object.values(results)) expect([r.id, r.status, r.error]).toEqual([r.id, 'passed', undefined]);
    expect(ctx.facts.mlflowRun).toMatchObject({ runId: RUN_ID, status: 'FINISHED', metrics: { rmse: 3.137 } });
    expect(ctx.facts.aliasVersion).toBe('2');
    expect(results['contract.mlflow.run-finished']?.evidence).toMatchObject({
      experiment: 'poblesec-PobleSec',
      source: 'pointer "promotion-pointer" field mlflow_run_id',
    });
  });

  it('without the pointer object, every pointer-bound check skips naming the object check', async () => {
    const results = await runAll(context({ pointer: null }), MLFLOW);
    const reason =
      'requires the pointer object "promotion-pointer" (contract.object-promotion-pointer.valid), which did not succeed';
    expect(results['contract.mlflow.run-finished']?.reason).toBe(reason);
    expect(results['contract.mlflow.registered-version']?.reason).toBe(reason);
    expect(results['contract.mlflow.params-present']?.reason).toContain('contract.mlflow.run-finished');
  });

  it("a pointer naming a run MLflow does not know fails run-finished, naming the run and the pointer's field", async () => {
    const results = await runAll(context({ pointer: { ...POINTER, mlflow_run_id: 'feedface' } }), MLFLOW);
    expect(results['contract.mlflow.run-finished']?.error).toBe(
      `MLflow run feedface (pointer "promotion-pointer" field mlflow_run_id) does not exist at ${server.url}: RESOURCE_DOES_NOT_EXIST: Run with id=feedface not found`,
    );
    expect(results['contract.mlflow.metrics-thresholds']?.status).toBe('skipped');
  });

  it('a run still RUNNING, or in another experiment, fails run-finished saying which', async () => {
    world.run.status = 'RUNNING';
    world.run.experimentId = '2';
    const results = await runAll(context(), [mlflowRunFinished]);
    expect(results['contract.mlflow.run-finished']?.error).toBe(
      `MLflow run ${RUN_ID} (pointer "promotion-pointer" field mlflow_run_id): status is RUNNING, expected FINISHED; it is in experiment id 2, not in "poblesec-PobleSec" (id 1)`,
    );
  });

  it('a missing param and a metric over its bound fail, naming param, metric, value and bound', async () => {
    delete world.run.params.seed;
    world.run.metrics.rmse = 6.2;
    delete world.run.metrics.r2;
    const results = await runAll(context(), MLFLOW);
    expect(results['contract.mlflow.params-present']?.error).toBe(
      `MLflow run ${RUN_ID}: missing param seed (logged: n_estimators, max_depth, train_rows)`,
    );
    expect(results['contract.mlflow.metrics-thresholds']?.error).toBe(
      `MLflow run ${RUN_ID}: rmse = 6.2, expected <= 6.0; r2 was not logged (expected > 0.5)`,
    );
    // The pointer says 3.137, the run 6.2: the cross-check names both.
    expect(results['contract.mlflow.metrics-match-pointer']?.error).toContain('rmse: pointer 3.137, MLflow 6.2');
    expect(results['contract.mlflow.metrics-match-pointer']?.error).toContain('r2: 0.91 in the pointer, not logged');
  });

  it('metrics equal within 1e-9 relative match the pointer', async () => {
    world.run.metrics.rmse = 3.137 * (1 + 1e-12);
    const results = await runAll(context(), [mlflowRunFinished, mlflowMetricsMatchPointer]);
    expect(results['contract.mlflow.metrics-match-pointer']?.status).toBe('passed');
  });

  it('a pointer version that does not exist fails registered-version; the alias check names both versions', async () => {
    const results = await runAll(context({ pointer: { ...POINTER, model_version: '7' } }), MLFLOW);
    expect(results['contract.mlflow.registered-version']?.error).toBe(
      'registered model "poblesec-forecast" has no version 7 (pointer "promotion-pointer" field model_version): Model Version (name=poblesec-forecast, version=7) not found',
    );
    expect(results['contract.mlflow.alias']?.error).toBe(
      'alias "champion" of "poblesec-forecast" points to version 2, the pointer "promotion-pointer" names version 7',
    );
  });

  it('a version made by another run than the pointer names fails registered-version', async () => {
    const results = await runAll(context({ pointer: { ...POINTER, model_version: '1' } }), [mlflowRegisteredVersion]);
    expect(results['contract.mlflow.registered-version']?.error).toBe(
      `version 1 of "poblesec-forecast": it was made by run old-run, the pointer names run ${RUN_ID}`,
    );
  });

  it('an alias that is not set fails, saying so', async () => {
    world.alias = undefined;
    const results = await runAll(context(), [mlflowAlias]);
    expect(results['contract.mlflow.alias']?.error).toBe(
      'alias "champion" of registered model "poblesec-forecast" is not set (the pointer names version 2): Registered model alias champion not found.',
    );
  });

  it('without a pointer clause, the run is found by its identifier tag', async () => {
    const { pointer: _p, ...noPointer } = CONTRACT;
    const ctx = context({ contract: { ...noPointer, objects: [] }, pointer: null });
    const results = await runAll(ctx, [mlflowRunFinished]);
    expect(results['contract.mlflow.run-finished']?.status).toBe('passed');
    expect(results['contract.mlflow.run-finished']?.evidence.source).toBe(
      "newest run with tags.identifier = 'kfp-e2e'",
    );
    expect(JSON.parse(server.requests.find((r) => r.url.endsWith('/runs/search'))?.body ?? '')).toMatchObject({
      experiment_ids: ['1'],
      filter: "tags.identifier = 'kfp-e2e'",
    });
  });
});

describe('gateway clauses', () => {
  it('a gateway serving the pointer passes health, version, predict, reference and latency', async () => {
    const ctx = context();
    const results = await runAll(ctx, gatewayChecks());
    for (const r of Object.values(results)) expect([r.id, r.status, r.error]).toEqual([r.id, 'passed', undefined]);
    expect(ctx.facts.gatewayVersion).toBe('2');
    expect(results['contract.gateway.latency']?.evidence).toMatchObject({ requests: 5, budgetP95Ms: 5000 });
    expect(Object.keys(results['contract.gateway.latency']?.evidence ?? {})).toEqual(
      expect.arrayContaining(['p50Ms', 'p95Ms', 'maxMs']),
    );
  });

  it('waits for the gateway to pick up the pointer (it polls), then passes', async () => {
    world.servedAfterPolls = 3;
    const results = await runAll(context(), [gatewayHealth, gatewayServesPointerVersionCheck(5000)]);
    expect(results['contract.gateway.serves-pointer-version']?.status).toBe('passed');
    expect(world.healthPolls).toBeGreaterThanOrEqual(4);
  });

  it('a gateway still serving another version fails after the pickup wait, naming both versions', async () => {
    world.served = '1';
    const results = await runAll(context(), gatewayChecks([41.5, 22.25], 600));
    expect(results['contract.gateway.serves-pointer-version']?.error).toMatch(
      /serves model version 1, the pointer "promotion-pointer" names version 2 \(waited \d+ s\)$/,
    );
    expect(results['contract.gateway.predict']?.status).toBe('passed');
  });

  it('no_model fails health with a hint about the pointer; dependants skip naming health', async () => {
    world.served = null;
    const results = await runAll(context(), gatewayChecks());
    expect(results['contract.gateway.health']?.error).toContain('status is "no_model", expected "ok"');
    expect(results['contract.gateway.health']?.hint).toContain('promotion pointer');
    // Health answered, so its dependants run: the version check then says what is served.
    expect(results['contract.gateway.serves-pointer-version']?.status).toBe('failed');
  });

  it('a gateway that is down fails health with the endpoint and a hint; its dependants skip naming it', async () => {
    const port = await closedPort();
    const results = await runAll(context({ gatewayUrl: `http://127.0.0.1:${port}` }), gatewayChecks());
    expect(results['contract.gateway.health']).toMatchObject({ status: 'failed' });
    expect(results['contract.gateway.health']?.error).toContain(`GET http://127.0.0.1:${port}/health`);
    expect(results['contract.gateway.health']?.hint).toContain(`nothing listens on 127.0.0.1:${port}`);
    for (const id of [
      'contract.gateway.serves-pointer-version',
      'contract.gateway.predict',
      'contract.gateway.latency',
    ])
      expect(results[id]?.reason).toBe(
        'requires a gateway that answers (contract.gateway.health), which did not succeed',
      );
    expect(results['contract.gateway.predictions-match-model']?.reason).toContain('contract.gateway.predict');
  });

  it('an answer missing a required field, or naming another version, fails predict', async () => {
    world.predictBody = { predictions: [1], model_version: '1' };
    const results = await runAll(context(), gatewayChecks());
    expect(results['contract.gateway.predict']?.error).toBe(
      `gateway ${server.url}/gw/predict: model_name: expected string, saw missing; predictions: 1 for 2 instances; model_version is "1", the pointer names 2`,
    );
    expect(results['contract.gateway.predictions-match-model']?.status).toBe('skipped');
  });

  it("predictions that differ from the pointer's model fail, naming the instance", async () => {
    const results = await runAll(context(), gatewayChecks([41.5, 23]));
    expect(results['contract.gateway.predictions-match-model']?.error).toBe(
      'gateway predictions differ from models:/poblesec-forecast/2: instance 1: gateway 22.25, model 23',
    );
  });

  it('a p95 over budget fails with p50, p95 and max', async () => {
    const tight = { ...CONTRACT, gateway: { ...CONTRACT.gateway!, latency: { requests: 5, p95Ms: 0.001 } } };
    const results = await runAll(context({ contract: tight }), [gatewayHealth, gatewayLatency]);
    expect(results['contract.gateway.latency']?.error).toMatch(
      /\/gw\/predict: p95 [\d.]+ ms over 5 requests, budget 0.001 ms \(p50 [\d.]+ ms, max [\d.]+ ms\)/,
    );
  });

  it('no gateway configured fails health, saying to set GATEWAY_URL', async () => {
    const ctx = context();
    const noGateway = { ...ctx, clients: { ...ctx.clients, gateway: undefined } as unknown as ServiceClients };
    const result = await runCheck(gatewayHealth, noGateway);
    expect(result.hint).toContain('GATEWAY_URL');
  });
});

describe('helpers', () => {
  it('parses comparisons and takes nearest-rank percentiles', () => {
    expect(parseComparison(' <= 6.0 ')).toEqual({ op: '<=', bound: 6 });
    expect(parseComparison('>-1e-3')).toEqual({ op: '>', bound: -0.001 });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('compares within a relative tolerance', () => {
    expect(closeTo(0, 0, 1e-9)).toBe(true);
    expect(closeTo(3.137, 3.137 * (1 + 1e-10), 1e-9)).toBe(true);
    expect(closeTo(3.137, 3.1371, 1e-9)).toBe(false);
  });
});
