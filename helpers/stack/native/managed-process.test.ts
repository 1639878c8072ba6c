import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import { retryUntil } from '../../util/retry-until.js';
import { StackStartError } from '../stack-start-error.js';
import { isAlive, ManagedProcess, type ProcessSpec, readLogTail, signalGroup, waitForExit } from './managed-process.js';

let dir: string;
const started: ManagedProcess[] = [];
const strays: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'managed-process-test-'));
  clearRegisteredSecrets();
});

afterEach(async () => {
  for (const proc of started.splice(0)) await proc.stop(0);
  for (const child of strays.splice(0)) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function spec(name: string, script: string, extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { name, command: 'sh', args: ['-c', script], logFile: join(dir, `${name}.log`), ...extra };
}

function start(s: ProcessSpec): ManagedProcess {
  const proc = ManagedProcess.start(s);
  started.push(proc);
  return proc;
}

/** Polls until `read` returns a value; never a fixed sleep. */
function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  return retryUntil(
    async () => read(),
    (value) => value !== undefined,
    (elapsed) => `${what}: not there after ${elapsed} ms`,
    { timeoutMs, intervalMs: 10, maxIntervalMs: 100 },
  ) as Promise<T>;
}

/** The pid a shell wrote to a file, once the line is complete. */
function pidFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return text.endsWith('\n') ? Number.parseInt(text, 10) : undefined;
}

