import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Check, runCheck, skip, toResult } from '../checks/check.js';
import { buildReport } from '../report/build-report.js';
import type { CheckResult, ValidationReport } from '../report/schema.js';
import { collectVersions } from '../report/versions.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { out, paint } from './output.js';

const SYMBOL = { passed: ['✓', 'green'], failed: ['✗', 'red'], skipped: ['-', 'yellow'] } as const;

export function printResult(result: CheckResult): void {
  const [symbol, colour] = SYMBOL[result.status];
  out(`${paint(symbol, colour)} ${result.id} ${paint(`(${Math.round(result.durationMs)} ms)`, 'dim')}`);
  if (result.status === 'failed') {
    out(indent(result.error ?? ''));
    if (result.hint) out(indent(`${paint('hint:', 'yellow')} ${result.hint}`));
  }
  if (result.status === 'skipped' && result.reason) out(indent(paint(result.reason, 'dim')));
}

/** Indents every line of a multi-line message under its check. */
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/**
 * Runs checks one after another, as the specs do. When a check of an earlier stage failed, later
 * stages' checks are skipped with the reason, like in the Vitest run.
 */
export async function runChecks<Ctx>(checks: readonly Check<Ctx>[], ctx: Ctx, print: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const failedStages = new Set<string>();
  for (const check of checks) {
    const blocker = [...failedStages].find((stage) => stage !== check.stage);
    const result = blocker
      ? toResult(check, skip(`skipped because stage '${blocker}' failed`), 0)
      : await runCheck(check, ctx);
    if (result.status === 'failed') failedStages.add(check.stage);
    results.push(result);
    if (print) printResult(result);
  }
  return results;
}

export function writeReport(
  file: string,
  results: CheckResult[],
  meta: {
    target: 'local' | 'cluster';
    stackProvider: string;
    startedAt: Date;
    config: Record<string, unknown>;
    sources: Record<string, string>;
  },
): ValidationReport {
  const report = buildReport({
    checks: results,
    context: {
      target: meta.target,
      stackProvider: meta.stackProvider,
      startedAt: meta.startedAt.toISOString(),
      config: meta.config,
      sources: meta.sources,
    },
    startedAt: meta.startedAt,
    finishedAt: new Date(),
    versions: collectVersions(PROJECT_ROOT),
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export function summaryLine(results: CheckResult[]): string {
  const n = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return `${results.length} checks: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`;
}
