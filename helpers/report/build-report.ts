import { maskDeep } from '../config/mask.js';
import type { RunContext, SubmissionHandoff } from './run-context.js';
import { type CheckResult, type ValidationReport, ValidationReportSchema, type Versions } from './schema.js';

export interface ReportInput {
  checks: CheckResult[];
  context: RunContext | undefined;
  startedAt: Date;
  finishedAt: Date;
  versions: Versions;
  /** The run the submission stage made, when it made one. */
  run?: SubmissionHandoff;
  /** Overrides for runs outside Vitest (the CLI knows its own target and provider). */
  target?: 'local' | 'cluster';
  stackProvider?: string;
}

/** Builds the validation report and validates it against its own schema (a bug if that fails). */
export function buildReport(input: ReportInput): ValidationReport {
  const { checks } = input;
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const report: ValidationReport = {
    schemaVersion: '1.0',
    target: input.target ?? input.context?.target ?? 'local',
    stackProvider: input.stackProvider ?? input.context?.stackProvider ?? 'none',
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
    environment: {
      config: maskDeep(input.context?.config ?? {}),
      sources: input.context?.sources ?? {},
      versions: input.versions,
    },
    summary: { total: checks.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
    ...(input.run ? { run: maskDeep(input.run) } : {}),
    checks: maskDeep(checks),
  };
  return ValidationReportSchema.parse(report);
}
