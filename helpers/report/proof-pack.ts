import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseReport } from './read-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import type { ValidationReport } from './schema.js';

/** The files written next to the validation report. */
export const SUMMARY_FILE = 'summary.md';
export const PAGE_FILE = 'index.html';

export interface ProofPackFiles {
  json: string;
  markdown: string;
  html: string;
  /** Set when the summary and the page could not be rendered; the JSON report is written regardless. */
  renderError?: string;
}

/**
 * Writes the validation report and, beside it, its Markdown summary and HTML page. Both are
 * rendered from the JSON as written and read back — exactly what `kfp-e2e report` reads later —
 * so rendering the saved file reproduces these bytes.
 */
export function writeProofPack(jsonFile: string, report: ValidationReport): ProofPackFiles {
  const dir = dirname(jsonFile);
  const files = { json: jsonFile, markdown: join(dir, SUMMARY_FILE), html: join(dir, PAGE_FILE) };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.json, text);
  // A defect in a renderer must not cost the run its evidence: the JSON is already on disk.
  try {
    const saved = parseReport(text, jsonFile);
    // buildReport validated the report against the same schema: a failure here is a bug of ours.
    if (!saved.ok) throw new Error(saved.message);
    writeFileSync(files.markdown, renderMarkdown(saved.report));
    writeFileSync(files.html, renderHtml(saved.report));
  } catch (error) {
    return { ...files, renderError: error instanceof Error ? error.message : String(error) };
  }
  return files;
}
