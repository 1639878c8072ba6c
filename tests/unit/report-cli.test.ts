import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../helpers/report/render-html.js';
import { renderMarkdown } from '../../helpers/report/render-markdown.js';
import { GOLDEN_REPORT_FILE, goldenReport } from '../../helpers/report/test-support.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real `kfp-e2e report`, as a user runs it: a child process, its exit code and output. */
function cli(args: string[], cwd = PROJECT_ROOT) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/kfp-e2e.mjs'), 'report', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** One line on stderr naming the problem, no stack trace, nothing on stdout. */
function expectUsageError(run: ReturnType<typeof cli>, ...parts: string[]): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  for (const part of parts) expect(run.stderr).toContain(part);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}

describe('kfp-e2e report', () => {
  it('--format html prints exactly the page renderHtml makes of the same file', () => {
    const run = cli(['--input', GOLDEN_REPORT_FILE, '--format', 'html']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(renderHtml(goldenReport()));
  });

  it('prints the Markdown summary by default', () => {
    const run = cli(['--input', GOLDEN_REPORT_FILE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(renderMarkdown(goldenReport()));
    expect(run.stdout.startsWith('## ❌ kfp-e2e: FAILED')).toBe(true);
  });

  it('--output writes the file (creating its folder) instead of printing it', () => {
    const output = join(dir, 'pack', 'index.html');
    const run = cli(['--input', GOLDEN_REPORT_FILE, '--format', 'html', '--output', output]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(renderHtml(goldenReport()));
    expect(run.stdout).toBe(`wrote ${output} (html, 56 checks)\n`);
  });

  it('reads reports/validation-report.json of the current folder by default', () => {
    const cwd = join(dir, 'project');
    mkdirSync(join(cwd, 'reports'), { recursive: true });
    writeFileSync(join(cwd, 'reports', 'validation-report.json'), readFileSync(GOLDEN_REPORT_FILE));
    const run = cli([], cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(renderMarkdown(goldenReport()));
    expectUsageError(cli([], dir), 'reports/validation-report.json', 'no such file');
  });

  it('exits 2 naming the file when it does not exist', () => {
    const missing = join(dir, 'nowhere.json');
    expectUsageError(cli(['--input', missing]), `cannot read the validation report ${missing}: no such file`);
  });

  it('exits 2 naming the file when it is not JSON', () => {
    const broken = file('broken.json', '{"schemaVersion": "1.0",');
    expectUsageError(cli(['--input', broken, '--format', 'html']), `${broken} is not JSON:`);
  });

  it('exits 2 naming the file and the first schema problems when it is not a validation report', () => {
    const report = goldenReport() as unknown as Record<string, unknown> & { checks: Record<string, unknown>[] };
    report.checks[3] = { ...report.checks[3], id: 'Not An Id', status: 'maybe' };
    delete report.finishedAt;
    const invalid = file('invalid.json', JSON.stringify(report));
    expectUsageError(
      cli(['--input', invalid]),
      `${invalid} is not a kfp-e2e validation report (schema 1.0):`,
      'finishedAt: ',
      'checks[3].id: expected <stage>.<subject>.<property>',
      'checks[3].status: ',
    );
    const other = file('other.json', '[1, 2, 3]');
    expectUsageError(cli(['--input', other]), `${other} is not a kfp-e2e validation report`, '(root): ');
  });

  it('exits 2 on an unknown format', () => {
    const run = cli(['--input', GOLDEN_REPORT_FILE, '--format', 'pdf']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'pdf' is invalid");
  });
});
