import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationReportSchema } from '../../helpers/report/schema.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

/** The real `kfp-e2e` command, as a user runs it: a child process, its exit code and output. */
function cli(args: string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/kfp-e2e.mjs'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

const fixture = (name: string) => join(PROJECT_ROOT, 'fixtures/pipelines', name);

describe('kfp-e2e CLI', () => {
  it('config --json never prints a secret and names its source', () => {
    const run = cli(['config', '--json'], { MINIO_SECRET_KEY: 's3cr3t-XYZ' });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-XYZ');
    const parsed = JSON.parse(run.stdout) as { keys: Record<string, { value: unknown; source: string }> };
    expect(parsed.keys['minio.secretKey']).toEqual({ value: '***', source: 'env', env: 'MINIO_SECRET_KEY' });
  });

  it('config with bad input lists every problem and exits 2, without a stack trace', () => {
    const run = cli(['config', '--set', 'minio.endpoint=nope'], { POSTGRES_PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('minio.endpoint — from flag (--set minio.endpoint) value "nope"');
    expect(run.stderr).toContain('postgres.port — from env (POSTGRES_PORT) value "abc"');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('preflight names the v1 problem of an Argo Workflow and exits 1', () => {
    const run = cli([
      'preflight',
      '--pipeline',
      fixture('argo-v1-workflow.yaml'),
      '--output',
      join(mkdtempSync(join(tmpdir(), 'cli-')), 'r.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ preflight.package.format');
    expect(run.stdout).toMatch(/KFP v1 package/);
    expect(run.stdout).toMatch(/recompile with the KFP v2 SDK/);
  });

  it('preflight passes on a v2 IR package and writes a valid report', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'cli-')), 'preflight.json');
    const run = cli(['preflight', '--pipeline', fixture('minimal-v2.yaml'), '--output', output, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = ValidationReportSchema.parse(JSON.parse(run.stdout));
    expect(report.summary.failed).toBe(0);
    expect(report.checks.map((c) => c.stage)).toEqual(Array(report.checks.length).fill('preflight'));
  });

  it('probe against endpoints where nothing listens exits 1 within 10 s and names each failure', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'cli-')), 'probe.json');
    // Port 9 (discard) on loopback: nothing listens there on a normal machine.
    const nowhere = {
      MINIO_ENDPOINT: 'http://127.0.0.1:9',
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
      POSTGRES_PORT: '9',
      KFP_HOST: 'http://127.0.0.1:9',
      GATEWAY_URL: 'http://127.0.0.1:9',
    };
    const run = cli(['probe', '--json', '--output', output], nowhere);
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    const report = ValidationReportSchema.parse(JSON.parse(run.stdout));
    const failed = report.checks.filter((c) => c.status === 'failed');
    for (const service of ['minio', 'mlflow', 'postgres', 'kfp', 'gateway']) {
      const tcp = failed.find((c) => c.id === `infrastructure.${service}.tcp`);
      expect(tcp?.error, service).toMatch(/127\.0\.0\.1:9/);
      expect(tcp?.hint, service).toBeTruthy();
    }
  });

  it('--help is true: every command is listed, exit 0', () => {
    const run = cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['config', 'preflight', 'probe', 'stack']) expect(run.stdout).toContain(command);
  });

  it('an unknown command or option is a usage error: exit 2', () => {
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['config', '--no-such-flag']).code).toBe(2);
  });

  it('reads a config file given with --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'e2e.yaml');
    writeFileSync(file, 'minio:\n  endpoint: http://files.example:9000\n');
    const run = cli(['config', '--json', '--config', file]);
    const parsed = JSON.parse(run.stdout) as { keys: Record<string, { value: unknown; source: string }> };
    expect(parsed.keys['minio.endpoint']).toMatchObject({ value: 'http://files.example:9000', source: 'file' });
  });
});
