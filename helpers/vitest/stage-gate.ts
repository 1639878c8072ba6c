import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { STAGES, type Stage, stageIndex } from '../checks/stage.js';

/**
 * Remembers which checks failed in which stage across spec files (they run one after another in
 * stage order). A check in a later stage asks `blockedBy` before it runs.
 */
export function recordStageFailure(gateFile: string, stage: Stage, checkId: string): void {
  appendFileSync(gateFile, `${JSON.stringify({ stage, checkId })}\n`);
}

export function blockedBy(gateFile: string, stage: Stage): string | undefined {
  if (!existsSync(gateFile)) return undefined;
  const failures = readFileSync(gateFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { stage: Stage; checkId: string })
    .filter((f) => stageIndex(f.stage) < stageIndex(stage));
  if (failures.length === 0) return undefined;
  const first = STAGES.find((s) => failures.some((f) => f.stage === s)) as Stage;
  const ids = failures.filter((f) => f.stage === first).map((f) => f.checkId);
  const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
  return `skipped because stage '${first}' failed (${shown})`;
}
