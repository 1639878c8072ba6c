import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

/**
 * The CI examples the README shows: each must run what a new user runs (`npm run setup`, then
 * `npm test`) and hand the reports to the CI system even when tests failed.
 */
function load(path: string): Record<string, any> {
  const document = parseDocument(readFileSync(join(PROJECT_ROOT, path), 'utf8'));
  expect(document.errors, `${path} parses`).toEqual([]);
  expect(document.warnings, `${path} parses cleanly`).toEqual([]);
  return document.toJS() as Record<string, any>;
}

/** The npm commands of a list of shell lines, in order (one command per line). */
function npmCommands(lines: string[]): string[] {
  return lines
    .flatMap((line) => line.split('\n'))
    .map((line) => line.trim())
    .filter((line) => /^npm\b/.test(line));
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

describe('examples/ci/github-actions.yml', () => {
  const workflow = load('examples/ci/github-actions.yml');
  const jobs = Object.values(workflow.jobs ?? {}) as { container?: unknown; steps: Step[] }[];
  const job = jobs[0]!;
  const steps = job.steps;
  const indexOf = (predicate: (step: Step) => boolean) => steps.findIndex(predicate);
  const npmTest = indexOf((step) => step.run?.trim() === 'npm test');

  it('is one job that triggers on push and pull requests', () => {
    expect(jobs).toHaveLength(1);
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('checks out, sets up Node 20, then runs exactly `npm run setup` and `npm test`', () => {
    const checkout = indexOf((step) => step.uses?.startsWith('actions/checkout@') ?? false);
    const node = indexOf((step) => step.uses?.startsWith('actions/setup-node@') ?? false);
    const setup = indexOf((step) => step.run?.trim() === 'npm run setup');
    expect(checkout).toBe(0);
    expect(String(steps[node]?.with?.['node-version'])).toBe('20');
    expect(node).toBeLessThan(setup);
    expect(npmCommands(steps.flatMap((step) => (step.run ? [step.run] : [])))).toEqual(['npm run setup', 'npm test']);
    expect(setup).toBeLessThan(npmTest);
  });

  it('runs as root on Debian 12, where setup can apt-get its packages', () => {
    const image = typeof job.container === 'string' ? job.container : (job.container as { image?: string })?.image;
    expect(image).toBe('node:20-bookworm');
  });

  it('publishes reports/junit.xml with a test-report action, always', () => {
    const publish = steps.find((step) =>
      /^(mikepenz\/action-junit-report|dorny\/test-reporter)@v\d+$/.test(step.uses ?? ''),
    );
    expect(publish, 'a test-report step').toBeDefined();
    expect(publish?.with?.report_paths ?? publish?.with?.path).toBe('reports/junit.xml');
    expect(publish?.if).toBe('always()');
    expect(steps.indexOf(publish!)).toBeGreaterThan(npmTest);
  });

  it('appends reports/summary.md to the job summary, always', () => {
    const summary = steps.find((step) => step.run?.includes('$GITHUB_STEP_SUMMARY'));
    expect(summary?.run).toMatch(/cat reports\/summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
    expect(summary?.if).toBe('always()');
  });

  it('uploads reports/ as an artifact, always', () => {
    const upload = steps.find((step) => step.uses === 'actions/upload-artifact@v4');
    expect(upload?.with?.path).toBe('reports/');
    expect(upload?.if).toBe('always()');
    expect(steps.indexOf(upload!)).toBeGreaterThan(npmTest);
  });
});

describe('examples/ci/gitlab-ci.yml', () => {
  const pipeline = load('examples/ci/gitlab-ci.yml');
  const job = pipeline.e2e as Record<string, any>;

  it('runs exactly `npm run setup` then `npm test` in node:20-bookworm (Debian 12, root)', () => {
    expect(job.image).toBe('node:20-bookworm');
    expect(job.script).toEqual(['npm run setup', 'npm test']);
    expect(npmCommands([...(job.before_script ?? []), ...(job.after_script ?? [])])).toEqual([]);
  });

  it('keeps reports/ and hands reports/junit.xml to GitLab, also when tests failed', () => {
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports.junit).toBe('reports/junit.xml');
    expect(job.artifacts.paths).toContain('reports/');
  });
});
