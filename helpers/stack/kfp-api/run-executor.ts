import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { maskText } from '../../config/mask.js';
import type { RunStore, RunTask } from './run-store.js';
import { type RunnerCommand, type RunnerProcess, startRunnerProcess } from './runner-process.js';
import { interpretRunnerExit, type RunOutcome, type StoredTask } from './runner-result.js';
import { runnerParamArgs } from './runtime-parameters.js';

/**
 * Executes runs one at a time (the machine has two cores; a pipeline uses them) in creation
 * order, each by one local-runner process. Owns every state change after PENDING: RUNNING when
 * the runner has started, the final state from its exit; terminate moves a queued run straight
 * to CANCELED and a running one to CANCELING until its runner is gone. Never throws into its
 * callers' event loop: a failure to record a result is logged, and a run left RUNNING is failed
 * at the next start.
 */

export interface RunnerSettings {
  /** Executable and leading arguments, e.g. `.stack/venv/bin/python -m poblesec.local_runner`. */
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface RunExecutorOptions {
  store: RunStore;
  runner: RunnerSettings;
  /** Per-run folders (package, pipeline root, runner log) go under `<workDir>/runs/<run_id>`. */
  workDir: string;
  log: (line: string) => void;
  /** How long a terminated runner gets to stop its tasks before its group is killed. */
  terminateGraceMs?: number;
}

interface Current {
  runId: string;
  process?: RunnerProcess;
  cancelRequested: boolean;
  interrupted: boolean;
}

export class RunExecutor {
  readonly #options: RunExecutorOptions;
  #queue: string[] = [];
  #current: Current | undefined;
  #working: Promise<void> | undefined;
  #stopping = false;

  constructor(options: RunExecutorOptions) {
    this.#options = options;
  }

  /** After a restart: fail what a previous server left running, queue what is pending. */
  async recover(): Promise<void> {
    const { store } = this.#options;
    for (const { runId, state } of await store.orphanedRunIds()) {
      const outcome: RunOutcome =
        state === 'CANCELING'
          ? { state: 'CANCELED', tasks: [] }
          : {
              state: 'FAILED',
              tasks: [],
              error: { code: 14, message: 'run interrupted: the local KFP API stopped while the run was executing' },
            };
      await store.finish(runId, outcome, []);
      this.#log(`run ${runId}: ${outcome.state} (left ${state} by a previous server)`);
    }
    for (const runId of await store.pendingRunIds()) this.enqueue(runId);
  }

