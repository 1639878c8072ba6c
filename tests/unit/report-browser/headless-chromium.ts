import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTimeout } from '../../../helpers/util/timeout.js';
import { CdpConnection } from './cdp-connection.js';

/** The flags of a throwaway, offline, headless browser that tells us where its DevTools listen. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--no-first-run',
  '--remote-debugging-port=0',
] as const;

export const CHROMIUM_MISSING =
  'chromium not found on PATH: run `npm run setup` (it installs Debian’s chromium), then run the tests again';

/** Debian's `chromium` on PATH: what `npm run setup` installs. */
export function findChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  return dirs.map((dir) => join(dir, 'chromium')).find((path) => existsSync(path));
}

/** Processes whose command line mentions `text` (the user-data dir marks every Chromium process we started). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone in between: not a leftover
    }
  }
  return pids;
}

export interface Clip {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A headless Chromium with one page attached; `close()` always kills its process group. */
export class HeadlessChromium {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly cdp: CdpConnection,
    readonly sessionId: string,
    readonly userDataDir: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly stderrTail: () => string,
  ) {}

  /** Starts Chromium, reads `DevTools listening on ws://…` from its stderr, attaches to a new page. */
  static async launch(timeoutMs: number): Promise<HeadlessChromium> {
    const binary = findChromium();
    if (!binary) throw new Error(CHROMIUM_MISSING);
    const userDataDir = mkdtempSync(join(tmpdir(), 'kfp-e2e-chromium-'));
    // Own process group: one kill reaches the browser and every helper process it forked.
    const child = spawn(binary, [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, 'about:blank'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const lines: string[] = [];
    const endpoint = new Promise<string>((resolve, reject) => {
      let partial = '';
      // Keep draining stderr for the whole life of the browser: a full pipe would stall it.
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const complete = text.split('\n');
        partial = complete.pop() ?? '';
        for (const line of complete) {
          lines.push(line);
          if (lines.length > 40) lines.shift();
          const match = /DevTools listening on (ws:\/\/\S+)/.exec(line);
          if (match?.[1]) resolve(match[1]);
        }
      });
      child.once('error', (error) => reject(new Error(`could not start ${binary}: ${error.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`${binary} exited (${signal ?? code}) before DevTools listened:\n${lines.join('\n')}`)),
      );
    });
    const tail = () => lines.join('\n');
    let cdp: CdpConnection | undefined;
    try {
      const url = await withTimeout(endpoint, timeoutMs, `${binary}: "DevTools listening on" line on stderr`);
      cdp = await CdpConnection.open(url, timeoutMs);
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      return new HeadlessChromium(cdp, String(sessionId), userDataDir, child, exited, tail);
    } catch (error) {
      cdp?.close();
      await killGroup(child, exited).finally(() =>
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 }),
      );
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nchromium stderr (last lines):\n${tail()}`);
    }
  }

  /** A command to the page. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.cdp.send(method, params, this.sessionId);
  }

  /** Navigates and waits for the load event. */
  async load(url: string, timeoutMs: number): Promise<void> {
    const loaded = this.cdp.nextEvent('Page.loadEventFired', this.sessionId, timeoutMs);
    // Awaited below; this keeps its timeout from going unhandled when navigating fails first.
    loaded.catch(() => {});
    const { errorText } = await this.send('Page.navigate', { url });
    if (errorText) throw new Error(`navigating to ${url} failed: ${String(errorText)}`);
    await loaded;
  }

  /** Evaluates an expression in the page and returns its JSON value; a page exception throws. */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const details = answer.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (details) throw new Error(`page threw: ${details.exception?.description ?? details.text ?? 'unknown'}`);
    return (answer.result as { value: T }).value;
  }

  /** A PNG of one region of the page (document coordinates, beyond the viewport if need be). */
  async screenshot(clip: Clip): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', {
      format: 'png',
      clip: { ...clip, scale: 1 },
      captureBeyondViewport: true,
    });
    return Buffer.from(String(data), 'base64');
  }

  /** Chromium's recent stderr, for failure messages. */
  stderr(): string {
    return this.stderrTail();
  }

  /** Closes the browser, kills its process group, removes its profile. Callable any number of times. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.cdp.close();
      try {
        await killGroup(this.child, this.exited);
      } finally {
        rmSync(this.userDataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    })();
    return this.closing;
  }
}

/** SIGTERM to the group, SIGKILL if it has not gone within 3 s, SIGKILL again for stray helpers. */
async function killGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    await withTimeout(exited, 3000, 'chromium to exit on SIGTERM').catch(() => {
      signal('SIGKILL');
      return withTimeout(exited, 2000, 'chromium to exit on SIGKILL');
    });
  }
  signal('SIGKILL');
}
