import { stageIndex } from '../checks/stage.js';
import type { CheckResult } from './schema.js';

/**
 * Checks in the order they ran: by stage (preflight, infrastructure, submission, contract), then
 * by `startedAt`. Vitest hands the reporter its modules by file path (so contract came first); a
 * report reads as a story only in stage order. A check without `startedAt` (a spec file that
 * failed to load) keeps its place after the check collected before it; ties keep collection order.
 */
export function orderChecks(checks: readonly CheckResult[]): CheckResult[] {
  let previous = Number.NEGATIVE_INFINITY;
  const keyed = checks.map((check, index) => {
    const started = check.startedAt === undefined ? Number.NaN : Date.parse(check.startedAt);
    const time = Number.isNaN(started) ? previous : started;
    previous = time;
    return { check, index, stage: stageIndex(check.stage), time };
  });
  keyed.sort((a, b) => a.stage - b.stage || a.time - b.time || a.index - b.index);
  return keyed.map((k) => k.check);
}
