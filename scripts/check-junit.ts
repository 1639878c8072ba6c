/**
 * `npm run check:junit [file]` — is the JUnit report (default reports/junit.xml) what CI systems
 * ingest? Valid against fixtures/junit/junit.xsd (xmllint does the XML and the schema), times in
 * seconds, every failure and error with a message, suite counts that match their test cases.
 * One line of verdict; exit 0 valid, 1 invalid, 2 could not check (no such file, no xmllint).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../helpers/stack/project-paths.js';

const SCHEMA = join(PROJECT_ROOT, 'fixtures/junit/junit.xsd');
/** A time this large (2 h 46 min for one suite) is milliseconds written where seconds belong. */
const MAX_SECONDS = 10_000;
const XMLLINT_TIMEOUT_MS = 30_000;

class Verdict extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

function xmllint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('xmllint', args, { encoding: 'utf8', timeout: XMLLINT_TIMEOUT_MS });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Verdict(
      missing
        ? 'xmllint not found: run `npm run setup` (it installs libxml2-utils)'
        : `xmllint failed: ${run.error.message}`,
      2,
    );
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** An XPath 1.0 expression's value (a number or a string) over the file, as xmllint prints it. */
function xpath(file: string, expression: string): string {
  return xmllint(['--xpath', expression, file]).stdout.trim();
}

/** The first lines xmllint wrote, without the file name it repeats on every line. */
function firstLines(text: string, file: string, count = 2): string {
  return (
    text
      .split('\n')
      // Drop the caret lines under quoted source and the closing "<file> fails to validate".
      .filter((line) => line.trim() && !/^\s*\^\s*$/.test(line) && !line.endsWith(' fails to validate'))
      .slice(0, count)
      .map((line) => line.replaceAll(`${file}:`, 'line ').trim())
      .join(' | ')
  );
}

/** Relative to the current directory when inside it, else as given. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function check(file: string): string {
  const shown = display(file);
  if (!existsSync(file)) throw new Verdict(`junit: ${shown} not found (npm test writes reports/junit.xml)`, 2);
  const schema = xmllint(['--noout', '--schema', SCHEMA, file]);
  if (schema.status !== 0) {
    const what = /parser error/.test(schema.stderr) ? 'not well-formed XML' : `not valid against ${display(SCHEMA)}`;
    throw new Verdict(`junit INVALID: ${shown} is ${what}: ${firstLines(schema.stderr, file)}`, 1);
  }
  const hugeTimes = Number(xpath(file, `count(//@time[number(.) >= ${MAX_SECONDS}])`));
  if (hugeTimes > 0) {
    const first = `(//*[@time >= ${MAX_SECONDS}])[1]`;
    const where = `${xpath(file, `name(${first})`)} "${xpath(file, `string(${first}/@name)`)}"`;
    throw new Verdict(
      `junit INVALID: ${shown}: time="${xpath(file, `string(${first}/@time)`)}" on ${where} is not seconds ` +
        `(>= ${MAX_SECONDS}: milliseconds?); ${hugeTimes} such time attribute(s)`,
      1,
    );
  }
  const silent = '//*[(self::failure or self::error) and normalize-space(@message) = ""]';
  const silentCount = Number(xpath(file, `count(${silent})`));
  if (silentCount > 0) {
    const test = xpath(file, `string((${silent})[1]/../@name)`);
    throw new Verdict(
      `junit INVALID: ${shown}: ${silentCount} failure/error element(s) with an empty message, first in test case "${test}"`,
      1,
    );
  }
  const miscounted = '//testsuite[@tests != count(testcase)]';
  if (Number(xpath(file, `count(${miscounted})`)) > 0) {
    const suite = `(${miscounted})[1]`;
    throw new Verdict(
      `junit INVALID: ${shown}: testsuite "${xpath(file, `string(${suite}/@name)`)}" says tests="${xpath(file, `string(${suite}/@tests)`)}" ` +
        `but has ${xpath(file, `count(${suite}/testcase)`)} test cases`,
      1,
    );
  }
  if (xpath(file, 'boolean(/testsuites[@tests and @tests != count(testsuite/testcase)])') === 'true') {
    throw new Verdict(
      `junit INVALID: ${shown}: testsuites says tests="${xpath(file, 'string(/testsuites/@tests)')}" ` +
        `but has ${xpath(file, 'count(/testsuites/testsuite/testcase)')} test cases`,
      1,
    );
  }
  const count = (expression: string) => xpath(file, `count(${expression})`);
  return (
    `junit ok: ${shown}: ${count('//testsuite')} suites, ${count('//testcase')} tests, ` +
    `${count('//testcase[failure or error]')} failed, ${count('//testcase[skipped]')} skipped; ` +
    `valid against ${display(SCHEMA)}, times in seconds`
  );
}

try {
  // A path given is relative to where the user typed it (npm runs scripts from the package root).
  const given = process.argv[2];
  const file = given ? resolve(process.env.INIT_CWD ?? process.cwd(), given) : join(PROJECT_ROOT, 'reports/junit.xml');
  console.log(check(file));
} catch (error) {
  if (!(error instanceof Verdict)) throw error;
  console.error(error.message);
  process.exit(error.exitCode);
}
