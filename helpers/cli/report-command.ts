import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, Option } from 'commander';
import { readReport } from '../report/read-report.js';
import { renderHtml } from '../report/render-html.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { action } from './action.js';
import { EXIT, out } from './output.js';
import { UsageError } from './usage-error.js';

export type ReportFormat = 'md' | 'html';

interface ReportOptions {
  input: string;
  format: ReportFormat;
  output?: string;
}

const RENDERERS = { md: renderMarkdown, html: renderHtml } as const;

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'render a validation report as a Markdown summary (CI job summary, MR note) or a self-contained HTML page',
    )
    .option('--input <file>', 'the validation report to render', 'reports/validation-report.json')
    .addOption(new Option('--format <format>', 'md or html').choices(['md', 'html']).default('md'))
    .option('--output <file>', 'write here instead of printing to stdout')
    .addHelpText(
      'after',
      '\nThe Vitest run writes both next to its report (reports/summary.md, reports/index.html); this renders any saved report the same way.\nExit codes: 0 rendered, 2 the input is missing, not JSON or not a validation report.',
    )
    .action(action(report));
}

function report(options: ReportOptions): number {
  const read = readReport(options.input);
  if (!read.ok) throw new UsageError(read.message);
  const rendered = RENDERERS[options.format](read.report);
  if (options.output) {
    mkdirSync(dirname(options.output), { recursive: true });
    writeFileSync(options.output, rendered);
    out(`wrote ${options.output} (${options.format}, ${read.report.checks.length} checks)`);
  } else {
    // Written as rendered, byte for byte: the renderers mask the report themselves (maskDeep), and
    // masking the finished page again could only alter markup, never remove a secret.
    process.stdout.write(rendered);
  }
  return EXIT.ok;
}
