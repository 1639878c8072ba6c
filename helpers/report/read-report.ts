import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { type ValidationReport, ValidationReportSchema } from './schema.js';

export type ReportRead = { ok: true; report: ValidationReport } | { ok: false; message: string };

/** Problems quoted in the message; a report that is wrong everywhere needs only its first few. */
const QUOTED_PROBLEMS = 5;

/** A validation report from a file, or one message naming the file and what is wrong with it. */
export function readReport(file: string): ReportRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file (run the suite first, or pass --input FILE)'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : (error as Error).message;
    return { ok: false, message: `cannot read the validation report ${file}: ${why}` };
  }
  return parseReport(text, file);
}

/** `source` names where the text came from, for the message. */
export function parseReport(text: string, source: string): ReportRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${source} is not JSON: ${(error as Error).message}` };
  }
  const parsed = ValidationReportSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      message: `${source} is not a kfp-e2e validation report (schema 1.0): ${describeIssues(parsed.error.issues)}`,
    };
  }
  return { ok: true, report: parsed.data };
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, QUOTED_PROBLEMS).map((issue) => `${pathOf(issue.path)}: ${issue.message}`);
  const more = issues.length > QUOTED_PROBLEMS ? `; and ${issues.length - QUOTED_PROBLEMS} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** `['checks', 3, 'id']` → `checks[3].id`; the root is `(root)`. */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
