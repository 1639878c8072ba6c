import { describe, expect, it } from 'vitest';
import * as recorded from './recorded.js';
import { describeTask, runDiagnostics } from './run-diagnostics.js';

/**
 * A KFP 2.x run (grpc-gateway v2, Argo backend) whose `train` component failed, written after
 * run.proto: the workflow's root DAG and each component's DAG are tasks too, a component's pods
 * (driver, then executor) appear as child_tasks[].pod_name, int64 ids as strings, empty fields left
 * out. The root DAG fails with its child and carries the less precise message.
 */
const RUN_ID = '3b8f1d27-6c4e-4a9b-b2d5-7e1f9c3a8d44';
const WF = 'poblesec-forecast-x7k2p';
const failedRun = {
  experiment_id: '0f7e3c52-1b9d-4e8a-a6c4-9d2e5f8b1a33',
  run_id: RUN_ID,
  display_name: 'poblesec-forecast-kfp-e2e-20250304-091600',
  storage_state: 'AVAILABLE',
  service_account: 'pipeline-runner',
  created_at: '2025-03-04T09:16:02Z',
  scheduled_at: '2025-03-04T09:16:02Z',
  finished_at: '2025-03-04T09:19:44Z',
  state: 'FAILED',
  error: { code: 2, message: `child '${WF}-3345267810' failed` },
  run_details: {
    pipeline_context_id: '17',
    pipeline_run_context_id: '18',
    task_details: [
      {
        run_id: RUN_ID,
        task_id: 'e1a0c3f2-0000-4c1e-9a51-6f0c1d2e3a01',
        display_name: 'root',
        create_time: '2025-03-04T09:16:03Z',
        start_time: '2025-03-04T09:16:03Z',
        end_time: '2025-03-04T09:19:44Z',
        state: 'FAILED',
        execution_id: '200',
        error: { code: 2, message: 'DAG root failed: task train failed' },
        child_tasks: [{ pod_name: `${WF}-1503486281` }],
      },
      {
        run_id: RUN_ID,
        task_id: 'e1a0c3f2-0001-4c1e-9a51-6f0c1d2e3a02',
        display_name: 'ingest',
        create_time: '2025-03-04T09:16:05Z',
        start_time: '2025-03-04T09:16:07Z',
        end_time: '2025-03-04T09:16:58Z',
        state: 'SUCCEEDED',
        execution_id: '201',
        parent_task_id: 'e1a0c3f2-0000-4c1e-9a51-6f0c1d2e3a01',
        child_tasks: [
          { pod_name: `${WF}-system-container-driver-2164503352` },
          { pod_name: `${WF}-system-container-impl-1087346512` },
        ],
      },
      {
        run_id: RUN_ID,
        task_id: 'e1a0c3f2-0002-4c1e-9a51-6f0c1d2e3a03',
        display_name: 'train',
        create_time: '2025-03-04T09:17:01Z',
        start_time: '2025-03-04T09:17:03Z',
        end_time: '2025-03-04T09:19:40Z',
        state: 'FAILED',
        execution_id: '203',
        parent_task_id: 'e1a0c3f2-0000-4c1e-9a51-6f0c1d2e3a01',
        error: { code: 2, message: 'failed to execute component: exit status 1' },
        child_tasks: [
          { pod_name: `${WF}-system-container-driver-3345267810` },
          { pod_name: `${WF}-system-container-impl-2915380466` },
        ],
      },
      {
        run_id: RUN_ID,
        task_id: 'e1a0c3f2-0003-4c1e-9a51-6f0c1d2e3a04',
        display_name: 'evaluate',
        create_time: '2025-03-04T09:19:41Z',
        state: 'SKIPPED',
        parent_task_id: 'e1a0c3f2-0000-4c1e-9a51-6f0c1d2e3a01',
      },
    ],
  },
  state_history: [
    { update_time: '2025-03-04T09:16:02Z', state: 'PENDING' },
    { update_time: '2025-03-04T09:16:07Z', state: 'RUNNING' },
    { update_time: '2025-03-04T09:19:44Z', state: 'FAILED' },
  ],
};

/** The same run while `train`'s executor pod cannot pull its image: still RUNNING when the wait ends. */
const stuckRun = {
  ...failedRun,
  state: 'RUNNING',
  error: undefined,
  finished_at: undefined,
  run_details: {
    task_details: [
      { ...failedRun.run_details.task_details[0], state: 'RUNNING', error: undefined, end_time: undefined },
      failedRun.run_details.task_details[1],
      {
        ...failedRun.run_details.task_details[2],
        state: 'RUNNING',
        error: undefined,
        end_time: undefined,
      },
    ],
  },
};

