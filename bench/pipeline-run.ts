import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { toEnv } from '../helpers/config/export.js';
import type { Config } from '../helpers/config/schema.js';
import { REFERENCE_SYSTEM_DIR } from '../helpers/stack/native/gateway.js';
import { NATIVE_PATHS, PROJECT_ROOT } from '../helpers/stack/project-paths.js';

export interface PipelineRunResult {
  state: string;
  durationMs: number;
  tasks: { name: string; state: string; duration_ms?: number }[];
}

/**
 * One whole run of the reference pipeline with the KFP SDK's local runner against a running stack,
 * the way the local KFP API executes runs: what "a local pipeline run" costs on this machine.
 */
export function runReferencePipeline(config: Config, identifier: string): Promise<PipelineRunResult> {
  const args = [
    '-m',
    'poblesec.local_runner',
    '--package',
    join(PROJECT_ROOT, config.pipeline.package),
    '--json',
    '--quiet',
  ];
  for (const [name, value] of Object.entries({ identifier, dataset: config.run.dataset }))
    args.push('--param', `${name}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn(NATIVE_PATHS.python, args, {
      cwd: REFERENCE_SYSTEM_DIR,
      env: { ...process.env, ...toEnv(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
    child.on('exit', () => {
      clearTimeout(timer);
      try {
        const out = JSON.parse(stdout) as {
          state: string;
          duration_ms: number;
          tasks: PipelineRunResult['tasks'];
          error?: string;
        };
        if (out.state !== 'SUCCEEDED') reject(new Error(`pipeline ${out.state}: ${out.error ?? ''}`));
        else resolve({ state: out.state, durationMs: out.duration_ms, tasks: out.tasks });
      } catch {
        reject(new Error(`the local runner printed no JSON: ${stderr.slice(-2000)}`));
      }
    });
  });
}
