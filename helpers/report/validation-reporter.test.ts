import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import type { CheckResult } from './schema.js';
import { goldenReport } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The reporter and the run context, loaded with reports (and the run's handoff files) in `dir`. */
let modules: {
  Reporter: typeof import('./validation-reporter.js').default;
  runContext: typeof import('./run-context.js');
  render: typeof import('./read-report.js');
  renderHtml: typeof import('./render-html.js').renderHtml;
  renderMarkdown: typeof import('./render-markdown.js').renderMarkdown;
};

beforeAll(async () => {
  vi.stubEnv('E2E_REPORTS_DIR', dir);
  vi.resetModules();
  modules = {
    Reporter: (await import('./validation-reporter.js')).default,
    runContext: await import('./run-context.js'),
    render: await import('./read-report.js'),
    renderHtml: (await import('./render-html.js')).renderHtml,
    renderMarkdown: (await import('./render-markdown.js')).renderMarkdown,
  };
  vi.unstubAllEnvs();
});

/** What Vitest hands the reporter: one module per spec file, its tests carrying the check in meta. */
function testModule(file: string, checks: CheckResult[]): TestModule {
  return {
    moduleId: join(PROJECT_ROOT, file),
    children: { allTests: () => checks.map((check) => ({ meta: () => ({ check }) })) },
    errors: () => [],
  } as unknown as TestModule;
}

describe('ValidationReporter', () => {
  const golden = goldenReport();
  const stage = (s: CheckResult['stage']) => golden.checks.filter((c) => c.stage === s);

  it('orders the checks by stage and start, adds the run, and writes summary.md and index.html beside the JSON', () => {
    const { Reporter, runContext } = modules;
    runContext.beginRun({
      target: 'local',
      stackProvider: 'native',
      startedAt: golden.startedAt,
      config: golden.environment.config,
      sources: golden.environment.sources,
    });
    runContext.writeSubmission(golden.run!);
    const output = join(dir, 'out', 'validation-report.json');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // Vitest's order: by file path, so contract first; within the contract file, shuffled.
    new Reporter({ outputFile: output }).onTestRunEnd([
      testModule('tests/contract/contract.spec.ts', [...stage('contract')].reverse()),
      testModule('tests/infrastructure/minio.spec.ts', stage('infrastructure')),
      testModule('tests/preflight/config.spec.ts', stage('preflight')),
      testModule('tests/submission/submit-run.spec.ts', stage('submission')),
      testModule('helpers/report/some.test.ts', []),
    ]);
    const read = modules.render.readReport(output);
    if (!read.ok) throw new Error(read.message);
    expect(read.report.checks.map((c) => c.id)).toEqual(golden.checks.map((c) => c.id));
    expect(read.report.run).toEqual(golden.run);
    expect(readFileSync(join(dir, 'out', 'index.html'), 'utf8')).toBe(modules.renderHtml(read.report));
    expect(readFileSync(join(dir, 'out', 'summary.md'), 'utf8')).toBe(modules.renderMarkdown(read.report));
    const printed = stdout.mock.calls.map((call) => String(call[0])).join('');
    const last = printed.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      `reports: ${output}, ${join(dir, 'out', 'summary.md')}, ${join(dir, 'out', 'index.html')}, reports/junit.xml`,
    );
  });

  it('leaves out a malformed submission handoff instead of failing the report', () => {
    const { Reporter, runContext } = modules;
    runContext.beginRun({
      target: 'local',
      stackProvider: 'native',
      startedAt: golden.startedAt,
      config: {},
      sources: {},
    });
    runContext.writeSubmission({ ...golden.run!, submittedAt: 'last tuesday' });
    const output = join(dir, 'bad-handoff', 'validation-report.json');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    new Reporter({ outputFile: output }).onTestRunEnd([
      testModule('tests/preflight/config.spec.ts', stage('preflight')),
    ]);
    const read = modules.render.readReport(output);
    expect(read.ok && read.report.run).toBeUndefined();
    expect(String(stderr.mock.calls[0]?.[0])).toContain('submittedAt');
  });
});
