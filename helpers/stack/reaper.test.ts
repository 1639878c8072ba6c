import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * The reaper itself, driven over its stdin protocol the way ReaperHandle drives it. The end-to-end
 * case (a runner that dies by SIGKILL) is in reaper-handle.test.ts.
 */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const REAPER = join(PROJECT_ROOT, 'helpers/stack/reaper.ts');

let dir: string;
const spawned: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reaper-test-'));
});

afterEach(() => {
  for (const child of spawned.splice(0)) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function startReaper(): ChildProcess {
  const reaper = spawn(process.execPath, ['--import', TSX, REAPER], { stdio: ['pipe', 'ignore', 'pipe'] });
  spawned.push(reaper);
  return reaper;
}

/** A long-running process in its own group, as the stack's servers are. */
function startGroup(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  spawned.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Polls (never sleeps a fixed time) until `read` returns a value. */
function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  return retryUntil(
    async () => read(),
    (value) => value !== undefined,
    (elapsed) => `${what}: not there after ${elapsed} ms`,
    { timeoutMs, intervalMs: 10, maxIntervalMs: 100 },
  ) as Promise<T>;
}

/** The pid a shell wrote to a file, once it is complete. */
function pidFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return text.endsWith('\n') ? Number.parseInt(text, 10) : undefined;
}

function trackedDir(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeFileSync(join(path, 'data'), 'x');
  return path;
}

describe('reaper', () => {
  it('stops every tracked process group and removes every tracked folder when its stdin closes', async () => {
    const first = startGroup('sleep', ['300']);
    const second = startGroup('sleep', ['301']);
    const dirA = trackedDir('a');
    const dirB = trackedDir('b with spaces');
    const reaper = startReaper();
    reaper.stdin?.write(`pid ${first.pid}\npid ${second.pid}\ndir ${dirA}\ndir ${dirB}\n`);
    reaper.stdin?.end();

    const [reaperExit, firstExit, secondExit] = await withTimeout(
      Promise.all([exited(reaper), exited(first), exited(second)]),
      15_000,
      'reaper cleanup',
    );
    expect(reaperExit.code).toBe(0);
    expect(firstExit.signal).toBe('SIGTERM');
    expect(secondExit.signal).toBe('SIGTERM');
    expect(existsSync(dirA)).toBe(false);
    expect(existsSync(dirB)).toBe(false);
  });

  it('stops the children of a tracked group leader too', async () => {
    const pidFile = join(dir, 'child.pid');
    const leader = startGroup('sh', ['-c', `sleep 300 & echo $! > '${pidFile}'; wait`]);
    const reaper = startReaper();
    const childPid = await waitFor(() => pidFrom(pidFile), 'pid of the forked child');
    expect(isAlive(childPid)).toBe(true);
    reaper.stdin?.end(`pid ${leader.pid}\n`);
    await withTimeout(Promise.all([exited(reaper), exited(leader)]), 15_000, 'reaper cleanup');
    expect(isAlive(childPid)).toBe(false);
  });

  it('kills a group that ignores SIGTERM with SIGKILL after its grace period', async () => {
    const stubborn = startGroup('sh', [
      '-c',
      `trap '' TERM; echo ready > '${join(dir, 'ready')}'; while :; do sleep 1; done`,
    ]);
    await waitFor(() => (existsSync(join(dir, 'ready')) ? true : undefined), 'SIGTERM trap installed');
    const reaper = startReaper();
    reaper.stdin?.end(`pid ${stubborn.pid}\n`);
    const [reaperExit, stubbornExit] = await withTimeout(
      Promise.all([exited(reaper), exited(stubborn)]),
      20_000,
      'reaper escalation',
    );
    expect(stubbornExit.signal).toBe('SIGKILL');
    expect(reaperExit.code).toBe(0);
  }, 30_000);

  it('exits on `release` and leaves tracked processes and folders alone', async () => {
    const sleeper = startGroup('sleep', ['300']);
    const kept = trackedDir('kept');
    const reaper = startReaper();
    reaper.stdin?.end(`pid ${sleeper.pid}\ndir ${kept}\nrelease\n`);
    const reaperExit = await withTimeout(exited(reaper), 15_000, 'reaper exit');
    expect(reaperExit.code).toBe(0);
    expect(sleeper.exitCode).toBeNull();
    expect(sleeper.signalCode).toBeNull();
    expect(isAlive(sleeper.pid as number)).toBe(true);
    expect(existsSync(kept)).toBe(true);
  });

  it('ignores pids that are already gone and unknown commands', async () => {
    const gone = startGroup('true', []);
    await exited(gone);
    const reaper = startReaper();
    let stderr = '';
    reaper.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const folder = trackedDir('gone-too');
    reaper.stdin?.end(`pid ${gone.pid}\nbogus line\npid not-a-number\ndir ${folder}\n`);
    const reaperExit = await withTimeout(exited(reaper), 15_000, 'reaper exit');
    expect(reaperExit.code).toBe(0);
    expect(stderr).toBe('');
    expect(existsSync(folder)).toBe(false);
  });
});
