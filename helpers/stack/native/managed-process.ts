import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { maskText } from '../../config/mask.js';
import { retryUntil } from '../../util/retry-until.js';
import { StackStartError } from '../stack-start-error.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
  uid?: number;
  gid?: number;
  /** Keep running after this process exits (the reusable stack). */
  persistent?: boolean;
}

/**
 * A server process in its own process group, its output in a log file. Stopping signals the
 * whole group (servers fork workers: MLflow's uvicorn, PostgreSQL's backends).
 */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly pid: number;
  private exitCode: number | null | undefined;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  private constructor(spec: ProcessSpec, child: ChildProcess) {
    this.spec = spec;
    this.pid = child.pid as number;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
    });
  }

  static start(spec: ProcessSpec): ManagedProcess {
    const log = openSync(spec.logFile, 'a');
    try {
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', log, log],
        detached: true,
        uid: spec.uid,
        gid: spec.gid,
      });
      // A spawn failure (ENOENT, EACCES) is also emitted as 'error' on the next tick: unheard, it
      // would crash the runner after we already threw the readable error below.
      child.on('error', () => {});
      if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
      if (spec.persistent) child.unref();
      return new ManagedProcess(spec, child);
    } finally {
      closeSync(log);
    }
  }

  /** Runs a one-shot command (initdb) to completion; a non-zero exit is a StackStartError. */
  static async run(spec: ProcessSpec, timeoutMs: number, hint: string): Promise<void> {
    const proc = ManagedProcess.start(spec);
    const finished = await Promise.race([proc.exited.then(() => true), delay(timeoutMs).then(() => false)]);
    if (!finished) {
      await proc.stop(0);
      throw new StackStartError(
        spec.name,
        `${spec.command} did not finish within ${timeoutMs} ms`,
        hint,
        proc.logTail(),
      );
    }
    if (proc.exitCode !== 0)
      throw new StackStartError(spec.name, `${spec.command} ${proc.describeExit()}`, hint, proc.logTail());
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Why it is not running, for error messages: "exited with code 1" / "killed by SIGKILL". */
  describeExit(): string {
    if (this.running) return 'still running';
    return this.exitSignal ? `killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
  }

  /** The last lines of its log, masked, for failure messages. */
  logTail(lines = 20): string {
    return readLogTail(this.spec.logFile, lines);
  }

  /** SIGTERM to the group, then SIGKILL if it has not exited within graceMs. Idempotent. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, 'SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
    if (!gone) {
      signalGroup(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * A zombie has exited but was not reaped: its parent died and PID 1 (in many containers and VMs
 * not an init) never waits for it. `kill(pid, 0)` still succeeds for it. Linux only; elsewhere false.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may itself contain ')' or spaces, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits for a pid (not our child) to disappear, polling with the shared primitive. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  try {
    await retryUntil(
      async () => isAlive(pid),
      (alive) => !alive,
      () => `pid ${pid} still alive`,
      { timeoutMs, intervalMs: 20, maxIntervalMs: 200 },
    );
    return true;
  } catch {
    return false;
  }
}

export function readLogTail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8');
    return maskText(text.trimEnd().split('\n').slice(-lines).join('\n'));
  } catch {
    return '(no log)';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
