import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractChecks } from '../../helpers/checks/contract/contract-checks.js';
import { contractFileValid } from '../../helpers/checks/contract/contract-file.js';
import { loadContract } from '../../helpers/checks/contract/load-contract.js';
import { infrastructureChecks } from '../../helpers/checks/infrastructure/index.js';
import { stackStarted } from '../../helpers/checks/infrastructure/stack-started.js';
import { clusterPreflightChecks } from '../../helpers/checks/preflight/cluster/index.js';
import { preflightChecks } from '../../helpers/checks/preflight/index.js';
import { submissionChecks } from '../../helpers/checks/submission/submission-checks.js';
import { buildProgram } from '../../helpers/cli/main.js';
import { CONFIG_KEYS } from '../../helpers/config/keys.js';
import { CheckIdSchema } from '../../helpers/report/schema.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

/** Every check the suite can report, whichever spec or command runs it. */
const referenceContract = loadContract(join(PROJECT_ROOT, 'fixtures/poblesec/contract.yaml'));
const allChecks = [
  ...preflightChecks,
  ...clusterPreflightChecks,
  stackStarted,
  ...infrastructureChecks,
  ...submissionChecks,
  contractFileValid,
  ...contractChecks(referenceContract),
];

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README stays true to the code', () => {
  it('the check catalogue lists exactly the check ids the code defines', () => {
    const catalogue = section('Check catalogue');
    const documented = [...catalogue.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]);
    const defined = allChecks.map((c) => c.id);
    expect([...documented].sort()).toEqual([...defined].sort());
  });

  it('check ids are unique and follow <stage>.<subject>.<property>', () => {
    const ids = allChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of allChecks) {
      expect(CheckIdSchema.safeParse(check.id).success, check.id).toBe(true);
      expect(check.id.startsWith(`${check.stage}.`), check.id).toBe(true);
    }
  });

  it('the configuration reference documents every key and its environment variable', () => {
    const reference = section('Configuration');
    for (const key of CONFIG_KEYS) expect(reference, key.path).toContain(`| \`${key.path}\` | \`${key.env}\` |`);
    const documented = [...reference.matchAll(/^\| `([a-zA-Z.]+)` \| `[A-Z_0-9]+` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(CONFIG_KEYS.map((k) => k.path).sort());
  });

  it('the CLI section names every command the CLI has', () => {
    const cli = section('CLI');
    for (const command of buildProgram().commands) expect(cli, command.name()).toContain(`kfp-e2e ${command.name()}`);
  });

  it('the quick start is the two commands CI runs', () => {
    const ci = readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8');
    expect(section('Quick start')).toMatch(/npm run setup[\s\S]*npm test/);
    expect(ci).toMatch(/npm run setup[\s\S]*npm test/);
  });
});
