import { type ChildProcess, spawn } from 'node:child_process';
import { HintedError } from '../../checks/check.js';
import { maskText } from '../../config/mask.js';

export interface PortForwardOptions {
  /** The kubectl argv prefix: executable and `--context` (`Kubectl.command`). */
  command: readonly string[];
  service: string;
  namespace: string;
  /** The service port to forward to (kubectl maps it to the pod's target port). */
  port: number;
  /** How long kubectl may take to print the local port it listens on. */
  readyTimeoutMs: number;
  /** Called with the pid as soon as kubectl runs, e.g. to hand it to the crash reaper. */
  onSpawn?(pid: number): void;
  /** How long close() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export class PortForwardError extends HintedError {
  constructor(
    message: string,
    hint: string | undefined,
    /** kubectl's last stderr lines, masked. */
    readonly output: string,
  ) {
    super(message, hint);
    this.name = 'PortForwardError';
  }
}

/** kubectl prints this once it listens: `Forwarding from 127.0.0.1:41234 -> 8888`. */
const FORWARDING = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/m;
const TAIL_LINES = 10;

/**
 * A running `kubectl port-forward service/<name>` on an ephemeral 127.0.0.1 port. kubectl runs in
 * its own process group (credential plugins may be its children) and close() stops the whole group.
 * When kubectl exits on its own — the pod went away, the connection to the API server broke —
 * `downReason` says so with kubectl's last words, and the onDown listeners hear it.
 */
export class PortForward {
  /** The port on 127.0.0.1 that reaches the service. */
  readonly localPort: number;
  /** The pod port kubectl forwards to, as it printed it (the service's target port). */
  readonly podPort: number;
  readonly pid: number;
  private readonly options: PortForwardOptions;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly tail: string[];
  private readonly listeners: Array<(reason: string) => void> = [];
  private closing: Promise<void> | undefined;
  private down: string | undefined;

  private constructor(
    options: PortForwardOptions,
    child: ChildProcess,
    ports: { local: number; pod: number },
    exited: Promise<void>,
    tail: string[],
  ) {
    this.options = options;
    this.child = child;
    this.pid = child.pid as number;
    this.localPort = ports.local;
    this.podPort = ports.pod;
    this.exited = exited;
    this.tail = tail;
    // 'close', not 'exit': by then kubectl's last stderr lines are in the tail.
    child.once('close', (code, signal) => {
      if (this.closing) return;
      this.down = `${this.target} is down: ${describeExit(code, signal)}${formatTail(this.tail)}`;
      for (const listener of this.listeners) listener(this.down);
    });
  }

  /** `port-forward to service/<name> (namespace <ns>)`, the subject of every message about it. */
  get target(): string {
    return `port-forward to service/${this.options.service} (namespace ${this.options.namespace})`;
  }

  /** Set once kubectl exited without close() having been called. */
  get downReason(): string | undefined {
    return this.down;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Hears an unexpected exit (at most once); called at once if it already happened. */
  onDown(listener: (reason: string) => void): void {
    if (this.down) listener(this.down);
    else this.listeners.push(listener);
  }

  /**
   * Starts kubectl and resolves once it printed the local port. Rejects with a PortForwardError
   * (kubectl stopped) when kubectl is missing, exits first, or stays silent past the deadline.
   */
  static open(options: PortForwardOptions): Promise<PortForward> {
    const [executable, ...prefix] = options.command;
    if (!executable) throw new Error('PortForward: empty kubectl command');
    const args = [
      ...prefix,
      'port-forward',
      '--address',
      '127.0.0.1',
      `service/${options.service}`,
      `:${options.port}`,
      '-n',
      options.namespace,
    ];
    const subject = `port-forward to service/${options.service} (namespace ${options.namespace})`;
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const tail: string[] = [];
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      // A spawn failure emits 'error' and never 'exit'.
      child.once('error', () => resolve());
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    collectLines(child.stderr, (line) => {
      tail.push(maskText(line));
      if (tail.length > TAIL_LINES) tail.shift();
    });

    return new Promise<PortForward>((resolve, reject) => {
      let stdout = '';
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const giveUp = (message: string, hint: string) =>
        settle(() => {
          signalGroup(child, 'SIGKILL');
          void exited.then(() => reject(new PortForwardError(message, hint, tail.join('\n'))));
        });
      const timer = setTimeout(
        () =>
          giveUp(
            `${subject}: kubectl printed no "Forwarding from" line within ${options.readyTimeoutMs} ms${formatTail(tail)}`,
            'is a pod behind the service running? try `kubectl get pods -n <namespace>`',
          ),
        options.readyTimeoutMs,
      );
      child.once('error', (error: NodeJS.ErrnoException) =>
        giveUp(
          error.code === 'ENOENT' ? `${subject}: ${executable}: not found on PATH` : `${subject}: ${error.message}`,
          'install kubectl (or set KUBECTL to its path), or set the endpoints explicitly',
        ),
      );
      child.once('close', (code, signal) =>
        giveUp(
          `${subject}: ${describeExit(code, signal)} before forwarding${formatTail(tail)}`,
          'check that a pod behind the service is running and that you may port-forward in the namespace',
        ),
      );
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (settled) return;
        stdout += chunk;
        const match = FORWARDING.exec(stdout);
        if (!match) return;
        settle(() =>
          resolve(new PortForward(options, child, { local: Number(match[1]), pod: Number(match[2]) }, exited, tail)),
        );
      });
    });
  }

  /** Stops kubectl's process group and waits until kubectl is gone. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.running) return;
      signalGroup(this.child, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.options.stopGraceMs ?? 3000);
      });
      const gone = await Promise.race([this.exited.then(() => true), graceOver]);
      clearTimeout(timer);
      if (!gone) {
        signalGroup(this.child, 'SIGKILL');
        await this.exited;
      }
    })();
    return this.closing;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already, or the child is not a group leader yet: signal it alone.
    try {
      child.kill(signal);
    } catch {
      // Gone.
    }
  }
}

function collectLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line.trimEnd());
  });
  stream.on('end', () => {
    if (pending.trim()) onLine(pending.trimEnd());
    pending = '';
  });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `kubectl was killed by ${signal}` : `kubectl exited with code ${code}`;
}

function formatTail(tail: readonly string[]): string {
  return tail.length ? `: ${tail.join(' | ')}` : '';
}