/** The process state letter from /proc (R, S, Z...), undefined when there is no such process. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

describe('ManagedProcess.stop', () => {
  it('stops the whole process group: the shell and the child it forked', async () => {
    const pidFile = join(dir, 'child.pid');
    const proc = start(spec('forker', `sleep 300 & echo $! > '${pidFile}'; wait`));
    const childPid = await waitFor(() => pidFrom(pidFile), 'pid of the forked child');
    expect(childPid).not.toBe(proc.pid);
    expect(proc.running).toBe(true);
    expect(isAlive(childPid)).toBe(true);

    await proc.stop(5000);

    expect(proc.running).toBe(false);
    expect(proc.describeExit()).toBe('killed by SIGTERM');
    expect(isAlive(proc.pid)).toBe(false);
    // The child got the signal too (it was in the group), not only the shell we spawned.
    await waitFor(() => (isAlive(childPid) ? undefined : true), `forked child ${childPid} gone`);
  });

  it('escalates to SIGKILL for the whole group when SIGTERM is ignored', async () => {
    const pidFile = join(dir, 'child.pid');
    const proc = start(spec('stubborn', `trap '' TERM; sleep 300 & echo $! > '${pidFile}'; wait`));
    const childPid = await waitFor(() => pidFrom(pidFile), 'pid of the forked child');

    const before = performance.now();
    await proc.stop(300);
    const took = performance.now() - before;

    expect(proc.describeExit()).toBe('killed by SIGKILL');
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
    await waitFor(() => (isAlive(childPid) ? undefined : true), `forked child ${childPid} gone`);
  });

  it('can be called twice, and after the process exited on its own', async () => {
    const proc = start(spec('short', 'exit 0'));
    await waitFor(() => (proc.running ? undefined : true), 'short process exited');
    await proc.stop();
    await proc.stop();
    expect(proc.describeExit()).toBe('exited with code 0');
  });
});

describe('ManagedProcess.run', () => {
  it('resolves when the command exits with 0', async () => {
    await expect(ManagedProcess.run(spec('ok', 'echo fine'), 5000, 'hint')).resolves.toBeUndefined();
    expect(readFileSync(join(dir, 'ok.log'), 'utf8')).toBe('fine\n');
  });

  it('reports a non-zero exit as a StackStartError with the exit code, the masked log tail and the hint', async () => {
    registerSecret('pg-super-secret');
    const script = [
      ...Array.from({ length: 30 }, (_, i) => `echo "line ${i + 1}"`),
      'echo "FATAL: password authentication failed for pg-super-secret" >&2',
      'echo "dsn postgres://mlflow:hunter2@db:5432/mlflow" >&2',
      'exit 3',
    ].join('; ');
    const error = await ManagedProcess.run(spec('initdb', script), 5000, 'check the data directory').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StackStartError);
    const startError = error as StackStartError;
    expect(startError.service).toBe('initdb');
    expect(startError.hint).toBe('check the data directory');
    expect(startError.message).toContain('initdb did not start: sh exited with code 3');
    expect(startError.message).toContain('--- last lines of the initdb log ---');
    expect(startError.message).toContain('FATAL: password authentication failed for ***');
    expect(startError.message).toContain('postgres://mlflow:***@db:5432/mlflow');
    expect(startError.message).toContain('hint: check the data directory');
    // Only the tail: 20 lines, so the first lines of the log are not repeated.
    expect(startError.logTail?.split('\n')).toHaveLength(20);
    expect(startError.message).toContain('line 30');
    expect(startError.message).not.toContain('line 12\n');
    expect(startError.message).not.toMatch(/pg-super-secret|hunter2/);
  });

  it('reports a command killed by a signal', async () => {
    const error = (await ManagedProcess.run(spec('suicide', 'kill -KILL $$'), 5000, 'h').catch(
      (e: unknown) => e,
    )) as StackStartError;
    expect(error.message).toContain('sh killed by SIGKILL');
  });

  it('stops a command that does not finish in time and says how long it waited', async () => {
    const pidFile = join(dir, 'pid');
    const error = (await ManagedProcess.run(
      spec('hang', `echo $$ > '${pidFile}'; echo waiting; exec sleep 300`),
      300,
      'is it waiting for input?',
    ).catch((e: unknown) => e)) as StackStartError;
    expect(error).toBeInstanceOf(StackStartError);
    expect(error.message).toContain('sh did not finish within 300 ms');
    expect(error.message).toContain('waiting');
    const pid = pidFrom(pidFile);
    expect(pid).toBeDefined();
    expect(isAlive(pid as number)).toBe(false);
  });

  it('passes the given environment to the process', async () => {
    await ManagedProcess.run(
      spec('env', 'echo "value=$E2E_TEST_VALUE"', { env: { E2E_TEST_VALUE: 'from-spec' } }),
      5000,
      'h',
    );
    expect(readFileSync(join(dir, 'env.log'), 'utf8')).toBe('value=from-spec\n');
  });
});

describe('ManagedProcess.start', () => {
  it('throws a readable error for a command that does not exist', () => {
    expect(() =>
      ManagedProcess.start({
        name: 'minio',
        command: join(dir, 'no-such-binary'),
        args: [],
        logFile: join(dir, 'x.log'),
      }),
    ).toThrow(`minio: could not start ${join(dir, 'no-such-binary')}`);
  });

  it('does not crash the runner afterwards with the spawn error event', () => {
    // In a separate process: an unheard 'error' event would kill it with exit code 1.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const module = pathToFileURL(join(import.meta.dirname, 'managed-process.ts')).href;
    const script = join(dir, 'missing-command.mjs');
    writeFileSync(
      script,
      `const { ManagedProcess } = await import(${JSON.stringify(module)});
try {
  ManagedProcess.start({ name: 'x', command: ${JSON.stringify(join(dir, 'missing'))}, args: [], logFile: ${JSON.stringify(join(dir, 'm.log'))} });
} catch (error) {
  console.log(error.message);
}
// Give the deferred 'error' event its turns of the event loop.
setImmediate(() => setImmediate(() => setTimeout(() => console.log('survived'), 0)));
`,
    );
    const result = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: `x: could not start ${join(dir, 'missing')}\nsurvived\n`,
      stderr: '',
    });
  });

  it('appends to the log file of an earlier start', async () => {
    const s = spec('appender', 'echo run');
    await ManagedProcess.run(s, 5000, 'h');
    await ManagedProcess.run(s, 5000, 'h');
    expect(readFileSync(s.logFile, 'utf8')).toBe('run\nrun\n');
  });
});

describe('describeExit', () => {
  it('says still running, exited with code N, or killed by SIGNAL', async () => {
    const running = start(spec('runner', 'exec sleep 300'));
    expect(running.describeExit()).toBe('still running');

    const failing = start(spec('failing', 'exit 7'));
    await waitFor(() => (failing.running ? undefined : true), 'failing process exited');
    expect(failing.describeExit()).toBe('exited with code 7');

    process.kill(running.pid, 'SIGKILL');
    await waitFor(() => (running.running ? undefined : true), 'killed process exited');
    expect(running.describeExit()).toBe('killed by SIGKILL');
  });
});

describe('process helpers', () => {
  it('isAlive: true for a running process, false once it exited and was reaped', async () => {
    const proc = start(spec('alive', 'exec sleep 300'));
    expect(isAlive(proc.pid)).toBe(true);
    expect(isAlive(process.pid)).toBe(true);
    await proc.stop(0);
    expect(isAlive(proc.pid)).toBe(false);
  });

  it('isAlive: false for a zombie (exited, never reaped by its parent)', async () => {
    // `sh` forks a child that exits at once, then becomes `sleep`, which never waits for it.
    const parent = spawn('sh', ['-c', '(exit 0) & echo $!; exec sleep 300'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    strays.push(parent);
    let out = '';
    parent.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const zombie = await waitFor(() => (out.endsWith('\n') ? Number.parseInt(out, 10) : undefined), 'zombie pid');
    await waitFor(() => (procState(zombie) === 'Z' ? true : undefined), `pid ${zombie} in state Z`);
    // kill(pid, 0) still succeeds for a zombie; isAlive must not be fooled by it.
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(isAlive(zombie)).toBe(false);
  });

  it('waitForExit: true once the process is gone, false when it outlives the timeout', async () => {
    const proc = start(spec('waited', 'exec sleep 300'));
    expect(await waitForExit(proc.pid, 100)).toBe(false);
    signalGroup(proc.pid, 'SIGTERM');
    expect(await waitForExit(proc.pid, 5000)).toBe(true);
  });

  it('signalGroup: signals every member of the group, and ignores a pid that is gone', async () => {
    const pidFile = join(dir, 'child.pid');
    const proc = start(spec('group', `sleep 300 & echo $! > '${pidFile}'; wait`));
    const childPid = await waitFor(() => pidFrom(pidFile), 'pid of the forked child');
    signalGroup(proc.pid, 'SIGKILL');
    await waitFor(() => (proc.running ? undefined : true), 'leader exited');
    expect(proc.describeExit()).toBe('killed by SIGKILL');
    await waitFor(() => (isAlive(childPid) ? undefined : true), 'child gone');
    expect(() => signalGroup(proc.pid, 'SIGTERM')).not.toThrow();
  });

  it('readLogTail: the last lines, masked; "(no log)" when there is none', () => {
    const file = join(dir, 'tail.log');
    writeFileSync(file, 'one\ntwo\npassword=hunter2\nfour\n\n');
    expect(readLogTail(file, 3)).toBe('two\npassword=***\nfour');
    expect(readLogTail(join(dir, 'missing.log'), 3)).toBe('(no log)');
  });
});
