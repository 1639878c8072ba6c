import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contract } from '../../helpers/checks/contract/contract-schema.js';
import { loadContract } from '../../helpers/checks/contract/load-contract.js';
import { suiteRunParameters } from '../../helpers/checks/preflight/run-parameters.js';
import { buildSubmitPlan } from '../../helpers/checks/submission/submit-plan.js';
import { type KfpClient, kfpClientFromConfig } from '../../helpers/clients/kfp/kfp-client.js';
import { submitRun } from '../../helpers/clients/kfp/submit-run.js';
import { waitForRun } from '../../helpers/clients/kfp/wait-for-run.js';
import { type ServiceClients, serviceClients } from '../../helpers/clients/service-clients.js';
import { toEnv } from '../../helpers/config/export.js';
import { resolveConfig } from '../../helpers/config/resolve.js';
import type { Config } from '../../helpers/config/schema.js';
import { ValidationReportSchema } from '../../helpers/report/schema.js';
import { acquireLocalStack, type LocalStackHandle } from '../../helpers/stack/lifecycle.js';
import { freePort } from '../../helpers/stack/native/free-port.js';
import { type NativeGateway, startGateway } from '../../helpers/stack/native/gateway.js';
import { nativeAvailability } from '../../helpers/stack/native/native-provider.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';
import { describeLast, retryUntil } from '../../helpers/util/retry-until.js';
import { dropColumn, setCell } from './fault-detection/csv-edit.js';
import { createModelVersion, updateRunStatus } from './fault-detection/mlflow-rest.js';
import {
  byId,
  type ContextBase,
  evaluate,
  expectExactFailures,
  idsWith,
  summarise,
} from './fault-detection/verdicts.js';

/**
 * The contract stage's fault detection, for real: a native stack, one run of the reference
 * pipeline through the local KFP API, every contract check green — then one fault at a time
 * produced in the real services (S3 objects, MLflow, the gateway, the KFP API's database), every
 * check evaluated again, exactly the checks that should fail fail, naming the culprit, and the
 * state is put back before the next fault.
 */

const CONTRACT = loadContract(join(PROJECT_ROOT, 'fixtures/poblesec/contract.yaml'));
const POINTER = 'contract.object-promotion-pointer.valid';
const PROCESSED = 'contract.object-processed-data.valid';
const PREDICTIONS = 'contract.object-predictions.valid';

// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!nativeAvailability().available)(
  'contract stage fault detection against a real stack',
  () => {
    const logs: string[] = [];
    const workDir = mkdtempSync(join(tmpdir(), 'fault-detection-'));
    let handle: LocalStackHandle | undefined;
    let config: Config;
    let clients: ServiceClients;
    let kfp: KfpClient;
    let base: ContextBase;
    let packagePath: string;
    let pointerKey: string;
    let pointerText: string;
    let pointer: Record<string, unknown>;
    let secondVersion: string | undefined;
    let secondGateway: NativeGateway | undefined;
    const extraClients: ServiceClients[] = [];

    /** Submits the reference pipeline through the local KFP API and waits for any terminal state. */
    async function submit(rows: string) {
      const params = suiteRunParameters(config, packagePath, { rows });
      const plan = buildSubmitPlan(config, packagePath, params, { experiment: config.run.experiment });
      const submitted = await submitRun(kfp, plan);
      const run = await waitForRun(kfp, submitted.run.run_id, {
        timeoutMs: config.timeouts.runMs,
        intervalMs: 250,
        maxIntervalMs: 1000,
      });
      return { runId: submitted.run.run_id, parameters: plan.parameters, state: run.state };
    }

    /** Replaces an object, runs `body`, and always puts the original bytes back. */
    async function withObject(
      bucket: string,
      key: string,
      edit: (text: string) => string | undefined,
      body: () => Promise<void>,
    ) {
      const original = await clients.s3.getText(bucket, key);
      const edited = edit(original);
      if (edited === undefined) await clients.s3.deleteObject(bucket, key);
      else await clients.s3.putText(bucket, key, edited);
      try {
        await body();
      } finally {
        await clients.s3.putText(bucket, key, original);
      }
      expect(await clients.s3.getText(bucket, key)).toBe(original);
    }

    /** The gateway serves `version` (it polls the pointer every 2 s). */
    async function gatewayServes(services: ServiceClients, version: string) {
      const gateway = services.gateway;
      if (!gateway) throw new Error('no gateway configured');
      await retryUntil(
        () => gateway.healthJson(),
        (r) => r.body.status === 'ok' && r.body.model_version === version,
        (ms, last) =>
          `gateway ${gateway.endpoint} did not serve version ${version} within ${ms} ms: ${describeLast(last)}`,
        { timeoutMs: 60_000, intervalMs: 100, maxIntervalMs: 1000 },
      );
    }

    beforeAll(async () => {
      const defaults = resolveConfig({ env: {}, preset: 'local' }).config;
      handle = await acquireLocalStack(defaults, { persistent: false, log: (line) => logs.push(line) });
      config = resolveConfig({ env: {}, preset: 'local', stack: handle.stack.values }).config;
      clients = serviceClients(config);
      kfp = kfpClientFromConfig(config);
      packagePath = resolve(PROJECT_ROOT, config.pipeline.package);
      const run = await submit('500');
      expect(run.state, `reference run ${run.runId}`).toBe('SUCCEEDED');
      base = { config, contract: CONTRACT, run: { runId: run.runId, parameters: run.parameters }, clients, kfp };
      pointerKey = `promotion/${config.run.dataset}/${config.run.identifier}/pointer.json`;
      pointerText = await clients.s3.getText(config.buckets.models, pointerKey);
      pointer = JSON.parse(pointerText) as Record<string, unknown>;
      // The stack's gateway picks the pointer up on its next poll; the golden state starts once it has.
      await gatewayServes(clients, String(pointer.model_version));
    }, 300_000);

    afterAll(async () => {
      await secondGateway?.process.stop();
      await Promise.allSettled([clients?.close(), kfp?.close(), ...extraClients.map((c) => c.close())]);
      await handle?.release();
      rmSync(workDir, { recursive: true, force: true });
    }, 120_000);

    const processed = () => ({
      bucket: config.buckets.processedData,
      key: `processed/${config.run.dataset}/${config.run.identifier}/data.csv`,
    });
    const predictions = () => ({
      bucket: config.buckets.predictions,
      key: `predictions/${config.run.dataset}/${config.run.identifier}/predictions.csv`,
    });

    it('golden state: every contract check passes', async () => {
      const results = await evaluate(base);
      expect(results.map((r) => r.id)).toHaveLength(17);
      expect(idsWith(results, 'passed'), summarise(results)).toHaveLength(results.length);
    }, 120_000);

    it('kfp-e2e validate --run-id reproduces the verdict outside Vitest', async () => {
      const inProcess = await evaluate(base);
      const output = join(mkdtempSync(join(tmpdir(), 'validate-')), 'report.json');
      const cli = spawnSync(
        process.execPath,
        [join(PROJECT_ROOT, 'bin/kfp-e2e.mjs'), 'validate', '--run-id', base.run.runId, '--json', '--output', output],
        {
          cwd: PROJECT_ROOT,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...toEnv(config) },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(cli.status, cli.stderr).toBe(0);
      const report = ValidationReportSchema.parse(JSON.parse(cli.stdout));
      const verdicts = (results: { id: string; status: string }[]) => results.map((r) => `${r.id}=${r.status}`);
      expect(verdicts(report.checks)).toEqual(['contract.file.valid=passed', ...verdicts(inProcess)]);
    }, 180_000);

    it('(a) processed data deleted → only object-processed-data fails, naming the key', async () => {
      const { bucket, key } = processed();
      await withObject(
        bucket,
        key,
        () => undefined,
        async () => {
          const results = await evaluate(base);
          expectExactFailures(results, [PROCESSED]);
          expect(byId(results)[PROCESSED]?.error).toContain(`s3://${bucket}/${key}: object processed-data not found`);
        },
      );
    }, 120_000);

    it('(b) processed data without no2_ugm3 → only object-processed-data fails, naming the column', async () => {
      const { bucket, key } = processed();
      await withObject(
        bucket,
        key,
        (text) => dropColumn(text, 'no2_ugm3'),
        async () => {
          const results = await evaluate(base);
          expectExactFailures(results, [PROCESSED]);
          expect(byId(results)[PROCESSED]?.error).toContain('column no2_ugm3 missing from the header');
        },
      );
    }, 120_000);

    it('(c1) NaN in predictions → only object-predictions fails, naming column, row and value', async () => {
      const { bucket, key } = predictions();
      await withObject(
        bucket,
        key,
        (text) => setCell(text, 7, 'prediction', 'NaN'),
        async () => {
          const results = await evaluate(base);
          expectExactFailures(results, [PREDICTIONS]);
          expect(byId(results)[PREDICTIONS]?.error).toMatch(/column prediction row 7: NaN \(/);
        },
      );
    }, 120_000);

    it('(c2) out-of-range prediction → only object-predictions fails, naming column, row and value', async () => {
      const { bucket, key } = predictions();
      await withObject(
        bucket,
        key,
        (text) => setCell(text, 3, 'prediction', '5000.5'),
        async () => {
          const results = await evaluate(base);
          expectExactFailures(results, [PREDICTIONS]);
          expect(byId(results)[PREDICTIONS]?.error).toContain('column prediction row 3: 5000.5 (<= 1000 expected)');
        },
      );
    }, 120_000);

    it('(d) pointer without mlflow_run_id → the pointer check fails; what needs the pointer skips', async () => {
      const { mlflow_run_id: _dropped, ...without } = pointer;
      const write = () => `${JSON.stringify(without, null, 2)}\n`;
      await withObject(config.buckets.models, pointerKey, write, async () => {
        const results = await evaluate(base);
        expectExactFailures(results, [POINTER]);
        const r = byId(results);
        expect(r[POINTER]?.error).toContain('mlflow_run_id: expected string, saw missing');
        // Directly on the pointer: the predictions object (its {pointer.model_version}) and every cross-check.
        const onPointer = [
          PREDICTIONS,
          'contract.mlflow.run-finished',
          'contract.mlflow.metrics-match-pointer',
          'contract.mlflow.registered-version',
          'contract.mlflow.alias',
          'contract.gateway.serves-pointer-version',
          'contract.gateway.predictions-match-model',
        ];
        // On the MLflow run, which is found through the pointer.
        const onRun = ['contract.mlflow.params-present', 'contract.mlflow.metrics-thresholds'];
        expect(idsWith(results, 'skipped').sort()).toEqual([...onPointer, ...onRun].sort());
        for (const id of onPointer) expect(r[id]?.reason, id).toContain(POINTER);
        for (const id of onRun) expect(r[id]?.reason, id).toContain('contract.mlflow.run-finished');
      });
    }, 120_000);

    it('(e) pointer naming version 999 → every check that compares against the pointer version fails', async () => {
      const bogus = { ...pointer, model_version: '999', model_uri: `models:/${String(pointer.model_name)}/999` };
      const version = String(pointer.model_version);
      await withObject(
        config.buckets.models,
        pointerKey,
        () => `${JSON.stringify(bogus, null, 2)}\n`,
        async () => {
          const results = await evaluate(base);
          /*
           * Which checks compare with the pointer's version, and what they see:
           * - object-predictions: its model_version column must equal {pointer.model_version}: rows say the real one;
           * - mlflow.registered-version: the registry has no version 999;
           * - mlflow.alias: champion is on the real version, not 999;
           * - gateway.serves-pointer-version: the gateway cannot load models:/…/999 and keeps serving the
           *   real version (its health stays ok, with last_error), so it never serves 999;
           * - gateway.predict: the answer's model_version is the real one, the pointer names 999;
           * - gateway.predictions-match-model skips: it needs the predictions predict did not accept.
           * Not affected: the pointer's schema (999 is a string), the MLflow run and metrics (mlflow_run_id
           * and metrics are unchanged), gateway health (status ok) and latency.
           */
          expectExactFailures(results, [
            PREDICTIONS,
            'contract.mlflow.registered-version',
            'contract.mlflow.alias',
            'contract.gateway.serves-pointer-version',
            'contract.gateway.predict',
          ]);
          const r = byId(results);
          expect(idsWith(results, 'skipped')).toEqual(['contract.gateway.predictions-match-model']);
          expect(r[PREDICTIONS]?.error).toContain(`column model_version row 1: ${version} (equal to "999" expected)`);
          expect(r['contract.mlflow.registered-version']?.error).toContain(
            `registered model "${String(pointer.model_name)}" has no version 999`,
          );
          expect(r['contract.mlflow.alias']?.error).toContain(
            `points to version ${version}, the pointer "promotion-pointer" names version 999`,
          );
          expect(r['contract.gateway.serves-pointer-version']?.error).toContain(
            `serves model version ${version}, the pointer "promotion-pointer" names version 999`,
          );
          expect(r['contract.gateway.predict']?.error).toContain(
            `model_version is "${version}", the pointer names 999`,
          );
        },
      );
      await gatewayServes(clients, version);
    }, 180_000);

    it('(f) MLflow run FAILED → only mlflow.run-finished fails, naming the run and status', async () => {
      const runId = String(pointer.mlflow_run_id);
      const before = await clients.mlflow.getRun(runId);
      if (!before.found) throw new Error(`MLflow run ${runId} not found`);
      expect(before.value.info.status).toBe('FINISHED');
      await updateRunStatus(config, runId, 'FAILED');
      try {
        const results = await evaluate(base);
        expectExactFailures(results, ['contract.mlflow.run-finished']);
        expect(byId(results)['contract.mlflow.run-finished']?.error).toContain(
          `MLflow run ${runId} (pointer "promotion-pointer" field mlflow_run_id): status is FAILED, expected FINISHED`,
        );
      } finally {
        await updateRunStatus(config, runId, 'FINISHED', before.value.info.end_time ?? undefined);
      }
      const after = await clients.mlflow.getRun(runId);
      expect(after.found && after.value.info.status).toBe('FINISHED');
    }, 120_000);

    it('(g) a metric over its bound (rmse < 0.01) → only mlflow.metrics-thresholds fails, naming metric and value', async () => {
      const mlflow = CONTRACT.mlflow as NonNullable<Contract['mlflow']>;
      const strict: Contract = {
        ...CONTRACT,
        mlflow: { ...mlflow, run: { ...mlflow.run, metrics: { rmse: '< 0.01' } } },
      };
      const results = await evaluate(base, strict);
      expectExactFailures(results, ['contract.mlflow.metrics-thresholds']);
      const rmse = (pointer.metrics as { rmse: number }).rmse;
      expect(byId(results)['contract.mlflow.metrics-thresholds']?.error).toContain(`rmse = ${rmse}, expected < 0.01`);
    }, 120_000);

    it('(h) alias moved to a second version → only mlflow.alias fails, naming both versions', async () => {
      const name = String(pointer.model_name);
      const version = String(pointer.model_version);
      const first = await clients.mlflow.getModelVersion(name, version);
      if (!first.found || !first.value.source)
        throw new Error(`version ${version} of ${name} not found or has no source`);
      const created = await createModelVersion(config, {
        name,
        source: first.value.source,
        runId: String(pointer.mlflow_run_id),
      });
      secondVersion = created;
      await retryUntil(
        () => clients.mlflow.getModelVersion(name, created),
        (v) => v.found && v.value.status === 'READY',
        (ms, last) => `version ${created} of ${name} not READY within ${ms} ms: ${describeLast(last)}`,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      await clients.mlflow.setRegisteredModelAlias({ name, alias: 'champion', version: created });
      try {
        const results = await evaluate(base);
        expectExactFailures(results, ['contract.mlflow.alias']);
        expect(byId(results)['contract.mlflow.alias']?.error).toBe(
          `alias "champion" of "${name}" points to version ${created}, the pointer "promotion-pointer" names version ${version}`,
        );
      } finally {
        await clients.mlflow.setRegisteredModelAlias({ name, alias: 'champion', version });
      }
      const restored = await clients.mlflow.getModelVersionByAlias(name, 'champion');
      expect(restored.found && restored.value.version).toBe(version);
    }, 120_000);

    it('(i) a gateway serving the second version → serves-pointer-version and predict fail', async () => {
      expect(secondVersion, 'case (h) registers the second version').toBeDefined();
      const v2 = secondVersion as string;
      const name = String(pointer.model_name);
      // A pointer for version 2 under another identifier, and a second gateway that serves it.
      const identifier = 'fault-detection-v2';
      const key = `promotion/${config.run.dataset}/${identifier}/pointer.json`;
      const v2Pointer = { ...pointer, identifier, model_version: v2, model_uri: `models:/${name}/${v2}` };
      await clients.s3.putText(config.buckets.models, key, `${JSON.stringify(v2Pointer, null, 2)}\n`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const gatewayConfig: Config = {
        ...config,
        run: { ...config.run, identifier },
        gateway: { ...config.gateway, url },
      };
      secondGateway = await startGateway({ dir: workDir, port, config: gatewayConfig });
      // The contract is still checked for the reference identifier; only the gateway endpoint differs.
      const checkedConfig: Config = { ...config, gateway: { ...config.gateway, url } };
      const secondClients = serviceClients(checkedConfig);
      extraClients.push(secondClients);
      await gatewayServes(secondClients, v2);

      const results = await evaluate({ ...base, config: checkedConfig, clients: secondClients });
      // predictions-match-model skips: it compares the predictions that predict refused.
      expectExactFailures(results, ['contract.gateway.serves-pointer-version', 'contract.gateway.predict']);
      const r = byId(results);
      expect(idsWith(results, 'skipped')).toEqual(['contract.gateway.predictions-match-model']);
      const version = String(pointer.model_version);
      expect(r['contract.gateway.serves-pointer-version']?.error).toContain(
        `gateway ${url} serves model version ${v2}, the pointer "promotion-pointer" names version ${version}`,
      );
      expect(r['contract.gateway.predict']?.error).toContain(`model_version is "${v2}", the pointer names ${version}`);
    }, 180_000);

    it('(j) the gateway down → gateway.health fails naming the endpoint; the gateway checks after it skip', async () => {
      expect(secondGateway, 'case (i) starts the second gateway').toBeDefined();
      const url = secondGateway?.url as string;
      await secondGateway?.process.stop();
      const checkedConfig: Config = { ...config, gateway: { ...config.gateway, url } };
      const secondClients = serviceClients(checkedConfig);
      extraClients.push(secondClients);
      const results = await evaluate({ ...base, config: checkedConfig, clients: secondClients });
      expectExactFailures(results, ['contract.gateway.health']);
      const r = byId(results);
      expect(r['contract.gateway.health']?.error).toContain(`${url}/health`);
      const onHealth = [
        'contract.gateway.serves-pointer-version',
        'contract.gateway.predict',
        'contract.gateway.latency',
      ];
      expect(idsWith(results, 'skipped').sort()).toEqual(
        [...onHealth, 'contract.gateway.predictions-match-model'].sort(),
      );
      for (const id of onHealth) expect(r[id]?.reason, id).toContain('contract.gateway.health');
      // It compares predict's answer, so it names predict (skipped in turn, naming health).
      expect(r['contract.gateway.predictions-match-model']?.reason).toContain('contract.gateway.predict');
    }, 120_000);

    it('(k) a FAILED KFP run (rows=0) → run-succeeded and tasks-succeeded fail, naming state and task', async () => {
      const failed = await submit('0');
      expect(failed.state).toBe('FAILED');
      const results = await evaluate({ ...base, run: { runId: failed.runId, parameters: failed.parameters } });
      // tasks-succeeded fails too: ingest FAILED (rows outside 48…50,000,000) and nothing after it ran.
      // Everything else passes: ingest fails before writing, so the objects, MLflow and the gateway
      // are still the first run's, and the run recorded the parameters it was sent (rows=0).
      expectExactFailures(results, ['contract.kfp.run-succeeded', 'contract.kfp.tasks-succeeded']);
      const r = byId(results);
      expect(r['contract.kfp.run-succeeded']?.error).toContain(
        `KFP run ${failed.runId}: expected state SUCCEEDED, saw FAILED`,
      );
      expect(r['contract.kfp.tasks-succeeded']?.error).toContain('ingest is FAILED');
    }, 300_000);

    it('(l) a task FAILED in a run reported SUCCEEDED → only kfp.tasks-succeeded fails, naming the task', async () => {
      const db = new pg.Client({
        host: config.postgres.host,
        port: config.postgres.port,
        user: config.postgres.user,
        password: config.postgres.password,
        database: 'kfp',
        connectionTimeoutMillis: config.timeouts.requestMs,
        query_timeout: config.timeouts.requestMs,
      });
      await db.connect();
      try {
        const runId = base.run.runId;
        const read = async () =>
          (await db.query<{ tasks: string }>('SELECT tasks::text AS tasks FROM runs WHERE run_id = $1', [runId])).rows;
        const [row] = await read();
        if (!row) throw new Error(`run ${runId} not in the kfp database`);
        const original = row.tasks;
        const tasks = JSON.parse(original) as Array<{ name: string; state: string }>;
        const train = tasks.find((t) => t.name === 'train');
        if (!train) throw new Error(`no train task in ${original}`);
        train.state = 'FAILED';
        await db.query('UPDATE runs SET tasks = $2::jsonb WHERE run_id = $1', [runId, JSON.stringify(tasks)]);
        try {
          const results = await evaluate(base);
          expectExactFailures(results, ['contract.kfp.tasks-succeeded']);
          expect(byId(results)['contract.kfp.tasks-succeeded']?.error).toContain(
            `KFP run ${runId} (state SUCCEEDED): not SUCCEEDED: train is FAILED`,
          );
        } finally {
          await db.query('UPDATE runs SET tasks = $2::jsonb WHERE run_id = $1', [runId, original]);
        }
        expect((await read())[0]?.tasks).toBe(original);
      } finally {
        await db.end();
      }
    }, 120_000);

    it('after every fault is undone, every contract check passes again', async () => {
      const results = await evaluate(base);
      expect(idsWith(results, 'passed'), summarise(results)).toHaveLength(results.length);
    }, 120_000);
  },
  600_000,
);
