import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { StageSequencer, stageRank } from './stage-sequencer.js';

describe('stageRank', () => {
  it.each([
    ['/repo/helpers/config/mask.test.ts', -1],
    ['/repo/tests/unit/report.test.ts', -1],
    ['/repo/helpers/checks/preflight/detect-format.test.ts', -1],
    ['/repo/tests/preflight/config.spec.ts', 0],
    ['/repo/tests/infrastructure/minio.spec.ts', 1],
    ['/repo/tests/submission/run.spec.ts', 2],
    ['/repo/tests/contract/mlflow.spec.ts', 3],
    ['C:\\repo\\tests\\contract\\gateway.spec.ts', 3],
    ['C:\\repo\\tests\\preflight\\ir.spec.ts', 0],
  ])('%s → %i', (path, rank) => {
    expect(stageRank(path)).toBe(rank);
  });
});

describe('StageSequencer', () => {
  const spec = (moduleId: string) => ({ moduleId }) as TestSpecification;

  it('orders unit files first, then preflight, infrastructure, submission, contract, by name within each', async () => {
    const files = [
      '/repo/tests/contract/mlflow.spec.ts',
      '/repo/tests/submission/run.spec.ts',
      '/repo/tests/infrastructure/postgres.spec.ts',
      '/repo/tests/preflight/pipeline.spec.ts',
      '/repo/helpers/util/retry-until.test.ts',
      '/repo/tests/contract/gateway.spec.ts',
      '/repo/tests/infrastructure/minio.spec.ts',
      '/repo/tests/preflight/config.spec.ts',
      '/repo/helpers/config/mask.test.ts',
    ];
    const sequencer = new StageSequencer({} as Vitest);
    const input = files.map(spec);
    const sorted = await sequencer.sort(input);
    expect(sorted.map((s) => s.moduleId)).toEqual([
      '/repo/helpers/config/mask.test.ts',
      '/repo/helpers/util/retry-until.test.ts',
      '/repo/tests/preflight/config.spec.ts',
      '/repo/tests/preflight/pipeline.spec.ts',
      '/repo/tests/infrastructure/minio.spec.ts',
      '/repo/tests/infrastructure/postgres.spec.ts',
      '/repo/tests/submission/run.spec.ts',
      '/repo/tests/contract/gateway.spec.ts',
      '/repo/tests/contract/mlflow.spec.ts',
    ]);
    // The input is left as it was (a copy is sorted).
    expect(input.map((s) => s.moduleId)).toEqual(files);
  });
});