describe('runDiagnostics', () => {
  it('a FAILED run: its error, the failed task with error, pods and times, the failed root DAG after it', () => {
    const d = runDiagnostics(failedRun);
    expect(d).toMatchObject({ runId: RUN_ID, state: 'FAILED', error: `child '${WF}-3345267810' failed` });
    expect(d.failedTasks.map((t) => t.name)).toEqual(['train', 'root']);
    expect(d.failedTasks[0]).toEqual({
      name: 'train',
      taskId: 'e1a0c3f2-0002-4c1e-9a51-6f0c1d2e3a03',
      state: 'FAILED',
      error: 'failed to execute component: exit status 1',
      podNames: [`${WF}-system-container-driver-3345267810`, `${WF}-system-container-impl-2915380466`],
      startTime: '2025-03-04T09:17:03Z',
      endTime: '2025-03-04T09:19:40Z',
      executionId: '203',
    });
    expect(d.unfinishedTasks).toEqual([]);
    // The failed component's pods first; the succeeded ingest's pods are not worth a look.
    expect(d.podNames).toEqual([
      `${WF}-system-container-driver-3345267810`,
      `${WF}-system-container-impl-2915380466`,
      `${WF}-1503486281`,
    ]);
    expect(describeTask(d.failedTasks[0]!)).toBe('train (FAILED: failed to execute component: exit status 1)');
  });

  it('a run the wait gave up on: no failed task, the unfinished ones and their pods', () => {
    const d = runDiagnostics(stuckRun);
    expect(d.state).toBe('RUNNING');
    expect(d.error).toBeUndefined();
    expect(d.failedTasks).toEqual([]);
    expect(d.unfinishedTasks.map((t) => [t.name, t.state])).toEqual([
      ['train', 'RUNNING'],
      ['root', 'RUNNING'],
    ]);
    expect(d.podNames).toEqual([
      `${WF}-system-container-driver-3345267810`,
      `${WF}-system-container-impl-2915380466`,
      `${WF}-1503486281`,
    ]);
  });

  it('a CANCELED run (recorded shape): the canceled task, the skipped ones left out', () => {
    const d = runDiagnostics(recorded.run('v2gw', 'CANCELED'));
    expect(d.state).toBe('CANCELED');
    expect(d.failedTasks.map((t) => [t.name, t.state])).toEqual([['train', 'CANCELED']]);
    expect(d.failedTasks[0]?.podNames).toEqual(['poblesec-forecast-x7k2p-1002']);
  });

  it('both server generations of the recorded FAILED run; a SUCCEEDED run has nothing to report', () => {
    for (const gen of ['v1gw', 'v2gw'] as const) {
      const d = runDiagnostics(recorded.run(gen, 'FAILED', { failedTask: 'evaluate' }));
      expect(d.error).toBe('pipeline run failed: task train failed');
      expect(d.failedTasks).toEqual([
        expect.objectContaining({
          name: 'evaluate',
          error: 'task failed: RuntimeError: MLflow tracking server unreachable',
          podNames: ['poblesec-forecast-x7k2p-1003'],
        }),
      ]);
    }
    expect(runDiagnostics(recorded.run('v2gw', 'SUCCEEDED'))).toMatchObject({
      failedTasks: [],
      unfinishedTasks: [],
      podNames: [],
    });
  });

  it('newer task details: `status` for the state and `pods[].name`, without duplicates', () => {
    const d = runDiagnostics({
      run_id: 'r-1',
      state: 'FAILED',
      run_details: {
        task_details: [
          {
            task_id: 't-1',
            name: 'train',
            status: 'FAILED',
            pod_name: 'p-exec',
            pods: [
              { name: 'p-driver', uid: '9a1b', type: 'DRIVER' },
              { name: 'p-exec', uid: '9a1c', type: 'EXECUTOR' },
            ],
          },
        ],
      },
    });
    expect(d.failedTasks).toEqual([
      { name: 'train', taskId: 't-1', state: 'FAILED', podNames: ['p-exec', 'p-driver'] },
    ]);
  });

  it('tolerates what it cannot read: no body, no details, fields of the wrong type', () => {
    for (const input of [undefined, null, 'not a run', 42, {}, { run_details: {} }, { run_details: 'x' }]) {
      expect(runDiagnostics(input)).toEqual({ state: 'UNKNOWN', failedTasks: [], unfinishedTasks: [], podNames: [] });
    }
    const d = runDiagnostics({
      run_id: 7,
      state: 'FAILED',
      error: 'not a status',
      run_details: {
        task_details: [
          'garbage',
          { display_name: 'train', state: 'FAILED', error: { message: 42 }, child_tasks: 'x', execution_id: 12 },
          { state: 'FAILED', child_tasks: [{ pod_name: 'p-1' }, null, { task_id: 'only-a-task' }] },
          { display_name: 'evaluate', state: 'SUCCEEDED', error: { message: 'retried once' } },
          { display_name: 'promote', error: { message: 'could not reach MLflow' } },
        ],
      },
    });
    expect(d.state).toBe('FAILED');
    expect(d.runId).toBeUndefined();
    expect(d.failedTasks).toEqual([
      { name: 'train', state: 'FAILED', podNames: [], executionId: '12' },
      { name: '(unnamed task)', state: 'FAILED', podNames: ['p-1'] },
      { name: 'promote', state: 'UNKNOWN', error: 'could not reach MLflow', podNames: [] },
    ]);
  });
});
