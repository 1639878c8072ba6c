import { maskText } from './mask.js';

export type ConfigSource = 'flag' | 'env' | 'file' | 'stack' | 'discovered' | 'default';

export interface ConfigIssue {
  key: string;
  /** Where the offending value came from; `missing` when no layer gave one. */
  source: ConfigSource | 'missing';
  /** How the user sets it: the environment variable or the file path. */
  origin?: string;
  /** The value as seen (already masked when the key is a secret). */
  value?: string;
  expected: string;
}

/** Every problem of a configuration at once, so the user fixes them in one go. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const where =
      issue.source === 'missing' ? 'not set' : `from ${issue.source}${issue.origin ? ` (${issue.origin})` : ''}`;
    const seen = issue.value === undefined ? '' : ` value ${JSON.stringify(issue.value)}`;
    // No "key:" form: the masker would take the word after a secret-named key for its value.
    return `  - ${issue.key} — ${where}${seen} — ${issue.expected}`;
  });
  return maskText(
    `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
  );
}
