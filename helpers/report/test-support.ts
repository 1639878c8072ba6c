import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Stage, stageIndex } from '../checks/stage.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { type CheckResult, type ValidationReport, ValidationReportSchema } from './schema.js';

/** For the report's tests: the golden report and reports derived from it. */

export const GOLDEN_REPORT_FILE = join(PROJECT_ROOT, 'fixtures/reports/golden-report.json');

/** A fresh copy each call: tests change it freely. */
export function goldenReport(): ValidationReport {
  return ValidationReportSchema.parse(JSON.parse(readFileSync(GOLDEN_REPORT_FILE, 'utf8')));
}

/** The report with its summary recounted from its checks. */
export function withChecks(report: ValidationReport, checks: CheckResult[]): ValidationReport {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  return {
    ...report,
    checks,
    summary: { total: checks.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
  };
}

/** What `kfp-e2e preflight` writes: the preflight checks only, no run. */
export function preflightOnly(report: ValidationReport): ValidationReport {
  const { run: _run, ...rest } = report;
  return withChecks(
    { ...rest, stackProvider: 'none' },
    report.checks.filter((c) => c.stage === 'preflight'),
  );
}

/** A run whose `stage` failed (its first check): every later stage skipped, as the stage gate does. */
export function failedAt(report: ValidationReport, stage: Stage, error: string, hint?: string): ValidationReport {
  const { run: _run, ...rest } = report;
  const at = stageIndex(stage);
  const first = report.checks.find((c) => c.stage === stage)?.id;
  const checks = report.checks.map((check): CheckResult => {
    const index = stageIndex(check.stage);
    if (check.id === first) {
      const { reason: _reason, ...base } = check;
      return { ...base, status: 'failed', error, ...(hint ? { hint } : {}) };
    }
    if (index <= at) return check;
    const { error: _e, hint: _h, ...base } = check;
    return {
      ...base,
      status: 'skipped',
      durationMs: 0,
      evidence: {},
      reason: `skipped because stage '${stage}' failed (${first})`,
    };
  });
  return withChecks(rest, checks);
}

/** The report with one check changed. */
export function withCheck(report: ValidationReport, id: string, patch: Partial<CheckResult>): ValidationReport {
  if (!report.checks.some((c) => c.id === id)) throw new Error(`no check ${id} in the report`);
  return withChecks(
    report,
    report.checks.map((c) => (c.id === id ? { ...c, ...patch } : c)),
  );
}

/** The report with a gateway that answered: the golden report's skipped gateway checks passed, with evidence. */
export function withServingGateway(report: ValidationReport): ValidationReport {
  const evidence: Record<string, Record<string, unknown>> = {
    'contract.gateway.health': {
      endpoint: 'http://127.0.0.1:46613',
      latencyMs: 3.1,
      body: { status: 'ok', model_name: 'poblesec-forecast', model_version: '1', last_error: null },
    },
    'contract.gateway.serves-pointer-version': { pointerVersion: '1', servedVersion: '1', waitedMs: 4 },
    'contract.gateway.predict': { status: 200, latencyMs: 21.9, body: { predictions: [50.4282] } },
    'contract.gateway.latency': { requests: 20, p50Ms: 9.7, p95Ms: 13.8, maxMs: 14.4, budgetP95Ms: 500 },
  };
  return withChecks(
    report,
    report.checks.map((check): CheckResult => {
      const observed = evidence[check.id];
      if (!observed) return check;
      const { error: _e, hint: _h, reason: _r, ...base } = check;
      return { ...base, status: 'passed', evidence: observed };
    }),
  );
}
