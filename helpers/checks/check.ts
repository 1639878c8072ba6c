import { maskDeep, maskText } from '../config/mask.js';
import type { CheckResult } from '../report/schema.js';
import type { Stage } from './stage.js';

/** What a check decides. Evidence is what it observed, whatever the verdict. */
export type CheckOutcome =
  | { status: 'passed'; evidence: Record<string, unknown> }
  | { status: 'failed'; evidence: Record<string, unknown>; error: string; hint?: string }
  | { status: 'skipped'; evidence: Record<string, unknown>; reason: string };

export interface Check<Ctx> {
  /** `<stage>.<subject>.<property>`, stable across releases: reports and dashboards key on it. */
  id: string;
  stage: Stage;
  title: string;
  run(ctx: Ctx): Promise<CheckOutcome> | CheckOutcome;
}

export const pass = (evidence: Record<string, unknown> = {}): CheckOutcome => ({ status: 'passed', evidence });

export const fail = (error: string, hint?: string, evidence: Record<string, unknown> = {}): CheckOutcome => ({
  status: 'failed',
  evidence,
  error,
  ...(hint ? { hint } : {}),
});

export const skip = (reason: string, evidence: Record<string, unknown> = {}): CheckOutcome => ({
  status: 'skipped',
  evidence,
  reason,
});

/** An error that knows what the user should try next. Clients throw it; checks turn it into a hint. */
export class HintedError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HintedError';
    this.hint = hint;
  }
}

/**
 * Runs one check and never throws: an exception inside a check is a failed check with the
 * exception's message (masked), not a crash of the run.
 */
export async function runCheck<Ctx>(check: Check<Ctx>, ctx: Ctx): Promise<CheckResult> {
  const startedAt = new Date();
  const started = performance.now();
  let outcome: CheckOutcome;
  try {
    outcome = await check.run(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof HintedError ? error.hint : undefined;
    outcome = fail(message, hint);
  }
  return toResult(check, outcome, performance.now() - started, startedAt);
}

export function toResult<Ctx>(
  check: Check<Ctx>,
  outcome: CheckOutcome,
  durationMs: number,
  startedAt: Date = new Date(),
): CheckResult {
  const result: CheckResult = {
    id: check.id,
    stage: check.stage,
    title: check.title,
    status: outcome.status,
    durationMs: Math.round(durationMs * 10) / 10,
    startedAt: startedAt.toISOString(),
    evidence: maskDeep(outcome.evidence),
  };
  if (outcome.status === 'failed') {
    result.error = maskText(outcome.error);
    if (outcome.hint) result.hint = maskText(outcome.hint);
  }
  if (outcome.status === 'skipped') result.reason = maskText(outcome.reason);
  return result;
}
