import { z } from 'zod';
import { STAGES } from '../checks/stage.js';

/** Stable check id: `<stage>.<subject>.<property>`, lower-case words joined by hyphens. */
export const CheckIdSchema = z
  .string()
  .regex(
    /^(preflight|infrastructure|submission|contract)\.[a-z0-9-]+\.[a-z0-9-]+$/,
    'expected <stage>.<subject>.<property>',
  );

export const CheckStatusSchema = z.enum(['passed', 'failed', 'skipped']);

export const CheckResultSchema = z.object({
  id: CheckIdSchema,
  stage: z.enum(STAGES),
  title: z.string().min(1),
  status: CheckStatusSchema,
  durationMs: z.number().nonnegative(),
  /** When the check began: with durationMs, its bar on the report's timeline. */
  startedAt: z.iso.datetime().optional(),
  /** What was observed, attached by the check itself. */
  evidence: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
  hint: z.string().optional(),
  /** Why a skipped check did not run. */
  reason: z.string().optional(),
});

export const VersionsSchema = z.object({
  node: z.string(),
  kfpE2e: z.string(),
  kfpSdk: z.string().optional(),
  gitCommit: z.string().optional(),
});

/** The KFP run the submission stage made (helpers/report/run-context.ts `SubmissionHandoff`). */
export const RunDetailsSchema = z.object({
  runId: z.string().min(1),
  pipelineId: z.string(),
  versionId: z.string(),
  experimentId: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  /** The run's last known state: SUCCEEDED, FAILED, … */
  state: z.string(),
  submittedAt: z.iso.datetime({ offset: true }).optional(),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  /** The run's page in the KFP UI, when kfp.uiHost is configured. */
  uiUrl: z.string().optional(),
});

export const ValidationReportSchema = z.object({
  schemaVersion: z.literal('1.0'),
  target: z.enum(['local', 'cluster']),
  stackProvider: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  environment: z.object({
    config: z.record(z.string(), z.unknown()),
    sources: z.record(z.string(), z.string()),
    versions: VersionsSchema,
  }),
  summary: z.object({
    total: z.number().int().nonnegative(),
    passed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
  }),
  /** Absent when no run was submitted (a preflight-only report, a stage before submission failed). */
  run: RunDetailsSchema.optional(),
  checks: z.array(CheckResultSchema),
});

export type CheckStatus = z.infer<typeof CheckStatusSchema>;
export type CheckResult = z.infer<typeof CheckResultSchema>;
export type Versions = z.infer<typeof VersionsSchema>;
export type RunDetails = z.infer<typeof RunDetailsSchema>;
export type ValidationReport = z.infer<typeof ValidationReportSchema>;
