import { basename, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { STAGES } from './helpers/checks/stage.js';
import { StageSequencer } from './helpers/vitest/stage-sequencer.js';

/** JUnit classname: the stage, then the spec file, so CI groups failures by stage. */
function junitClassname({ filepath }: { filepath: string }): string {
  const path = relative(process.cwd(), filepath).replaceAll('\\', '/');
  const stage = STAGES.find((s) => path.startsWith(`tests/${s}/`)) ?? 'unit';
  return `${stage}.${basename(path).replace(/\.(spec|test)\.ts$/, '')}`;
}

/** Where the reports go (E2E_REPORTS_DIR, default reports/): a nested run must not overwrite the outer one's. */
const reportsDir = process.env.E2E_REPORTS_DIR ?? 'reports';

export default defineConfig({
  test: {
    sequence: { sequencer: StageSequencer },
    reporters: [
      'default',
      ['junit', { outputFile: `${reportsDir}/junit.xml`, classnameTemplate: junitClassname, suiteName: 'kfp-e2e' }],
      ['./helpers/report/validation-reporter.ts', { outputFile: `${reportsDir}/validation-report.json` }],
    ],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['helpers/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: STAGES.map((stage) => `tests/${stage}/**/*.spec.ts`),
          globalSetup: ['./helpers/stack/global-setup.ts'],
          // Stages share one stack and run in order; a failed stage gates the next.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
