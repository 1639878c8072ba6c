import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, describe, expect } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';

const SAMPLE_PROJECT = join(PROJECT_ROOT, 'fixtures/junit/sample-project');
const SCRIPT = join(PROJECT_ROOT, 'scripts/check-junit.ts');
const TIMEOUT_MS = 30_000;

interface Verdict {
  status: number | null;
  /** stdout and stderr: the one-line verdict lands on one of them. */
  output: string;
}

/** The environment of a child Vitest: without this worker's VITEST_* variables, which it would misread. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
}

function run(command: string, args: string[], cwd = PROJECT_ROOT): Verdict {
  const child = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: TIMEOUT_MS });
  if (child.error) throw child.error;
  return { status: child.status, output: `${child.stdout}${child.stderr}`.trim() };
}

const checkJunit = (file: string) => run(process.execPath, ['--import', 'tsx', SCRIPT, file]);

/**
 * A temp dir holding the JUnit file Vitest's own junit reporter wrote for the sample project
 * (one passed, one failed, one skipped test): the real thing the invalid variants are made from.
 */
const test = base.extend<{ $file: { work: { dir: string; sample: string; xml: string; vitest: Verdict } } }>({
  work: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern; it has none.
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-junit-'));
      try {
        const sample = join(dir, 'sample.xml');
        const vitest = run('npx', [
          'vitest',
          'run',
          '--root',
          SAMPLE_PROJECT,
          '--reporter=junit',
          `--outputFile=${sample}`,
        ]);
        await use({ dir, sample, xml: readFileSync(sample, 'utf8'), vitest });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'file' },
  ],
});

describe('JUnit schema check (npm run check:junit)', { timeout: TIMEOUT_MS }, () => {
  test('Vitest’s junit report of the sample project passes, through the npm script', ({ work }) => {
    // The sample has a failing test on purpose: Vitest exits 1, and still writes the report.
    expect(work.vitest.status, work.vitest.output).toBe(1);
    expect(work.xml).toContain('<failure message="deliberately wrong');
    expect(work.xml).toContain('<skipped/>');
    const verdict = run('npm', ['run', '--silent', 'check:junit', '--', work.sample]);
    expect(verdict).toEqual({
      status: 0,
      output: expect.stringMatching(/^junit ok: .*sample\.xml: 1 suites, 3 tests, 1 failed, 1 skipped; valid against/),
    });
    expect(verdict.output.split('\n')).toHaveLength(1);
  });

  const invalid: [string, (xml: string) => string, RegExp][] = [
    [
      'a suite time in milliseconds',
      (xml) => xml.replace(/(<testsuite [^>]*time=")[^"]*"/, '$1184000"'),
      /time="184000" on testsuite "sample\.test\.ts" is not seconds/,
    ],
    [
      'a test case time in milliseconds',
      (xml) => xml.replace(/(<testcase [^>]*name="sample &gt; passes" time=")[^"]*"/, '$112500"'),
      /time="12500" on testcase "sample > passes" is not seconds/,
    ],
    [
      'a failure without a message',
      (xml) => xml.replace(/<failure message="[^"]*"/, '<failure'),
      /not valid against fixtures\/junit\/junit\.xsd: .*'failure': The attribute 'message' is required/,
    ],
    [
      'a failure with an empty message',
      (xml) => xml.replace(/<failure message="[^"]*"/, '<failure message=" "'),
      /1 failure\/error element\(s\) with an empty message, first in test case "sample > fails"/,
    ],
    [
      'a time with digit grouping',
      (xml) => xml.replace(/(<testcase [^>]*time=")[^"]*"/, '$11,234.5"'),
      /'1,234\.5' is not a valid value of the atomic type 'seconds'/,
    ],
    [
      'a test case without classname',
      (xml) => xml.replace(/<testcase classname="[^"]*"/, '<testcase'),
      /The attribute 'classname' is required/,
    ],
    [
      'a suite whose tests count is not its test cases',
      (xml) => xml.replace(/(<testsuite [^>]*tests=")3"/, '$14"'),
      /testsuite "sample\.test\.ts" says tests="4" but has 3 test cases/,
    ],
    [
      'a lone testsuite as the root',
      (xml) => xml.replace(/<testsuites[^>]*>/, '').replace('</testsuites>', ''),
      /No matching global declaration available for the validation root/,
    ],
  ];

  test.for(invalid)('fails on %s', ([, edit, message], { work }) => {
    const edited = edit(work.xml);
    expect(edited, 'the edit applied').not.toBe(work.xml);
    const file = join(work.dir, 'edited.xml');
    writeFileSync(file, edited);
    const verdict = checkJunit(file);
    expect(verdict.status, verdict.output).toBe(1);
    expect(verdict.output).toMatch(/^junit INVALID: /);
    expect(verdict.output).toMatch(message);
  });

  test('fails on a file that is not XML', ({ work }) => {
    const file = join(work.dir, 'not-xml.xml');
    writeFileSync(file, 'tests: 3\nfailures: 1\n');
    const verdict = checkJunit(file);
    expect(verdict.status).toBe(1);
    expect(verdict.output).toMatch(/^junit INVALID: .*not-xml\.xml is not well-formed XML: /);
  });

  test('exits 2 on a missing file', ({ work }) => {
    const verdict = checkJunit(join(work.dir, 'absent.xml'));
    expect(verdict.status).toBe(2);
    expect(verdict.output).toMatch(/absent\.xml not found/);
  });
});
