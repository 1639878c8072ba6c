import { spawn } from 'node:child_process';
import { maskText } from '../../config/mask.js';
import { signalGroup } from '../native/managed-process.js';

/**
 * One local-runner process: started in its own process group (the runner's tasks are its
 * children), stdout collected for the JSON result, the tail of stderr kept for crash reports.
 * `terminate` signals the whole group: SIGTERM, and SIGKILL when it has not exited in time.
 */

export interface RunnerCommand {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface RunnerProcessExit {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderrTail: string;
  spawnError?: string;
}

export interface RunnerProcess {
  /** Resolves once the process runs; rejects with the spawn error. */
  readonly started: Promise<number>;
  /** Resolves when the process has exited (or failed to start). Never rejects. */
  readonly exited: Promise<RunnerProcessExit>;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves when it has exited. Idempotent. */
  terminate(graceMs?: number): Promise<void>;
}

/** A result larger than this is not a runner result: the rest is dropped (and the JSON fails to parse). */
const MAX_STDOUT_BYTES = 16 * 1024 * 1024;
const STDERR_TAIL_BYTES = 16 * 1024;
const STDERR_TAIL_LINES = 30;

export function startRunnerProcess(command: RunnerCommand): RunnerProcess {
  const child = spawn(command.command, command.args, {
    cwd: command.cwd,
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stderr = Buffer.alloc(0);
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdoutBytes >= MAX_STDOUT_BYTES) return;
    stdout.push(chunk);
    stdoutBytes += chunk.length;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = Buffer.concat([stderr, chunk]);
    if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
  });
  const tail = () => maskText(stderr.toString('utf8').trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n'));

  let exited = false;
  const started = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
  // Observed here so an unheard spawn failure never becomes an unhandled rejection.
  started.catch(() => {});
  const exitedPromise = new Promise<RunnerProcessExit>((resolve) => {
    child.once('error', (error) => {
      if (child.pid === undefined) {
        exited = true;
        resolve({ exitCode: null, signal: null, stdout: '', stderrTail: '', spawnError: maskText(error.message) });
      }
    });
    // Whatever the runner leaves behind in its group (a task it did not reap) goes with it, and
    // cannot keep the pipes (and so 'close') open.
    child.once('exit', () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // The group is empty: nothing left behind.
      }
    });
    // 'close', not 'exit': stdout is complete only when the pipes are closed.
    child.once('close', (code, signal) => {
      exited = true;
      resolve({
        exitCode: code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: tail(),
      });
    });
  });

  let terminating: Promise<void> | undefined;
  return {
    started,
    exited: exitedPromise,
    terminate(graceMs = 10_000) {
      if (exited || child.pid === undefined) return exitedPromise.then(() => {});
      terminating ??= (async () => {
        const pid = child.pid as number;
        signalGroup(pid, 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        });
        const gone = await Promise.race([exitedPromise.then(() => false), timedOut]);
        clearTimeout(timer);
        if (gone) signalGroup(pid, 'SIGKILL');
        await exitedPromise;
      })();
      return terminating;
    },
  };
}
