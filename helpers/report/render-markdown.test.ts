import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { code, fenced, renderMarkdown } from './render-markdown.js';
import { goldenReport, preflightOnly, withCheck, withServingGateway } from './test-support.js';

afterEach(() => clearRegisteredSecrets());

/** The cells of a Markdown table row: split on pipes that are not escaped. */
const cellsOf = (row: string) =>
  row
    .trim()
    .slice(1, -1)
    .split(/(?<!\\)\|/);

/** The table that follows a heading (or the first table after `from` in the text). */
function tableAfter(markdown: string, marker: string): string[] {
  const start = markdown.indexOf(marker);
  expect(start, marker).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

describe('renderMarkdown of the golden report', () => {
  const md = renderMarkdown(goldenReport());

  it('starts with the verdict line', () => {
    expect(md.split('\n')[0]).toBe('## ❌ kfp-e2e: FAILED — 2 of 56 checks failed (contract); 5 skipped');
  });

  it('has a stage table with one row per stage and its counts', () => {
    const rows = tableAfter(md, '### Stages');
    expect(rows).toHaveLength(6);
    expect(
      cellsOf(rows[5]!)
        .map((c) => c.trim())
        .slice(0, 5),
    ).toEqual(['contract', '❌ failed', '12', '2', '4']);
  });

  it('shows every failed check with its error and hint, before the run details', () => {
    const failures = md.slice(md.indexOf('### Failed checks (2)'), md.indexOf('### Run'));
    const report = goldenReport();
    for (const check of report.checks.filter((c) => c.status === 'failed')) {
      expect(failures).toContain(`\`${check.id}\``);
      expect(failures).toContain(check.error);
      // Prose is escaped: compare with the escaping undone.
      expect(failures.replace(/\\(.)/g, '$1')).toContain(`**Hint:** ${check.hint}`);
    }
  });

  it('lists the run, the artifacts, MLflow, the gateway, the environment and the durations', () => {
    for (const heading of ['### Run', '### Artifacts', '### MLflow', '### Gateway', '### Environment', '### Durations'])
      expect(md).toContain(`${heading}\n`);
    expect(md).toContain('| run id | `e225f187-28f7-463d-8065-1f91f2f1c9d5` |');
    const artifacts = tableAfter(md, '### Artifacts');
    expect(artifacts).toHaveLength(5);
    expect(artifacts[3]).toContain(
      '| `processed-data` | `processed/PobleSec/kfp-e2e/data.csv` | csv | 216.9 KiB | 2160 |',
    );
    expect(md).toContain('| ❌ rmse | 6.4213 | `<= 6.0` — outside |');
    expect(md).toContain('| alias | `champion` → version `1` |');
    expect(md).toContain('"secretKey": "***"');
  });

  it('gives the served version and latency figures when the gateway answered', () => {
    const served = renderMarkdown(withServingGateway(goldenReport()));
    expect(served).toContain('| served version | `1` (pointer names `1`) |');
    expect(served).toContain('| latency | p50 9.7 ms, p95 13.8 ms, max 14.4 ms over 20 requests (p95 budget 500 ms) |');
  });

  it('lists all checks, the failed ones first, in a collapsed table', () => {
    const rows = tableAfter(md, '<summary>All 56 checks</summary>').slice(2);
    expect(rows).toHaveLength(56);
    expect(rows.slice(0, 2).every((r) => r.includes('❌ failed'))).toBe(true);
    expect(rows.slice(2).some((r) => r.includes('❌ failed'))).toBe(false);
  });
});

describe('renderMarkdown escaping and masking', () => {
  it('keeps a table intact when an error holds pipes, newlines and markup', () => {
    const report = withCheck(goldenReport(), 'contract.gateway.health', {
      error: 'a | b\nsecond line <script>alert(1)</script> **bold** [x](y)',
    });
    const md = renderMarkdown(report);
    const rows = tableAfter(md, '<summary>All 56 checks</summary>');
    for (const row of rows) expect(cellsOf(row)).toHaveLength(4);
    const row = rows.find((r) => r.includes('contract.gateway.health'));
    expect(row).toContain('a \\| b …');
    // Outside a code block, no tag reaches the page.
    const outsideFences = md.replace(/(`{3,})[\s\S]*?\1/g, '');
    expect(outsideFences).not.toMatch(/<script>/);
  });

  it('shows an error in a fence that a backtick run inside cannot close', () => {
    expect(fenced('a ``` b')).toBe('````text\na ``` b\n````');
    expect(code('x`y')).toBe('``x`y``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('a|b', false)).toBe('`a|b`');
  });

  it('never prints a registered secret, even from a report that was not masked', () => {
    registerSecret('hunter2-in-report');
    const report = withCheck(goldenReport(), 'contract.mlflow.metrics-thresholds', {
      error: 'token hunter2-in-report rejected',
      hint: 'check hunter2-in-report',
    });
    const md = renderMarkdown(report);
    expect(md).not.toContain('hunter2-in-report');
    expect(md).toContain('token *** rejected');
  });
});

describe('renderMarkdown of a preflight-only report', () => {
  it('passes and says what was not reached instead of failing', () => {
    const md = renderMarkdown(preflightOnly(goldenReport()));
    expect(md.split('\n')[0]).toBe(
      '## ✅ kfp-e2e: PASSED — 9 of 10 checks passed; 1 skipped; not reached: infrastructure, submission, contract',
    );
    expect(md).toContain('### Run\n\n_not reached: the submission stage did not run_');
    expect(md).toContain('### Gateway\n\n_not reached: the contract stage did not run_');
    expect(md).not.toContain('### Failed checks');
  });
});
