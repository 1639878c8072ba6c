import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../../helpers/config/keys.js';
import type { ValidationReport } from '../../../helpers/report/schema.js';
import { PROJECT_ROOT } from '../../../helpers/stack/project-paths.js';

/**
 * The suite's E2E project in a child Vitest, as `npm run test:cluster` runs it, with nothing
 * configured but what `env` says (no setting of this shell, no config file, no reused stack) and
 * its reports in `reportsDir`, so the outer run's reports stay untouched.
 */
export function runE2eProject(env: Record<string, string>, reportsDir: string, timeoutMs: number) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete childEnv[key.env];
  for (const name of ['E2E_CONFIG', 'E2E_PRESET', 'STACK_REUSE']) delete childEnv[name];
  Object.assign(childEnv, env, { E2E_REPORTS_DIR: reportsDir, CI: 'true' });
  const started = performance.now();
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'e2e'], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(readFileSync(join(reportsDir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return { run, report, seconds, env: childEnv };
}
