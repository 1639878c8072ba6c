import { basename, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { STAGES } from '../checks/stage.js';
import { maskText } from '../config/mask.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { buildReport } from './build-report.js';
import { orderChecks } from './order-checks.js';
import { writeProofPack } from './proof-pack.js';
import { describeIssues } from './read-report.js';
import { readRunContext, readSubmission } from './run-context.js';
import { type CheckResult, RunDetailsSchema } from './schema.js';
import { collectVersions } from './versions.js';

/** The stage of an E2E spec file, or undefined for the suite's own unit tests. */
function stageOf(moduleId: string) {
  const path = relative(PROJECT_ROOT, moduleId).replaceAll('\\', '/');
  return STAGES.find((stage) => path.startsWith(`tests/${stage}/`));
}

/**
 * Collects each check's result (carried in the test's meta) into reports/validation-report.json,
 * in stage order, with the submitted run; beside it the proof pack's summary.md and index.html.
 */
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
      checks: orderChecks(checks),
      context,
      run: submittedRun(),
      startedAt: context?.startedAt ? new Date(context.startedAt) : this.startedAt,
      finishedAt: new Date(),
      versions: collectVersions(PROJECT_ROOT),
    });
    const files = writeProofPack(this.outputFile, report);
    if (files.renderError) process.stderr.write(maskText(`kfp-e2e: proof pack not rendered: ${files.renderError}\n`));
    const pack = files.renderError ? '' : `, ${files.markdown}, ${files.html}`;
    const s = report.summary;
    process.stdout.write(
      `\nkfp-e2e validation report: ${s.total} checks, target ${report.target}, stack ${report.stackProvider}\n` +
        `checks: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n` +
        `reports: ${files.json}${pack}, reports/junit.xml\n`,
    );
  }
}

/** The submission stage's handoff, when it made a run; a damaged handoff is left out, not fatal. */
function submittedRun() {
  const handoff = readSubmission();
  if (!handoff) return undefined;
  const parsed = RunDetailsSchema.safeParse(handoff);
  if (parsed.success) return parsed.data;
  process.stderr.write(
    maskText(
      `kfp-e2e: the submission handoff is malformed, the report has no run section: ${describeIssues(parsed.error.issues)}\n`,
    ),
  );
  return undefined;
}
