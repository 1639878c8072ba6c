/** The four stages, in the order they run. A failure in one skips every later one. */
export const STAGES = ['preflight', 'infrastructure', 'submission', 'contract'] as const;
export type Stage = (typeof STAGES)[number];

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}
