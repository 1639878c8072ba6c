import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../util/retry-until.js';
import { closedPort, json, startHttpServer, type TestServer, text } from '../test-server.js';
import { KfpApiError } from './errors.js';
import { type FakeKfp, startFakeKfp } from './fake-kfp.js';
import { KfpClient } from './kfp-client.js';
import * as recorded from './recorded.js';
import { countTasks, formatDuration, type RunProgress, RunWaitTimeoutError, waitForRun } from './wait-for-run.js';

/** A clock whose sleeps pass at once: the waits below take milliseconds, not their nominal time. */
function fastClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

function clientFor(url: string): KfpClient {
  const client = new KfpClient({ host: url, timeoutMs: 2_000, readAttempts: 1 });
  closers.push(client);
  return client;
}

async function fakeWithRun(runStates: string[]): Promise<{ fake: FakeKfp; kfp: KfpClient; runId: string }> {
  const fake = await startFakeKfp({ runStates });
  closers.push(fake);
  const kfp = clientFor(fake.url);
  const version = await kfp.uploadPipeline({ name: 'p', content: new TextEncoder().encode('x: 1\n') });
  const versions = await kfp.listPipelineVersions(version.pipeline_id);
  const run = await kfp.createRun({
    displayName: 'r',
    experimentId: 'e',
    pipelineId: version.pipeline_id,
    pipelineVersionId: versions.items[0]?.pipeline_version_id ?? '',
    parameters: {},
  });
  return { fake, kfp, runId: run.run_id };
}

async function recordedServer(answer: (poll: number) => [number, unknown]): Promise<TestServer> {
  let poll = 0;
  const server = await startHttpServer((_req, res) => {
    const [status, body] = answer(poll++);
    if (typeof body === 'string') text(res, status, body);
    else json(res, status, body);
  });
  closers.push(server);
  return server;
}

describe('waitForRun', () => {
  it('returns a SUCCEEDED run and reports each state change with the elapsed time', async () => {
    const { kfp, runId } = await fakeWithRun(['PENDING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    const clock = fastClock();
    const progress: RunProgress[] = [];
    const run = await waitForRun(kfp, runId, { timeoutMs: 60_000, clock, onProgress: (p) => progress.push(p) });
    expect(run.state).toBe('SUCCEEDED');
    expect(progress.map((p) => [p.state, p.changed])).toEqual([
      ['PENDING', true],
      ['RUNNING', true],
      ['RUNNING', false],
      ['SUCCEEDED', true],
    ]);
    expect(progress[1]?.previousState).toBe('PENDING');
    // Backoff: the pauses double from 1 s.
    expect(clock.slept).toEqual([1_000, 2_000, 4_000]);
    expect(progress.at(-1)?.elapsedMs).toBe(7_000);
  });

  it('returns a FAILED run at once (no waiting for the deadline); the caller asserts the state', async () => {
    const server = await recordedServer(() => [200, recorded.run('v1gw', 'FAILED', { failedTask: 'evaluate' })]);
    const clock = fastClock();
    const run = await waitForRun(clientFor(server.url), recorded.IDS.run, { timeoutMs: 60_000, clock });
    expect(run.state).toBe('FAILED');
    expect(clock.slept).toEqual([]);
    expect(countTasks(run)).toEqual({ SUCCEEDED: 3, FAILED: 1, SKIPPED: 2 });
  });

  it('ends on CANCELED (through CANCELING) instead of hanging', async () => {
    const { kfp, runId } = await fakeWithRun(['RUNNING', 'CANCELING', 'CANCELED']);
    const run = await waitForRun(kfp, runId, { timeoutMs: 60_000, clock: fastClock() });
    expect(run.state).toBe('CANCELED');
  });

  it('ends when a running run is terminated', async () => {
    const { kfp, runId } = await fakeWithRun(['RUNNING']);
    await kfp.terminateRun(runId);
    const run = await waitForRun(kfp, runId, { timeoutMs: 5_000 });
    expect(run.state).toBe('CANCELED');
  });

  it('returns SKIPPED as a terminal state', async () => {
    const server = await recordedServer(() => [200, { ...recorded.run('v2gw', 'SUCCEEDED'), state: 'SKIPPED' }]);
    expect((await waitForRun(clientFor(server.url), 'r', { timeoutMs: 10_000, clock: fastClock() })).state).toBe(
      'SKIPPED',
    );
  });

  it('at the deadline, throws an error naming the last state and the tasks', async () => {
    const server = await recordedServer(() => [200, recorded.run('v2gw', 'RUNNING')]);
    const clock = fastClock();
    const error = await waitForRun(clientFor(server.url), recorded.IDS.run, { timeoutMs: 30_000, clock }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunWaitTimeoutError);
    const timeout = error as RunWaitTimeoutError;
    expect(timeout.lastState).toBe('RUNNING');
    expect(timeout.message).toBe(
      `KFP run ${recorded.IDS.run}: expected a terminal state (SUCCEEDED, FAILED, SKIPPED or CANCELED) within 30s, last state seen: RUNNING (tasks: 2 SUCCEEDED, 1 RUNNING, 3 PENDING)`,
    );
    expect(timeout.hint).toMatch(/raise --timeout/);
    expect(clock.now()).toBe(30_000);
  });

  it('a run that never leaves PENDING: the hint asks whether pods can start', async () => {
    const server = await recordedServer(() => [200, recorded.run('v2gw', 'PENDING')]);
    const error = (await waitForRun(clientFor(server.url), 'r', { timeoutMs: 5_000, clock: fastClock() }).catch(
      (e: unknown) => e,
    )) as RunWaitTimeoutError;
    expect(error.lastState).toBe('PENDING');
    expect(error.hint).toMatch(/never started/);
  });

  it('keeps polling through a passing failure (503) and reports it', async () => {
    const server = await recordedServer((poll) =>
      poll === 0 ? [503, 'no healthy upstream'] : [200, recorded.run('v2gw', 'SUCCEEDED')],
    );
    const progress: RunProgress[] = [];
    const run = await waitForRun(clientFor(server.url), 'r', {
      timeoutMs: 60_000,
      clock: fastClock(),
      onProgress: (p) => progress.push(p),
    });
    expect(run.state).toBe('SUCCEEDED');
    expect(progress[0]?.pollError).toMatch(/HTTP 503/);
    expect(progress[0]?.state).toBe('UNKNOWN');
  });

  it('stops at once when the run does not exist (404 NOT_FOUND)', async () => {
    const server = await recordedServer(() => [
      404,
      recorded.errorBody('v2gw', 5, 'Failed to get run: run r not found'),
    ]);
    const clock = fastClock();
    const error = await waitForRun(clientFor(server.url), 'r', { timeoutMs: 60_000, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KfpApiError);
    expect((error as KfpApiError).resourceNotFound).toBe(true);
    expect(clock.slept).toEqual([]);
  });

  it('when the API goes away, the deadline error says the last poll failed', async () => {
    const port = await closedPort();
    const error = (await waitForRun(clientFor(`http://127.0.0.1:${port}`), 'r', {
      timeoutMs: 3_000,
      clock: fastClock(),
    }).catch((e: unknown) => e)) as RunWaitTimeoutError;
    expect(error).toBeInstanceOf(RunWaitTimeoutError);
    expect(error.message).toMatch(/last state seen: UNKNOWN; last poll failed: .*connection refused/);
    expect(error.hint).toMatch(/port-forward/);
  });
});

describe('formatDuration', () => {
  it('reads like a person would say it', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });
});
