import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runE2eProject } from './e2e-child/run-e2e-project.js';

/**
 * `npm run test:cluster` with no endpoint set and no cluster to discover them in: the run must stop
 * in preflight, quickly, with one failed check whose message says what to set or start — not hang
 * on DNS or fail in every later stage. This is the real E2E project in a child Vitest, with its
 * reports in a temporary directory.
 */
describe('cluster target with no cluster and no endpoints', () => {
  const reports = mkdtempSync(join(tmpdir(), 'kfp-e2e-no-cluster-'));
  afterAll(() => rmSync(reports, { recursive: true, force: true }));

  it('fails in preflight with one message, and every later stage is skipped', { timeout: 120_000 }, () => {
    // Nothing configured: not by this shell, not by a config file.
    const { run, report, seconds } = runE2eProject(
      { E2E_TARGET: 'cluster', KUBECTL: join(reports, 'no-kubectl-here') },
      reports,
      120_000,
    );
    expect(run.status, run.stderr).toBe(1);
    // Generous for a loaded CI machine; on this one the whole child run takes a few seconds.
    expect(seconds).toBeLessThan(60);

    expect(report.target).toBe('cluster');
    const failed = report.checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toEqual(['preflight.cluster.endpoints']);
    expect(failed[0]?.error).toContain('not set and no cluster reachable to discover them');
    expect(failed[0]?.hint).toContain('KFP_HOST');
    const later = report.checks.filter((c) => c.stage !== 'preflight');
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((c) => c.status !== 'skipped').map((c) => c.id)).toEqual([]);
    expect(run.stdout).toContain('preflight.cluster.endpoints');
  });
});