  enqueue(runId: string): void {
    if (this.#stopping || this.#queue.includes(runId) || this.#current?.runId === runId) return;
    this.#queue.push(runId);
    this.#pump();
  }

  /** TerminateRun. Throws NOT_FOUND for an unknown run and INVALID_ARGUMENT for a finished one. */
  async terminate(runId: string): Promise<void> {
    const { store, terminateGraceMs } = this.#options;
    await store.markCanceling(runId);
    const current = this.#current;
    if (current?.runId === runId) {
      current.cancelRequested = true;
      // Not awaited: the API answers at once, like the KFP server; the run turns CANCELED when the runner is gone.
      void current.process?.terminate(terminateGraceMs);
      return;
    }
    this.#queue = this.#queue.filter((id) => id !== runId);
    await store.finish(runId, { state: 'CANCELED', tasks: [] }, []);
    this.#log(`run ${runId}: CANCELED before it started`);
  }

  /** Before a run is deleted: it leaves the queue, or its runner is stopped. */
  async forget(runId: string): Promise<void> {
    this.#queue = this.#queue.filter((id) => id !== runId);
    const current = this.#current;
    if (current?.runId === runId) {
      current.cancelRequested = true;
      await current.process?.terminate(this.#options.terminateGraceMs);
    }
  }

  /** Stops executing: the running run's runner is terminated (the run fails as interrupted); queued runs stay PENDING. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#queue = [];
    const current = this.#current;
    if (current) {
      current.interrupted = true;
      await current.process?.terminate(this.#options.terminateGraceMs);
    }
    await this.#working;
  }

  #pump(): void {
    if (this.#working || this.#stopping) return;
    const runId = this.#queue.shift();
    if (!runId) return;
    this.#working = this.#execute(runId)
      .catch((error: Error) => this.#log(`run ${runId}: could not record its execution: ${error.message}`))
      .finally(() => {
        this.#working = undefined;
        this.#current = undefined;
        this.#pump();
      });
  }

  async #execute(runId: string): Promise<void> {
    const { store, runner } = this.#options;
    const current: Current = { runId, cancelRequested: false, interrupted: false };
    this.#current = current;
    const run = await store.get(runId).catch((error: Error) => {
      this.#log(`run ${runId}: not executed, cannot read it: ${error.message}`);
      return undefined;
    });
    // Deleted or terminated meanwhile; or the server is stopping: a PENDING run waits for the next start.
    if (run?.state !== 'PENDING' || this.#stopping) return;
    const dir = join(this.#options.workDir, 'runs', runId);
    const packageFile = join(dir, 'pipeline.yaml');
    const root = join(dir, 'pipeline-root');
    try {
      mkdirSync(root, { recursive: true });
      writeFileSync(packageFile, run.pipeline_spec_text);
    } catch (error) {
      const message = `could not prepare the run folder ${dir}: ${(error as Error).message}`;
      await store.finish(runId, { state: 'FAILED', tasks: [], error: { code: 13, message } }, []);
      this.#log(`run ${runId}: FAILED: ${message}`);
      return;
    }
    const command: RunnerCommand = {
      command: runner.command,
      args: [
        ...runner.args,
        '--package',
        packageFile,
        ...runnerParamArgs(run.runtime_config.parameters ?? {}),
        '--pipeline-root',
        root,
        '--json',
        '--quiet',
        '--log-file',
        join(dir, 'runner.log'),
      ],
      cwd: runner.cwd,
      env: { ...runner.env, PYTHONUNBUFFERED: '1' },
    };
    const started = performance.now();
    const proc = startRunnerProcess(command);
    current.process = proc;
    try {
      const pid = await proc.started;
      // A terminate that came in meanwhile already moved the run to CANCELING: it stays there.
      if (await store.markRunning(runId)) this.#log(`run ${runId} (${run.display_name}): RUNNING, runner pid ${pid}`);
      if (current.cancelRequested || current.interrupted) void proc.terminate(this.#options.terminateGraceMs);
    } catch {
      // The exit reports the spawn error.
    }
    const exit = await proc.exited;
    const outcome = interpretRunnerExit({
      ...exit,
      cancelRequested: current.cancelRequested,
      interrupted: current.interrupted,
    });
    const tasks = withTaskIds(outcome.tasks, dependentsOf(run.pipeline_spec_text));
    await store.finish(runId, outcome, tasks);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    this.#log(
      `run ${runId}: ${outcome.state} after ${seconds} s${outcome.error ? `: ${firstLine(outcome.error.message)}` : ''}`,
    );
  }

  #log(line: string): void {
    this.#options.log(maskText(`kfp-api: ${line}`));
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** Task name → names of the tasks that depend on it, from the root DAG of the package. */
export function dependentsOf(packageText: string): Map<string, string[]> {
  const children = new Map<string, string[]>();
  try {
    const spec = parseAllDocuments(packageText)[0]?.toJS() as {
      root?: { dag?: { tasks?: Record<string, { dependentTasks?: string[] }> } };
    };
    for (const [name, task] of Object.entries(spec.root?.dag?.tasks ?? {})) {
      for (const upstream of task.dependentTasks ?? []) {
        children.set(upstream, [...(children.get(upstream) ?? []), name]);
      }
    }
  } catch {
    // A package the runner could run always parses; without it, tasks just list no children.
  }
  return children;
}

function withTaskIds(tasks: StoredTask[], children: Map<string, string[]>): RunTask[] {
  return tasks.map((task) => ({ ...task, taskId: randomUUID(), children: children.get(task.name) ?? [] }));
}
