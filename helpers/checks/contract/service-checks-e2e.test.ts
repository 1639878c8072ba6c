import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReferencePipeline } from '../../../bench/pipeline-run.js';
import type { KfpClient } from '../../clients/kfp/kfp-client.js';
import { type ServiceClients, serviceClients } from '../../clients/service-clients.js';
import { resolveConfig } from '../../config/resolve.js';
import type { Config } from '../../config/schema.js';
import { freePort } from '../../stack/native/free-port.js';
import { type NativeGateway, startGateway } from '../../stack/native/gateway.js';
import { nativeAvailability, nativeProvider } from '../../stack/native/native-provider.js';
import { NATIVE_PATHS, PROJECT_ROOT } from '../../stack/project-paths.js';
import type { StartedStack } from '../../stack/provider.js';
import { stackSpecFor } from '../../stack/stack-spec.js';
import { type Check, runCheck } from '../check.js';
import type { ContractContext } from './context.js';
import type { Contract } from './contract-schema.js';
import { loadContract } from './load-contract.js';
import { serviceChecks } from './service-checks.js';

/**
 * The MLflow and gateway clauses against real services: a native stack, one real run of the
 * reference pipeline, the real gateway. First everything passes; then things are broken for real
 * (a second promotion moves the alias, a pointer names a version that does not exist, a bar the
 * model misses, the gateway stopped) and exactly the relevant checks fail.
 */

const runnable = nativeAvailability().available && existsSync(NATIVE_PATHS.python);
const CONTRACT = loadContract(join(PROJECT_ROOT, 'fixtures/poblesec/contract.yaml'));

// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!runnable)('contract service checks against a real stack, pipeline run and gateway', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'contract-e2e-'));
  const logs: string[] = [];
  const identifier = `contract-e2e-${Date.now()}`;
  let stack: StartedStack | undefined;
  let gateway: NativeGateway | undefined;
  let config: Config;
  let clients: ServiceClients;
  let pointer: Record<string, unknown>;

  const context = (contract: Contract, pointerDoc = pointer): ContractContext => ({
    config,
    contract,
    // The pipeline ran through the local runner, not a KFP API: the KFP clauses are not checked here.
    run: { runId: 'local-runner', parameters: {} },
    clients,
    kfp: undefined as unknown as KfpClient,
    facts: { documents: { 'promotion-pointer': pointerDoc } },
  });

  /** Runs the mlflow and gateway checks in order over one context, results by id. */
  const verdicts = async (ctx: ContractContext, sections: Array<'mlflow' | 'gateway'> = ['mlflow', 'gateway']) => {
    const checks: Check<ContractContext>[] = sections.flatMap((section) => serviceChecks(ctx.contract, { section }));
    const results = [];
    for (const check of checks) results.push(await runCheck(check, ctx));
    return Object.fromEntries(results.map((r) => [r.id, r]));
  };

  beforeAll(async () => {
    chmodSync(workDir, 0o711);
    mkdirSync(join(workDir, 'stack'));
    mkdirSync(join(workDir, 'gateway'));
    const log = (line: string) => logs.push(line);
    const defaults = resolveConfig({ env: {}, preset: 'local' }).config;
    stack = await nativeProvider.start(stackSpecFor(defaults, join(workDir, 'stack'), log));
    const port = await freePort();
    config = resolveConfig({
      env: {},
      preset: 'local',
      stack: stack.values,
      flags: { 'run.identifier': identifier, 'gateway.url': `http://127.0.0.1:${port}` },
    }).config;
    await runReferencePipeline(config, identifier);
    gateway = await startGateway({ dir: join(workDir, 'gateway'), port, config });
    clients = serviceClients(config);
    const key = `promotion/${config.run.dataset}/${identifier}/pointer.json`;
    pointer = JSON.parse(await clients.s3.getText(config.buckets.models, key)) as Record<string, unknown>;
  }, 600_000);

  afterAll(async () => {
    await clients?.close();
    await gateway?.process.stop();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  it('every MLflow and gateway clause of the reference contract passes', async () => {
    const ctx = context(CONTRACT);
    const results = await verdicts(ctx);
    const ids = Object.keys(results);
    expect(ids).toEqual([
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
    for (const r of Object.values(results))
      expect([r.id, r.status, r.error ?? r.reason]).toEqual([r.id, 'passed', undefined]);
    expect(ctx.facts.mlflowRun?.runId).toBe(pointer.mlflow_run_id);
    expect(ctx.facts.aliasVersion).toBe(pointer.model_version);
    expect(ctx.facts.gatewayVersion).toBe(pointer.model_version);
    const reference = results['contract.gateway.predictions-match-model']?.evidence as { reference: number[] };
    expect(reference.reference).toHaveLength(2);
    expect(results['contract.gateway.latency']?.evidence).toMatchObject({ requests: 20 });
  }, 180_000);

  it('the MLflow client reports absent things as not found, from the real server', async () => {
    const mlflow = clients.mlflow;
    const name = String(pointer.model_name);
    expect((await mlflow.getExperimentByName('no-such-experiment-xyz')).found).toBe(false);
    expect((await mlflow.getRun('0123456789abcdef0123456789abcdef')).found).toBe(false);
    expect((await mlflow.getRegisteredModel('no-such-model-xyz')).found).toBe(false);
    expect((await mlflow.getModelVersion(name, '999')).found).toBe(false);
    expect((await mlflow.getModelVersionByAlias(name, 'no-such-alias')).found).toBe(false);
    const experiment = await mlflow.getExperimentByName(`poblesec-${config.run.dataset}`);
    expect(experiment.found).toBe(true);
    if (!experiment.found) return;
    const runs = await mlflow.searchRuns({
      experimentIds: [experiment.value.experiment_id],
      filter: `tags.identifier = '${identifier}'`,
      maxResults: 5,
    });
    expect(runs.body.runs.map((r) => r.info.run_id)).toEqual([pointer.mlflow_run_id]);
  }, 60_000);

  it('a metric bar the model misses fails exactly metrics-thresholds, naming metric, value and bound', async () => {
    const mlflow = CONTRACT.mlflow as NonNullable<Contract['mlflow']>;
    const strict = { ...CONTRACT, mlflow: { ...mlflow, run: { ...mlflow.run, metrics: { rmse: '< 0.01' } } } };
    const results = await verdicts(context(strict), ['mlflow']);
    const failed = Object.values(results).filter((r) => r.status !== 'passed');
    expect(failed.map((r) => r.id)).toEqual(['contract.mlflow.metrics-thresholds']);
    const rmse = (pointer.metrics as { rmse: number }).rmse;
    expect(failed[0]?.error).toContain(`rmse = ${rmse}, expected < 0.01`);
  }, 60_000);

  it('a pointer naming a version that does not exist fails registered-version and alias', async () => {
    const bogus = { ...pointer, model_version: '999', model_uri: `models:/${pointer.model_name}/999` };
    const results = await verdicts(context(CONTRACT, bogus), ['mlflow']);
    const failed = Object.values(results).filter((r) => r.status !== 'passed');
    expect(failed.map((r) => r.id)).toEqual(['contract.mlflow.registered-version', 'contract.mlflow.alias']);
    expect(results['contract.mlflow.registered-version']?.error).toContain(
      `registered model "${pointer.model_name}" has no version 999`,
    );
    expect(results['contract.mlflow.alias']?.error).toContain(
      `points to version ${pointer.model_version}, the pointer "promotion-pointer" names version 999`,
    );
  }, 60_000);

  it('a later promotion that moves the alias fails exactly the alias check; moving it back heals it', async () => {
    await runReferencePipeline(config, `${identifier}-second`);
    const name = String(pointer.model_name);
    const moved = await clients.mlflow.getModelVersionByAlias(name, 'champion');
    expect(moved.found && moved.value.version).not.toBe(pointer.model_version);
    const newVersion = moved.found ? moved.value.version : '?';

    const broken = await verdicts(context(CONTRACT), ['mlflow']);
    expect(
      Object.values(broken)
        .filter((r) => r.status !== 'passed')
        .map((r) => r.id),
    ).toEqual(['contract.mlflow.alias']);
    expect(broken['contract.mlflow.alias']?.error).toBe(
      `alias "champion" of "${name}" points to version ${newVersion}, the pointer "promotion-pointer" names version ${pointer.model_version}`,
    );

    await clients.mlflow.setRegisteredModelAlias({ name, alias: 'champion', version: String(pointer.model_version) });
    const healed = await verdicts(context(CONTRACT), ['mlflow']);
    expect(healed['contract.mlflow.alias']?.status).toBe('passed');
  }, 240_000);

  it('a stopped gateway fails health, naming the endpoint; its dependants skip naming it', async () => {
    await gateway?.process.stop();
    const results = await verdicts(context(CONTRACT), ['gateway']);
    const health = results['contract.gateway.health'];
    expect(health?.status).toBe('failed');
    expect(health?.error).toContain(`GET ${config.gateway.url}/health`);
    expect(health?.error).toContain('connection refused');
    expect(health?.hint).toContain('nothing listens on');
    for (const id of [
      'contract.gateway.serves-pointer-version',
      'contract.gateway.predict',
      'contract.gateway.predictions-match-model',
      'contract.gateway.latency',
    ]) {
      expect([id, results[id]?.status]).toEqual([id, 'skipped']);
    }
    expect(results['contract.gateway.predict']?.reason).toContain('contract.gateway.health');
  }, 60_000);
});
