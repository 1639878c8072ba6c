import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { STAGES } from '../checks/stage.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { buildReport } from './build-report.js';
import { readRunContext } from './run-context.js';
import type { CheckResult } from './schema.js';
import { collectVersions } from './versions.js';

/** The stage of an E2E spec file, or undefined for the suite's own unit tests. */
function stageOf(moduleId: string) {
  const path = relative(PROJECT_ROOT, moduleId).replaceAll('\\', '/');
  return STAGES.find((stage) => path.startsWith(`tests/${stage}/`));
}

/** Collects each check's result (carried in the test's meta) into reports/validation-report.json. */
export default class ValidationReporter implements Reporter {
  private readonly outputFile: string;
  private readonly startedAt = new Date();

  constructor(options: { outputFile?: string } = {}) {
    this.outputFile = options.outputFile ?? 'reports/validation-report.json';
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    // A run of the suite's own unit tests only has no checks to report: keep the last report.
    if (!testModules.some((module) => stageOf(module.moduleId))) return;
    const checks: CheckResult[] = [];
    for (const module of testModules) {
      const stage = stageOf(module.moduleId);
      if (!stage) continue;
      for (const test of module.children.allTests()) {
        const check = test.meta().check;
        if (check) checks.push(check);
      }
      // A spec file that failed to load ran no check: say so rather than report fewer checks.
      const loadErrors = module.errors();
      if (loadErrors.length > 0) {
        checks.push({
          id: `${stage}.spec-file.${basename(module.moduleId)
            .replace(/\.spec\.ts$/, '')
            .replace(/[^a-z0-9-]/g, '-')}`,
          stage,
          title: `spec file ${relative(PROJECT_ROOT, module.moduleId)} loads`,
          status: 'failed',
          durationMs: 0,
          evidence: {},
          error: loadErrors.map((e) => e.message).join('\n'),
          hint: 'a defect in the suite itself: fix the spec file',
        });
      }
    }
    const context = readRunContext();
    const report = buildReport({
      checks,
      context,
      startedAt: context?.startedAt ? new Date(context.startedAt) : this.startedAt,
      finishedAt: new Date(),
      versions: collectVersions(PROJECT_ROOT),
    });
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, `${JSON.stringify(report, null, 2)}\n`);
    const s = report.summary;
    process.stdout.write(
      `\nkfp-e2e validation report: ${s.total} checks, target ${report.target}, stack ${report.stackProvider}\n` +
        `checks: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n` +
        `reports: ${this.outputFile}, reports/junit.xml\n`,
    );
  }
}
