import { inject, test } from 'vitest';
import { type Check, runCheck, skip as skipOutcome, toResult } from '../checks/check.js';
import type { CheckResult } from '../report/schema.js';
import './provided-context.js';
import { blockedBy, recordStageFailure } from './stage-gate.js';

declare module 'vitest' {
  interface TaskMeta {
    /** The check's result, read by the validation-report reporter. */
    check?: CheckResult;
  }
}

/** The failure Vitest (and so JUnit) shows: the check's error and hint, no stack noise. */
export class CheckFailedError extends Error {
  constructor(result: CheckResult) {
    super(`${result.error ?? 'check failed'}${result.hint ? `\nhint: ${result.hint}` : ''}`);
    this.name = 'CheckFailed';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * Declares one Vitest test for one check. The test is skipped with the reason when an earlier
 * stage failed; otherwise the check runs, its result travels in the test's meta to the reporter,
 * and a failed check fails the test with the check's own message.
 */
export function checkTest<Ctx>(check: Check<Ctx>, context: () => Ctx | Promise<Ctx>, timeoutMs?: number): void {
  test(`${check.id}: ${check.title}`, { timeout: timeoutMs }, async ({ task, skip }) => {
    const gateFile = inject('stageGateFile');
    const blocked = blockedBy(gateFile, check.stage);
    if (blocked) {
      task.meta.check = toResult(check, skipOutcome(blocked), 0);
      skip(blocked);
      return;
    }
    // The context is built inside the check so that, say, an invalid configuration fails this
    // check with its message instead of crashing the spec file.
    const result = await runCheck<void>({ ...check, run: async () => check.run(await context()) }, undefined);
    task.meta.check = result;
    if (result.status === 'failed') {
      recordStageFailure(gateFile, check.stage, check.id);
      throw new CheckFailedError(result);
    }
    if (result.status === 'skipped') skip(result.reason);
  });
}
