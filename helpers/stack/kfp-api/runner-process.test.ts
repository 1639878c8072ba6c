import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import { retryUntil } from '../../util/retry-until.js';
import { isAlive, waitForExit } from '../native/managed-process.js';
import { type RunnerProcess, startRunnerProcess } from './runner-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-api-runner-process-'));
const started: RunnerProcess[] = [];

afterEach(() => clearRegisteredSecrets());
afterAll(async () => {
  await Promise.all(started.map((p) => p.terminate(200)));
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

function run(file: string, env: Record<string, string> = {}): RunnerProcess {
  const proc = startRunnerProcess({
    command: process.execPath,
    args: [file],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  started.push(proc);
  return proc;
}

/** Waits for a pid a script wrote to a file. */
async function pidFrom(file: string): Promise<number> {
  const text = await retryUntil(
    async () => readFileSync(file, 'utf8'),
    (t) => /^\d+$/.test(t.trim()),
    () => `no pid in ${file}`,
    { timeoutMs: 10_000, intervalMs: 20 },
  );
  return Number(text.trim());
}

const SLEEPER = 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000);';

describe('startRunnerProcess', () => {
  it('collects the whole stdout, the exit code and the stderr tail (masked), in the given cwd and env', async () => {
    registerSecret('runner-secret-1');
    const file = script(
      'echo.js',
      `process.stdout.write(JSON.stringify({ cwd: process.cwd(), v: process.env.MY_VAR, big: 'x'.repeat(200000) }));
       for (let i = 0; i < 50; i++) process.stderr.write('err ' + i + ' runner-secret-1\\n');
       process.exitCode = 3;`,
    );
    const proc = run(file, { MY_VAR: 'hello' });
    expect(await proc.started).toBeGreaterThan(0);
    const exit = await proc.exited;
    expect(exit.exitCode).toBe(3);
    expect(exit.signal).toBeNull();
    const out = JSON.parse(exit.stdout) as { cwd: string; v: string; big: string };
    expect(out).toMatchObject({ cwd: dir, v: 'hello' });
    expect(out.big).toHaveLength(200000);
    const lines = exit.stderrTail.split('\n');
    expect(lines).toHaveLength(30);
    expect(lines.at(-1)).toBe('err 49 ***');
  });

  it('reports a command that cannot start, without throwing', async () => {
    const proc = startRunnerProcess({ command: join(dir, 'no-such-python'), args: [], cwd: dir, env: {} });
    await expect(proc.started).rejects.toThrow('ENOENT');
    const exit = await proc.exited;
    expect(exit.spawnError).toContain('ENOENT');
    await proc.terminate(100);
  });

  it('terminate: SIGTERM to the group, SIGKILL when it does not go, grandchildren included', async () => {
    const child = script('grandchild.js', SLEEPER);
    const pidFile = join(dir, 'grandchild.pid');
    const file = script(
      'parent.js',
      `const { spawn } = require('node:child_process');
       const g = spawn(process.execPath, [${JSON.stringify(child)}], { stdio: 'ignore' });
       require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
       ${SLEEPER}`,
    );
    const proc = run(file);
    const grandchild = await pidFrom(pidFile);
    expect(isAlive(grandchild)).toBe(true);
    const t0 = performance.now();
    await proc.terminate(300);
    const exit = await proc.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await waitForExit(grandchild, 5000)).toBe(true);
  });

  it('a runner that exits leaving a task behind: the leftover is killed and the exit is reported', async () => {
    const child = script('orphan.js', SLEEPER);
    const pidFile = join(dir, 'orphan.pid');
    const file = script(
      'leaver.js',
      `const { spawn } = require('node:child_process');
       // The orphan keeps our stdout open: without the group kill, 'close' would never come.
       const g = spawn(process.execPath, [${JSON.stringify(child)}], { stdio: ['ignore', 'inherit', 'inherit'] });
       require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
       process.stdout.write('{"state":"SUCCEEDED"}');
       process.exit(0);`,
    );
    const proc = run(file);
    const exit = await proc.exited;
    expect(exit).toMatchObject({ exitCode: 0, stdout: '{"state":"SUCCEEDED"}' });
    expect(await waitForExit(await pidFrom(pidFile), 5000)).toBe(true);
  });
});
