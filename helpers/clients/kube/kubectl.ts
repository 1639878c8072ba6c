import { execFile } from 'node:child_process';
import { HintedError } from '../../checks/check.js';
import { maskText } from '../../config/mask.js';

/**
 * The one way kfp-e2e talks to a cluster outside HTTP: the user's own kubectl, with their
 * kubeconfig and credentials. Every call has a deadline (the process is killed when it passes) and
 * `--request-timeout`, so an unreachable API server costs seconds, not kubectl's default minutes.
 */
export interface Kubectl {
  /** Runs `kubectl [--context C] <args>` and returns its stdout; throws KubectlError otherwise. */
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
  /** The argv prefix (executable and `--context`), for processes kept running such as port-forwards. */
  readonly command: readonly string[];
}

export interface KubectlOptions {
  /** Executable name or path (config `cluster.kubectl`). */
  executable: string;
  /** Context to use instead of the current one (config `cluster.kubeContext`). */
  context?: string;
  /** Default deadline of one invocation. */
  timeoutMs: number;
}

export class KubectlError extends HintedError {
  constructor(
    message: string,
    hint: string | undefined,
    /** ENOENT when the executable is missing, 'timeout', or the exit code. */
    readonly reason: 'not-found' | 'timeout' | 'exit',
    readonly stderr = '',
  ) {
    super(message, hint);
    this.name = 'KubectlError';
  }

  /** The API server answered that the object does not exist (`Error from server (NotFound): …`). */
  get notFound(): boolean {
    return this.reason === 'exit' && /\(NotFound\)/.test(this.stderr);
  }

  /** What kubectl itself said (its last stderr line), without the command line; the message otherwise. */
  get detail(): string {
    const last = this.stderr
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .pop();
    return last ?? this.message;
  }
}

export function createKubectl(options: KubectlOptions): Kubectl {
  const command = [options.executable, ...(options.context ? ['--context', options.context] : [])];
  return {
    command,
    run(args, { timeoutMs = options.timeoutMs } = {}) {
      // kubectl's own deadline for API calls, a little inside ours so its message wins.
      const requestTimeout = `--request-timeout=${Math.max(1, Math.floor((timeoutMs * 0.8) / 1000))}s`;
      const argv = [...command.slice(1), requestTimeout, ...args];
      const shown = maskText(['kubectl', ...argv].join(' '));
      return new Promise((resolve, reject) => {
        execFile(
          options.executable,
          argv,
          { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (!error) return resolve(stdout);
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') {
              return reject(
                new KubectlError(
                  options.executable.includes('/')
                    ? `kubectl not found at ${options.executable}`
                    : `kubectl not found: no ${options.executable} on PATH`,
                  'install kubectl (or set KUBECTL to its path), or set the endpoints explicitly',
                  'not-found',
                ),
              );
            }
            if ((error as { killed?: boolean }).killed) {
              return reject(
                new KubectlError(`${shown}: no answer within ${timeoutMs} ms`, 'is the cluster running?', 'timeout'),
              );
            }
            const detail = maskText(stderr.trim().split('\n').slice(-3).join(' ')) || `exit code ${String(code)}`;
            reject(new KubectlError(`${shown}: ${detail}`, undefined, 'exit', maskText(stderr)));
          },
        );
      });
    },
  };
}
