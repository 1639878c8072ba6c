import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import { interpretRunnerExit, parseRunnerOutput, type RunnerExit } from './runner-result.js';

afterEach(() => clearRegisteredSecrets());

const exit = (overrides: Partial<RunnerExit>): RunnerExit => ({
  exitCode: 0,
  signal: null,
  stdout: '',
  stderrTail: '',
  cancelRequested: false,
  interrupted: false,
  ...overrides,
});

const SUCCEEDED = {
  state: 'SUCCEEDED',
  tasks: [
    {
      name: 'ingest',
      state: 'SUCCEEDED',
      started_at: '2026-01-01T00:00:00.100+00:00',
      finished_at: '2026-01-01T00:00:01.000+00:00',
      outputs: { row_count: 300 },
    },
    {
      name: 'train',
      state: 'SUCCEEDED',
      started_at: '2026-01-01T00:00:01.000+00:00',
      finished_at: '2026-01-01T00:00:05.000+00:00',
    },
  ],
  outputs: { promoted: true },
};

const FAILED = {
  state: 'FAILED',
  failed_task: 'ingest',
  error: "task 'ingest' failed: ValueError: rows must be between 48 and 50000000, got 0",
  tasks: [
    {
      name: 'ingest',
      state: 'FAILED',
      started_at: '2026-01-01T00:00:00+00:00',
      finished_at: '2026-01-01T00:00:01+00:00',
      error: 'ValueError: rows must be between 48 and 50000000, got 0',
      log_tail: Array.from({ length: 30 }, (_, i) => `line ${i + 1}`),
    },
    { name: 'train', state: 'SKIPPED' },
  ],
};

describe('parseRunnerOutput', () => {
  it('reads the runner JSON document and refuses anything else', () => {
    expect(parseRunnerOutput(`${JSON.stringify(SUCCEEDED)}\n`)?.state).toBe('SUCCEEDED');
    expect(parseRunnerOutput('Traceback (most recent call last)')).toBeUndefined();
    expect(parseRunnerOutput('{"state": "WEIRD"}')).toBeUndefined();
    expect(parseRunnerOutput('{"state": "SUCCEEDED"')).toBeUndefined();
  });
});

