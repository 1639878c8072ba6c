import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryUntil } from '../util/retry-until.js';
import { withTimeout } from '../util/timeout.js';
import { isAlive } from './native/managed-process.js';
import { PROJECT_ROOT } from './project-paths.js';

/**
 * Real processes, no mocks: a small runner script starts a ReaperHandle, starts a detached
 * `sleep` and tracks it and a folder, then is killed (or releases the reaper) by the test.
 */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const HANDLE = pathToFileURL(join(PROJECT_ROOT, 'helpers/stack/reaper-handle.ts')).href;

const RUNNER = `
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const { ReaperHandle } = await import(${JSON.stringify(HANDLE)});
const [mode, dir] = process.argv.slice(2);
const reaper = ReaperHandle.start();
// The handle keeps its child private; the test needs the pid to watch the reaper itself.
const reaperPid = reaper.child.pid;

if (mode === 'dead-reaper') {
  // Kill the reaper and wait, without yielding to the event loop, until it is really gone:
  // the writes below then hit a pipe nobody reads (EPIPE) before Node even knows it exited.
  process.kill(reaperPid, 'SIGKILL');
  const until = Date.now() + 5000;
  const state = () => { try { return readFileSync('/proc/' + reaperPid + '/stat', 'utf8').split(') ')[1][0]; } catch { return 'gone'; } };
  while (state() !== 'Z' && state() !== 'gone' && Date.now() < until) {}
  reaper.trackPid(123456);
  reaper.trackDir(dir);
  reaper.release();
  reaper.child.stdin.once('close', () => { console.log('survived'); process.exit(0); });
} else {
  const sleeper = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  reaper.trackPid(sleeper.pid);
  reaper.trackDir(dir);
  if (mode === 'release') reaper.release();
  console.log(JSON.stringify({ sleeper: sleeper.pid, reaper: reaperPid }));
}
// Stay alive until the test kills us (the pipe to the reaper closes only then).
setInterval(() => {}, 60_000);
`;

let dir: string;
let runnerFile: string;
const runners: ChildProcess[] = [];
const leftovers: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reaper-handle-test-'));
  runnerFile = join(dir, 'runner.mjs');
  writeFileSync(runnerFile, RUNNER);
});

afterEach(() => {
  for (const runner of runners.splice(0))
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone: the reaper did its job.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  runner: ChildProcess;
  sleeper: number;
  reaper: number;
}

/** Starts the runner script and reads the pids it prints. */
async function startRunner(mode: 'crash' | 'release', tracked: string): Promise<Started> {
  const runner = spawn(process.execPath, ['--import', TSX, runnerFile, mode, tracked], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runners.push(runner);
  let stderr = '';
  runner.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const line = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let out = '';
      runner.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] as string);
      });
      runner.once('exit', (code) => reject(new Error(`runner exited with ${code} before printing pids: ${stderr}`)));
    }),
    15_000,
    'runner pids',
  );
  const pids = JSON.parse(line) as { sleeper: number; reaper: number };
  leftovers.push(pids.sleeper);
  return { runner, ...pids };
}

function trackedDir(): string {
  const path = join(dir, 'tracked');
  mkdirSync(path);
  writeFileSync(join(path, 'file'), 'data');
  return path;
}

/** Polls until `condition` holds; never a fixed sleep. */
async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await retryUntil(
    async () => condition(),
    (ok) => ok,
    (elapsed) => `${what}: still not true after ${elapsed} ms`,
    { timeoutMs, intervalMs: 20, maxIntervalMs: 250 },
  );
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('ReaperHandle', () => {
  it('cleans up after a runner killed by SIGKILL: the tracked process group is stopped and the folder removed', async () => {
    const tracked = trackedDir();
    const { runner, sleeper, reaper } = await startRunner('crash', tracked);
    // Before the crash everything is there (so the assertions below can fail).
    expect(isAlive(sleeper)).toBe(true);
    expect(isAlive(reaper)).toBe(true);
    expect(existsSync(tracked)).toBe(true);

    runner.kill('SIGKILL');
    await exited(runner);

    await eventually(() => !isAlive(sleeper), `tracked sleep (pid ${sleeper}) stopped`);
    await eventually(() => !existsSync(tracked), 'tracked folder removed');
    await eventually(() => !isAlive(reaper), 'reaper exited after cleaning up');
  }, 30_000);

  it('after release() the reaper exits and leaves a tracked process and folder alone', async () => {
    const tracked = trackedDir();
    const { runner, sleeper, reaper } = await startRunner('release', tracked);
    // The runner is still alive: the reaper exits because it was released, not because we died.
    await eventually(() => !isAlive(reaper), `released reaper (pid ${reaper}) exited`);
    expect(runner.exitCode).toBeNull();
    expect(isAlive(sleeper)).toBe(true);
    expect(existsSync(tracked)).toBe(true);

    // Our death no longer matters either: nobody is left to reap.
    runner.kill('SIGKILL');
    await exited(runner);
    await eventually(() => runner.signalCode === 'SIGKILL', 'runner killed');
    expect(isAlive(sleeper)).toBe(true);
    expect(existsSync(tracked)).toBe(true);

    // Left alone means ours to stop.
    process.kill(-sleeper, 'SIGKILL');
    await eventually(() => !isAlive(sleeper), 'sleep stopped by the test');
  }, 30_000);

  it('does not crash the runner when the reaper died and the handle writes to it (EPIPE)', async () => {
    const runner = spawn(process.execPath, ['--import', TSX, runnerFile, 'dead-reaper', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runners.push(runner);
    let out = '';
    let err = '';
    runner.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    runner.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await withTimeout(exited(runner), 15_000, 'runner exit');
    expect({ code, out: out.trim(), err }).toEqual({ code: 0, out: 'survived', err: '' });
  }, 30_000);
});
