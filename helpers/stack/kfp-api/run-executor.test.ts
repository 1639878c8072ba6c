import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retryUntil } from '../../util/retry-until.js';
import { ApiError, invalidArgument, notFound } from './grpc-status.js';
import type { RuntimeState } from './request-messages.js';
import { dependentsOf, RunExecutor } from './run-executor.js';
import type { RunRow, RunStore, RunTask } from './run-store.js';
import type { RunOutcome } from './runner-result.js';
import { waitForHangingRunner, writeFakeRunner } from './test-support.js';

/**
 * The executor's scheduling and state changes, with an in-memory store and the runner
 * substitute (real processes). The PostgreSQL store is covered by server.test.ts.
 */

const dir = mkdtempSync(join(tmpdir(), 'kfp-api-executor-'));
const runnerScript = writeFakeRunner(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PACKAGE = `root:
  dag:
    tasks:
      prepare-data: {componentRef: {name: a}}
      train-model: {componentRef: {name: b}, dependentTasks: [prepare-data]}
`;

class MemoryRunStore {
  readonly runs = new Map<
    string,
    { state: RuntimeState; history: RuntimeState[]; outcome?: RunOutcome; tasks?: RunTask[]; label: string }
  >();

  add(runId: string, label: string, state: RuntimeState = 'PENDING') {
    this.runs.set(runId, { state, history: [state], label });
  }

  async get(runId: string): Promise<RunRow> {
    const run = this.runs.get(runId);
    if (!run) throw notFound(`Run ${runId} not found`);
    return {
      run_id: runId,
      display_name: runId,
      state: run.state,
      pipeline_spec_text: PACKAGE,
      runtime_config: { parameters: { run_label: run.label } },
    } as unknown as RunRow;
  }

  #move(runId: string, to: RuntimeState, from: RuntimeState[]): boolean {
    const run = this.runs.get(runId);
    if (!run || !from.includes(run.state)) return false;
    run.state = to;
    run.history.push(to);
    return true;
  }

  async markRunning(runId: string) {
    return this.#move(runId, 'RUNNING', ['PENDING']);
  }

  async markCanceling(runId: string) {
    if (this.#move(runId, 'CANCELING', ['PENDING', 'RUNNING'])) return;
    await this.get(runId);
    throw invalidArgument(`Failed to terminate a run ${runId}`);
  }

  async finish(runId: string, outcome: RunOutcome, tasks: RunTask[]) {
    const done = this.#move(runId, outcome.state, ['PENDING', 'RUNNING', 'CANCELING']);
    const run = this.runs.get(runId);
    if (done && run) Object.assign(run, { outcome, tasks });
    return done;
  }

  async pendingRunIds() {
    return [...this.runs].filter(([, r]) => r.state === 'PENDING').map(([id]) => id);
  }

  async orphanedRunIds() {
    return [...this.runs]
      .filter(([, r]) => r.state === 'RUNNING' || r.state === 'CANCELING')
      .map(([runId, r]) => ({ runId, state: r.state }));
  }
}

function executor(store: MemoryRunStore, options: { workDir?: string; command?: string } = {}) {
  const logs: string[] = [];
  const workDir = options.workDir ?? mkdtempSync(join(dir, 'work-'));
  const exec = new RunExecutor({
    store: store as unknown as RunStore,
    runner: {
      command: options.command ?? process.execPath,
      args: [runnerScript],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    },
    workDir,
    log: (line) => logs.push(line),
    terminateGraceMs: 3000,
  });
  return { exec, logs, workDir };
}

const stateOf = (store: MemoryRunStore, runId: string) => store.runs.get(runId)?.state;

async function until(store: MemoryRunStore, runId: string, states: RuntimeState[]) {
  await retryUntil(
    async () => stateOf(store, runId),
    (state) => state !== undefined && states.includes(state),
    (_ms, last) => `run ${runId}: expected ${states.join('|')}, saw ${String(last)}`,
    { timeoutMs: 15_000, intervalMs: 20, maxIntervalMs: 200 },
  );
}

describe('RunExecutor', () => {
  it('runs one run at a time, in order; terminate cancels the running one and the next starts', async () => {
    const store = new MemoryRunStore();
    const { exec, workDir } = executor(store);
    store.add('a', 'hang');
    store.add('b', 'succeed');
    exec.enqueue('a');
    exec.enqueue('b');
    exec.enqueue('b'); // queued once only
    await until(store, 'a', ['RUNNING']);
    await waitForHangingRunner(workDir, 'a');
    expect(stateOf(store, 'b')).toBe('PENDING');
    await exec.terminate('a');
    expect(['CANCELING', 'CANCELED']).toContain(stateOf(store, 'a'));
    await until(store, 'a', ['CANCELED']);
    await until(store, 'b', ['SUCCEEDED']);
    expect(store.runs.get('a')?.history).toEqual(['PENDING', 'RUNNING', 'CANCELING', 'CANCELED']);
    expect(store.runs.get('b')?.history).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
    const tasks = store.runs.get('b')?.tasks ?? [];
    expect(tasks.map((t) => [t.name, t.children])).toEqual([
      ['prepare-data', ['train-model']],
      ['train-model', []],
    ]);
    expect(new Set(tasks.map((t) => t.taskId)).size).toBe(2);
    await exec.stop();
  });

  it('terminate: a queued run is CANCELED without starting; unknown and finished runs are refused', async () => {
    const store = new MemoryRunStore();
    const { exec, workDir } = executor(store);
    store.add('a', 'hang');
    store.add('b', 'succeed');
    exec.enqueue('a');
    exec.enqueue('b');
    await until(store, 'a', ['RUNNING']);
    await waitForHangingRunner(workDir, 'a');
    await exec.terminate('b');
    expect(store.runs.get('b')?.history).toEqual(['PENDING', 'CANCELING', 'CANCELED']);
    await expect(exec.terminate('nope')).rejects.toThrow(ApiError);
    await expect(exec.terminate('b')).rejects.toThrow('Failed to terminate');
    await exec.terminate('a');
    await until(store, 'a', ['CANCELED']);
    await exec.stop();
  });

  it('recover: runs left RUNNING fail, CANCELING ones are canceled, PENDING ones run', async () => {
    const store = new MemoryRunStore();
    store.add('left-running', 'succeed', 'RUNNING');
    store.add('left-canceling', 'succeed', 'CANCELING');
    store.add('waiting', 'succeed');
    const { exec } = executor(store);
    await exec.recover();
    expect(stateOf(store, 'left-running')).toBe('FAILED');
    expect(store.runs.get('left-running')?.outcome?.error?.message).toContain('stopped while the run was executing');
    expect(stateOf(store, 'left-canceling')).toBe('CANCELED');
    await until(store, 'waiting', ['SUCCEEDED']);
    await exec.stop();
  });

  it('stop: the running run fails as interrupted, queued runs stay PENDING, nothing new starts', async () => {
    const store = new MemoryRunStore();
    const { exec, workDir } = executor(store);
    store.add('a', 'hang');
    store.add('b', 'succeed');
    exec.enqueue('a');
    exec.enqueue('b');
    await until(store, 'a', ['RUNNING']);
    await waitForHangingRunner(workDir, 'a');
    await exec.stop();
    expect(stateOf(store, 'a')).toBe('FAILED');
    expect(store.runs.get('a')?.outcome?.error?.message).toContain('the local KFP API was stopped');
    expect(stateOf(store, 'b')).toBe('PENDING');
    store.add('c', 'succeed');
    exec.enqueue('c');
    expect(stateOf(store, 'c')).toBe('PENDING');
  });

  it('a run folder that cannot be made, or a runner that cannot start: FAILED with the reason', async () => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const store = new MemoryRunStore();
    const blocked = executor(store, { workDir: notADir });
    store.add('a', 'succeed');
    blocked.exec.enqueue('a');
    await until(store, 'a', ['FAILED']);
    expect(store.runs.get('a')?.outcome?.error?.message).toContain('could not prepare the run folder');

    const missing = executor(store, { command: join(dir, 'no-such-python') });
    store.add('b', 'succeed');
    missing.exec.enqueue('b');
    await until(store, 'b', ['FAILED']);
    expect(store.runs.get('b')?.outcome?.error?.message).toContain('could not start the local runner');
    expect(store.runs.get('b')?.history).toEqual(['PENDING', 'FAILED']);
  });
});

describe('dependentsOf', () => {
  it('inverts dependentTasks of the root DAG; unparsable text gives no children', () => {
    expect(Object.fromEntries(dependentsOf(PACKAGE))).toEqual({ 'prepare-data': ['train-model'] });
    expect(dependentsOf(': not yaml [').size).toBe(0);
  });
});