describe('interpretRunnerExit', () => {
  it('SUCCEEDED with exit 0: tasks mapped, outputs kept', () => {
    const outcome = interpretRunnerExit(exit({ stdout: JSON.stringify(SUCCEEDED) }));
    expect(outcome.state).toBe('SUCCEEDED');
    expect(outcome.error).toBeUndefined();
    expect(outcome.outputs).toEqual({ promoted: true });
    expect(outcome.tasks).toEqual([
      {
        name: 'ingest',
        state: 'SUCCEEDED',
        startedAt: SUCCEEDED.tasks[0]?.started_at,
        finishedAt: SUCCEEDED.tasks[0]?.finished_at,
        outputs: { row_count: 300 },
      },
      {
        name: 'train',
        state: 'SUCCEEDED',
        startedAt: SUCCEEDED.tasks[1]?.started_at,
        finishedAt: SUCCEEDED.tasks[1]?.finished_at,
      },
    ]);
  });

  it('FAILED: error names the task and quotes the last 20 lines of its log; skipped tasks SKIPPED', () => {
    const outcome = interpretRunnerExit(exit({ exitCode: 1, stdout: JSON.stringify(FAILED) }));
    expect(outcome.state).toBe('FAILED');
    expect(outcome.error?.code).toBe(2);
    const lines = outcome.error?.message.split('\n') ?? [];
    expect(lines[0]).toBe(FAILED.error);
    expect(lines[1]).toBe("last 20 log lines of task 'ingest':");
    expect(lines.slice(2)).toEqual(Array.from({ length: 20 }, (_, i) => `  | line ${i + 11}`));
    expect(outcome.tasks.map((t) => [t.name, t.state])).toEqual([
      ['ingest', 'FAILED'],
      ['train', 'SKIPPED'],
    ]);
    expect(outcome.tasks[0]?.error).toEqual({
      code: 2,
      message: 'ValueError: rows must be between 48 and 50000000, got 0',
    });
  });

  it('INVALID (exit 2): FAILED with the runner message, INVALID_ARGUMENT', () => {
    const outcome = interpretRunnerExit(
      exit({
        exitCode: 2,
        stdout: JSON.stringify({ state: 'INVALID', error: "missing required parameter(s): ['identifier']" }),
      }),
    );
    expect(outcome).toEqual({
      state: 'FAILED',
      tasks: [],
      error: { code: 3, message: "the local runner refused the run: missing required parameter(s): ['identifier']" },
    });
  });

  it('terminated through the API: CANCELED, whatever the runner managed to say', () => {
    const canceled = {
      state: 'CANCELED',
      error: 'cancelled: received SIGTERM',
      tasks: [{ name: 'ingest', state: 'CANCELED', started_at: '2026-01-01T00:00:00+00:00' }],
    };
    const outcome = interpretRunnerExit(exit({ exitCode: 1, stdout: JSON.stringify(canceled), cancelRequested: true }));
    expect(outcome.state).toBe('CANCELED');
    expect(outcome.error).toBeUndefined();
    expect(outcome.tasks[0]).toMatchObject({ state: 'CANCELED', error: { code: 1, message: 'task canceled' } });
    expect(interpretRunnerExit(exit({ signal: 'SIGKILL', exitCode: null, cancelRequested: true })).state).toBe(
      'CANCELED',
    );
    expect(
      interpretRunnerExit(exit({ exitCode: 1, stdout: JSON.stringify(FAILED), cancelRequested: true })).state,
    ).toBe('CANCELED');
  });

  it('a run that finished before the terminate landed stays SUCCEEDED', () => {
    expect(interpretRunnerExit(exit({ stdout: JSON.stringify(SUCCEEDED), cancelRequested: true })).state).toBe(
      'SUCCEEDED',
    );
  });

  it('crash: no JSON → FAILED INTERNAL with the exit and the stderr tail', () => {
    const outcome = interpretRunnerExit(
      exit({ exitCode: 1, stdout: '', stderrTail: 'Traceback ...\nImportError: no kfp' }),
    );
    expect(outcome.state).toBe('FAILED');
    expect(outcome.error?.code).toBe(13);
    expect(outcome.error?.message).toBe(
      'the local runner crashed: it exited with code 1 without a JSON result on stdout\nlast stderr lines:\nTraceback ...\nImportError: no kfp',
    );
  });

  it('garbage on stdout or a signal: FAILED, saying what was seen', () => {
    expect(interpretRunnerExit(exit({ stdout: 'hello' })).error?.message).toContain('stdout began: "hello"');
    expect(interpretRunnerExit(exit({ exitCode: null, signal: 'SIGSEGV' })).error?.message).toContain(
      'was killed by SIGSEGV',
    );
    expect(interpretRunnerExit(exit({ exitCode: 1, stdout: JSON.stringify(SUCCEEDED) })).error?.message).toContain(
      'it reported SUCCEEDED but exited with code 1',
    );
  });

  it('a runner cancelled by someone else is a failure; a stopped server interrupts', () => {
    const canceled = JSON.stringify({ state: 'CANCELED', error: 'cancelled: received SIGINT', tasks: [] });
    expect(interpretRunnerExit(exit({ exitCode: 1, stdout: canceled })).error?.message).toContain(
      'cancelled from outside',
    );
    const interrupted = interpretRunnerExit(exit({ exitCode: 1, stdout: canceled, interrupted: true }));
    expect(interrupted.state).toBe('FAILED');
    expect(interrupted.error?.message).toContain('local KFP API was stopped');
  });

  it('cannot start: FAILED with the spawn error and how to get the runner', () => {
    const outcome = interpretRunnerExit(exit({ exitCode: null, spawnError: 'spawn /x/python ENOENT' }));
    expect(outcome.state).toBe('FAILED');
    expect(outcome.error?.message).toContain('could not start the local runner: spawn /x/python ENOENT');
    expect(outcome.error?.message).toContain('npm run setup');
  });

  it('masks secrets in errors and log tails', () => {
    registerSecret('minio-secret-xyz');
    const leaky = {
      ...FAILED,
      error: 'task failed: key minio-secret-xyz refused',
      tasks: [{ ...FAILED.tasks[0], error: 'boom minio-secret-xyz', log_tail: ['using minio-secret-xyz'] }],
    };
    const outcome = interpretRunnerExit(exit({ exitCode: 1, stdout: JSON.stringify(leaky), stderrTail: '' }));
    expect(JSON.stringify(outcome)).not.toContain('minio-secret-xyz');
  });
});
