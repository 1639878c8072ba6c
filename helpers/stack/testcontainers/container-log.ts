import { appendFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { maskText } from '../../config/mask.js';

/**
 * A container's output, kept as it arrives: the last lines in memory for failure messages (the
 * container may be gone by then — testcontainers removes one that fails its wait), and the whole
 * log, masked, in a file for the run's diagnostics.
 */
export class ContainerLog {
  readonly file: string | undefined;
  private readonly keep: number;
  private readonly lines: string[] = [];
  private partial = '';
  private fileFailed = false;

  constructor(file?: string, keep = 200) {
    this.file = file;
    this.keep = keep;
  }

  /** Follows a log stream (testcontainers' log consumer). */
  attach(stream: Readable): void {
    stream.on('data', (chunk: Buffer | string) => this.push(String(chunk)));
    stream.on('end', () => this.flush());
    // A broken log stream must not take the stack down; the lines so far stay available.
    stream.on('error', () => this.flush());
  }

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.add(parts);
  }

  /** The last `count` lines, masked; `(no output)` when the container printed nothing. */
  tail(count = 30): string {
    const lines = this.partial ? [...this.lines, this.partial] : this.lines;
    const tail = lines.slice(-count).join('\n');
    return tail ? maskText(tail) : '(no output)';
  }

  private flush(): void {
    if (!this.partial) return;
    const last = this.partial;
    this.partial = '';
    this.add([last]);
  }

  private add(lines: string[]): void {
    if (lines.length === 0) return;
    this.lines.push(...lines);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    if (this.file && !this.fileFailed) {
      try {
        appendFileSync(this.file, `${lines.map((line) => maskText(line)).join('\n')}\n`);
      } catch {
        this.fileFailed = true;
      }
    }
  }
}
