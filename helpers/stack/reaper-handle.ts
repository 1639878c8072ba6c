import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './project-paths.js';

/** Our side of the reaper: tells it what to clean up if we die, and releases it when we did it ourselves. */
export class ReaperHandle {
  private constructor(private readonly child: ChildProcess) {}

  static start(): ReaperHandle {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(PROJECT_ROOT, 'helpers/stack/reaper.ts')], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    child.unref();
    // If the reaper dies, our next write fails with EPIPE; unheard, that 'error' would crash the
    // runner. Losing the reaper only loses the crash cleanup, so it is not worth failing for.
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // The pipe must not keep our event loop alive; it closes when we exit, which is the signal.
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return new ReaperHandle(child);
  }

  /**
   * A handle whose reaper starts on the first pid it is given: for processes that may never be
   * started (a cluster run with every endpoint given opens no port-forward, so spawns nothing).
   */
  static lazy(): { trackPid(pid: number): void; release(): void } {
    let handle: ReaperHandle | undefined;
    return {
      trackPid(pid) {
        handle ??= ReaperHandle.start();
        handle.trackPid(pid);
      },
      release() {
        handle?.release();
      },
    };
  }

  trackPid(pid: number): void {
    this.child.stdin?.write(`pid ${pid}\n`);
  }

  trackDir(dir: string): void {
    this.child.stdin?.write(`dir ${dir}\n`);
  }

  /** Everything was stopped by us: the reaper exits without touching anything. */
  release(): void {
    this.child.stdin?.end('release\n');
  }
}
