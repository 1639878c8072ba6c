import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../checks/check.js';
import type { SubmissionContext } from '../../checks/submission/context.js';
import { runSucceeded } from '../../checks/submission/submission-checks.js';
import { kfpClientFromConfig } from '../../clients/kfp/kfp-client.js';
import { toEnv } from '../../config/export.js';
import { resolveConfig } from '../../config/resolve.js';
import { retryUntil } from '../../util/retry-until.js';
import { nativeAvailability, nativeProvider } from '../native/native-provider.js';
import { NATIVE_PATHS, PROJECT_ROOT } from '../project-paths.js';
import type { StartedStack } from '../provider.js';
import { stackSpecFor } from '../stack-spec.js';
import { type LocalKfpApi, startLocalKfpApi } from './server.js';
import { call, upload, waitForRun } from './test-support.js';

/**
 * End to end with the real local runner: the native stack (PostgreSQL, MinIO, MLflow), the
 * reference package fixtures/poblesec/pipeline.yaml uploaded through the API, and runs that
 * succeed, fail in a component, and are terminated mid-task.
 */

const A = '/apis/v2beta1';
const PACKAGE = readFileSync(join(PROJECT_ROOT, 'fixtures/poblesec/pipeline.yaml'));
const TASKS = ['ingest', 'preprocess', 'train', 'evaluate', 'promote', 'predict'];
const runnable = nativeAvailability().available && existsSync(NATIVE_PATHS.python);

/** Pids of the processes of a process group that are still alive (Linux /proc; zombies excluded). */
function liveGroupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(group) === pgid && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

