import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeProofPack } from './proof-pack.js';
import { readReport } from './read-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { goldenReport } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-proof-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeProofPack', () => {
  it('writes the JSON report, summary.md and index.html side by side', () => {
    const files = writeProofPack(join(dir, 'out', 'validation-report.json'), goldenReport());
    expect(files).toEqual({
      json: join(dir, 'out', 'validation-report.json'),
      markdown: join(dir, 'out', 'summary.md'),
      html: join(dir, 'out', 'index.html'),
    });
    const saved = readReport(files.json);
    expect(saved.ok && saved.report).toEqual(goldenReport());
  });

  it('renders from the JSON as saved, so rendering the saved file later gives the same bytes', () => {
    const files = writeProofPack(join(dir, 'again', 'validation-report.json'), goldenReport());
    const saved = readReport(files.json);
    if (!saved.ok) throw new Error(saved.message);
    expect(readFileSync(files.html, 'utf8')).toBe(renderHtml(saved.report));
    expect(readFileSync(files.markdown, 'utf8')).toBe(renderMarkdown(saved.report));
  });
});

describe('readReport', () => {
  it('names the file and the first schema problems', () => {
    const read = readReport(join(dir, 'missing.json'));
    expect(read).toEqual({
      ok: false,
      message: `cannot read the validation report ${join(dir, 'missing.json')}: no such file (run the suite first, or pass --input FILE)`,
    });
    expect(readReport(dir)).toMatchObject({ ok: false, message: expect.stringContaining('it is a directory') });
  });
});
