import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { STAGES } from '../checks/stage.js';

/** Position of a spec file in the run: unit tests first, then the stages in their fixed order. */
export function stageRank(moduleId: string): number {
  const normalized = moduleId.replaceAll('\\', '/');
  const index = STAGES.findIndex((stage) => normalized.includes(`/tests/${stage}/`));
  return index === -1 ? -1 : index;
}

/** Runs spec files stage by stage (preflight → infrastructure → submission → contract), by name within one. */
export class StageSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort(
      (a, b) => stageRank(a.moduleId) - stageRank(b.moduleId) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}