// Needs the native servers, which `npm run setup` builds where no container runtime answers (or with
// SETUP_NATIVE=1); on the testcontainers path they are absent. CI has them and fails on any skipped unit test.
describe.skipIf(!runnable)('local KFP API with the real local runner (native stack)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'kfp-api-e2e-'));
  const logs: string[] = [];
  let stack: StartedStack | undefined;
  let api: LocalKfpApi | undefined;
  let base: string;
  let versionRef: { pipeline_id: string; pipeline_version_id: string };
  let experimentId: string;
  const identifier = `kfp-api-e2e-${Date.now()}`;

  beforeAll(async () => {
    chmodSync(workDir, 0o711);
    mkdirSync(join(workDir, 'stack'));
    const log = (line: string) => logs.push(line);
    const defaults = resolveConfig({ env: {}, preset: 'local' }).config;
    stack = await nativeProvider.start(stackSpecFor(defaults, join(workDir, 'stack'), log));
    const { config } = resolveConfig({ env: {}, preset: 'local', stack: stack.values });
    api = await startLocalKfpApi({
      port: 0,
      host: '127.0.0.1',
      database: { ...config.postgres, database: 'kfp' },
      runnerEnv: toEnv(config),
      projectRoot: PROJECT_ROOT,
      workDir: join(workDir, 'api'),
      log,
    });
    base = api.url;
    const pipeline = await upload(base, `${A}/pipelines/upload?name=poblesec-forecast`, {
      name: 'pipeline.yaml',
      content: PACKAGE,
    });
    expect(pipeline.status, pipeline.text).toBe(200);
    const versions = await call(base, 'GET', `${A}/pipelines/${pipeline.json.pipeline_id}/versions`);
    versionRef = {
      pipeline_id: pipeline.json.pipeline_id,
      pipeline_version_id: versions.json.pipeline_versions[0].pipeline_version_id,
    };
    experimentId = (await call(base, 'POST', `${A}/experiments`, { display_name: 'kfp-api-e2e' })).json.experiment_id;
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  const createRun = async (name: string, parameters: Record<string, unknown>) => {
    const response = await call(base, 'POST', `${A}/runs`, {
      display_name: name,
      experiment_id: experimentId,
      pipeline_version_reference: versionRef,
      runtime_config: { parameters },
    });
    expect(response.status, response.text).toBe(200);
    return response.json;
  };

  it('runs the reference pipeline to SUCCEEDED with its six tasks', async () => {
    const started = performance.now();
    const run = await createRun('e2e-success', { identifier, rows: 300 });
    expect(run.state).toBe('PENDING');
    const done = await waitForRun(base, run.run_id, undefined, 240_000);
    const seconds = (performance.now() - started) / 1000;
    logs.push(`e2e: SUCCEEDED run took ${seconds.toFixed(1)} s`);
    expect(done.state, JSON.stringify(done.error)).toBe('SUCCEEDED');
    expect(done.error).toBeUndefined();
    expect(done.state_history.map((h: { state: string }) => h.state)).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
    const tasks = done.run_details.task_details;
    expect(tasks.map((t: { display_name: string }) => t.display_name)).toEqual(TASKS);
    for (const task of tasks) {
      expect(task.state, task.display_name).toBe('SUCCEEDED');
      expect(task.start_time <= task.end_time, task.display_name).toBe(true);
    }
    const byName = new Map(tasks.map((t: { display_name: string; task_id: string }) => [t.display_name, t.task_id]));
    expect(tasks[0].child_tasks).toEqual([{ task_id: byName.get('preprocess') }]);
    expect(JSON.stringify(done)).not.toContain(resolveConfig({ env: {}, preset: 'local' }).config.minio.secretKey);
  }, 300_000);

  it('a component that fails: FAILED, the error names the task and quotes its log', async () => {
    const run = await createRun('e2e-failure', { identifier: `${identifier}-fail`, rows: 0 });
    const done = await waitForRun(base, run.run_id, undefined, 120_000);
    expect(done.state).toBe('FAILED');
    expect(done.error.message).toContain(
      "task 'ingest' failed: ValueError: rows must be between 48 and 50000000, got 0",
    );
    expect(done.error.message).toContain("log lines of task 'ingest':");
    const states = done.run_details.task_details.map((t: { display_name: string; state: string }) => [
      t.display_name,
      t.state,
    ]);
    expect(states).toEqual(TASKS.map((name, i) => [name, i === 0 ? 'FAILED' : 'SKIPPED']));
    expect(done.run_details.task_details[0].error.message).toContain('ValueError: rows must be between');

    // The submission stage's verdict on the same run, through the real client: FAILED, naming the task.
    const { config } = resolveConfig({ env: {}, preset: 'local', flags: { 'kfp.host': base } });
    const client = kfpClientFromConfig(config);
    try {
      const ctx = {
        config,
        client,
        plan: {} as SubmissionContext['plan'],
        session: { runId: run.run_id },
        log: () => {},
      };
      const verdict = await runCheck(runSucceeded, ctx);
      expect(verdict.status).toBe('failed');
      expect(verdict.error).toMatch(new RegExp(`^run ${run.run_id} ended FAILED: task 'ingest' failed`));
      expect(verdict.error).toContain('failed task: ingest');
    } finally {
      await client.close();
    }
  }, 180_000);

  it('terminate during a task: CANCELING, then CANCELED, and the runner and its tasks are gone', async () => {
    const run = await createRun('e2e-terminate', { identifier: `${identifier}-cancel`, rows: 2_000_000 });
    await waitForRun(base, run.run_id, ['RUNNING'], 120_000);
    const log = join(workDir, 'api', 'runs', run.run_id, 'runner.log');
    await retryUntil(
      async () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
      (text) => text.includes("Executing task 'ingest'"),
      () => `runner log ${log}: no task started`,
      { timeoutMs: 120_000, intervalMs: 100, maxIntervalMs: 500 },
    );
    const pid = Number(
      /run .* RUNNING, runner pid (\d+)/.exec(logs.filter((l) => l.includes(run.run_id)).join('\n'))?.[1],
    );
    expect(pid).toBeGreaterThan(0);
    const terminate = await call(base, 'POST', `${A}/runs/${run.run_id}:terminate`);
    expect([terminate.status, terminate.json]).toEqual([200, {}]);
    const done = await waitForRun(base, run.run_id, undefined, 60_000);
    expect(done.state).toBe('CANCELED');
    expect(done.state_history.map((h: { state: string }) => h.state)).toEqual([
      'PENDING',
      'RUNNING',
      'CANCELING',
      'CANCELED',
    ]);
    // ingest generates 2 M rows (seconds): the terminate lands in it; the rest never starts.
    const states = done.run_details.task_details.map((t: { state: string }) => t.state);
    expect(states).toEqual(['CANCELED', 'SKIPPED', 'SKIPPED', 'SKIPPED', 'SKIPPED', 'SKIPPED']);
    // Nothing is left of the runner's process group (zombies waiting for PID 1 to reap them aside).
    const left = await retryUntil(
      async () => liveGroupMembers(pid),
      (members) => members.length === 0,
      (_ms, last) => `process group ${pid}: still running ${JSON.stringify(last)}`,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(left).toEqual([]);
  }, 300_000);
});
