import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskText } from '../../config/mask.js';
import { STACK_HOME } from '../project-paths.js';

/** A stamp records what was installed (version or content hash), so a second setup skips it. */
export function stampMatches(name: string, value: string): boolean {
  const file = join(STACK_HOME, 'stamps', name);
  return existsSync(file) && readFileSync(file, 'utf8') === value;
}

export function writeStamp(name: string, value: string): void {
  mkdirSync(join(STACK_HOME, 'stamps'), { recursive: true });
  writeFileSync(join(STACK_HOME, 'stamps', name), value);
}

export class ProvisionError extends Error {}

/**
 * Runs a long install command with its output shown (indented), plus a heartbeat line every
 * 20 s for the quiet ones (`go install` prints nothing for minutes).
 */
export function runStep(
  label: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const heartbeat = setInterval(() => {
      console.log(`  … ${label}: ${Math.round((Date.now() - started) / 1000)} s`);
    }, 20_000);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(new ProvisionError(`${label}: could not run ${command}: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new ProvisionError(maskText(`${label}: ${command} exited with ${code}\n${tail.join('\n')}`)));
    });
  });
}

export function has(command: string): boolean {
  const paths = (process.env.PATH ?? '').split(':');
  return paths.some((dir) => existsSync(join(dir, command)));
}
