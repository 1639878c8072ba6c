import { formatBytes, formatDuration, formatNumber, formatTimestamp } from './format-values.js';
import { type ProofFacts, proofFacts, type Section, type StageStatus } from './proof-facts.js';
import type { CheckStatus, ValidationReport } from './schema.js';

/**
 * The proof pack as Markdown, sized for a GitHub Actions job summary ($GITHUB_STEP_SUMMARY) or a
 * GitLab merge-request note: the verdict first, then what failed and what to try, then the run,
 * its artifacts, the model and the gateway, the environment and the durations. Every string from
 * the report is escaped: an error message cannot break a table or inject markup.
 */
export function renderMarkdown(report: ValidationReport): string {
  const facts = proofFacts(report);
  const blocks = [
    verdict(facts),
    stages(facts),
    failures(facts),
    runDetails(facts),
    artifacts(facts),
    mlflow(facts),
    gateway(facts),
    environment(facts),
    durations(facts),
    allChecks(facts),
  ];
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}

const STATUS_ICON: Record<StageStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  'not reached': '➖',
};

function verdict(facts: ProofFacts): string {
  const { verdict: v, environment: env } = facts;
  const icon = v.status === 'passed' ? '✅' : v.status === 'failed' ? '❌' : '⚠️';
  const meta = [
    `target ${code(env.target, false)}`,
    `stack ${code(env.stackProvider, false)}`,
    `duration ${formatDuration(facts.durations.totalMs)}`,
    `finished ${text(formatTimestamp(env.finishedAt))}`,
    ...(env.versions.gitCommit ? [`commit ${code(env.versions.gitCommit.slice(0, 12), false)}`] : []),
  ];
  return `## ${icon} kfp-e2e: ${v.label} — ${text(v.headline)}\n\n${meta.join(' · ')}`;
}

function stages(facts: ProofFacts): string {
  const rows = facts.stages.map((s) => [
    s.stage,
    `${STATUS_ICON[s.status]} ${s.status}`,
    String(s.passed),
    String(s.failed),
    String(s.skipped),
    s.total === 0 ? '–' : formatDuration(s.wallMs ?? s.checksMs),
    s.note ? cell(s.note) : '',
  ]);
  return `### Stages\n\n${table(['stage', 'result', 'passed', 'failed', 'skipped', 'time', 'note'], rows, 'llrrrrl')}`;
}

function failures(facts: ProofFacts): string {
  if (facts.failed.length === 0) return '';
  const items = facts.failed.map((f) => {
    const hint = f.hint ? `\n\n**Hint:** ${text(f.hint)}` : '';
    return `#### ❌ ${code(f.id, false)} — ${text(f.title)}\n\n${fenced(f.error)}${hint}`;
  });
  return `### Failed checks (${facts.failed.length})\n\n${items.join('\n\n')}`;
}

function runDetails(facts: ProofFacts): string {
  return section('Run', facts.run, (run) => {
    const rows: [string, string][] = [['run id', code(run.runId)]];
    if (run.displayName) rows.push(['name', code(run.displayName)]);
    if (run.state) rows.push(['state', `${runStateIcon(run.state)} ${cell(run.state)}`]);
    if (run.pipelineId || run.pipelineName)
      rows.push([
        'pipeline',
        joined(run.pipelineName && cell(run.pipelineName), run.pipelineId && code(run.pipelineId)),
      ]);
    if (run.versionId) rows.push(['pipeline version', code(run.versionId)]);
    if (run.experimentId || run.experimentName)
      rows.push([
        'experiment',
        joined(run.experimentName && cell(run.experimentName), run.experimentId && code(run.experimentId)),
      ]);
    if (run.parameters && Object.keys(run.parameters).length > 0)
      rows.push([
        'parameters',
        Object.entries(run.parameters)
          .map(([k, v]) => code(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`, true))
          .join(' '),
      ]);
    if (run.submittedAt) rows.push(['submitted', cell(formatTimestamp(run.submittedAt))]);
    if (run.finishedAt) rows.push(['finished', cell(formatTimestamp(run.finishedAt))]);
    if (run.waitedMs !== undefined) rows.push(['waited', formatDuration(run.waitedMs)]);
    if (run.tasks) rows.push(['tasks', run.tasks.map((t) => `${cell(t.name)} ${cell(t.state)}`).join(', ')]);
    if (run.uiUrl) rows.push(['KFP UI', link(run.uiUrl)]);
    if (run.source === 'evidence')
      rows.push(['source', 'the submission checks’ evidence (the report has no run section)']);
    return keyValue(rows);
  });
}

function artifacts(facts: ProofFacts): string {
  return section('Artifacts', facts.artifacts, (list) => {
    const rows = list.map((a) => [
      `${STATUS_ICON[a.status]} ${cell(a.name)}`,
      a.bucket ? code(a.bucket, true) : '–',
      a.key ? code(a.key, true) : '–',
      a.format ? cell(a.format) : '–',
      a.sizeBytes !== undefined ? formatBytes(a.sizeBytes) : '–',
      a.rows !== undefined ? String(a.rows) : '–',
      code(a.checkId),
    ]);
    return table(['object', 'bucket', 'key', 'format', 'size', 'rows', 'check'], rows, 'llllrrl');
  });
}

function mlflow(facts: ProofFacts): string {
  return section('MLflow', facts.mlflow, (m) => {
    const rows: [string, string][] = [];
    if (m.runId) rows.push(['run', joined(code(m.runId), m.runStatus && cell(m.runStatus))]);
    if (m.experiment || m.experimentId)
      rows.push(['experiment', joined(m.experiment && cell(m.experiment), m.experimentId && code(m.experimentId))]);
    if (m.registeredModel) rows.push(['registered model', code(m.registeredModel, true)]);
    if (m.modelVersion)
      rows.push([
        'model version',
        joined(code(m.modelVersion, true), m.modelVersionStatus && cell(m.modelVersionStatus)),
      ]);
    if (m.alias)
      rows.push([
        'alias',
        `${code(m.alias, true)} → ${m.aliasVersion ? `version ${code(m.aliasVersion, true)}` : 'not set'}`,
      ]);
    const params = Object.entries(m.params);
    if (params.length > 0)
      rows.push([
        'params',
        params.map(([k, v]) => code(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`, true)).join(' '),
      ]);
    const parts = [rows.length > 0 ? keyValue(rows) : ''];
    if (m.metrics.length > 0) {
      parts.push(
        table(
          ['metric', 'value', 'bound'],
          m.metrics.map((x) => [
            `${x.within === false ? '❌ ' : ''}${cell(x.name)}`,
            x.value === null ? 'not logged' : formatNumber(x.value),
            x.bound ? `${code(x.bound)}${x.within === false ? ' — outside' : ''}` : '–',
          ]),
          'lrl',
        ),
      );
    }
    parts.push(checkLine(m.checks));
    return parts.filter(Boolean).join('\n\n');
  });
}

function gateway(facts: ProofFacts): string {
  return section('Gateway', facts.gateway, (g) => {
    const rows: [string, string][] = [];
    if (g.endpoint) rows.push(['endpoint', code(g.endpoint, true)]);
    if (g.healthStatus) rows.push(['health', cell(g.healthStatus)]);
    if (g.modelName) rows.push(['model', code(g.modelName, true)]);
    if (g.servedVersion || g.pointerVersion)
      rows.push([
        'served version',
        `${g.servedVersion ? code(g.servedVersion, true) : 'none'}${g.pointerVersion ? ` (pointer names ${code(g.pointerVersion, true)})` : ''}`,
      ]);
    if (g.lastError) rows.push(['last error', cell(g.lastError)]);
    if (g.predictLatencyMs !== undefined) rows.push(['sample prediction', formatDuration(g.predictLatencyMs)]);
    const l = g.latency;
    if (l) {
      const figures = [
        l.p50Ms !== undefined ? `p50 ${formatDuration(l.p50Ms)}` : '',
        l.p95Ms !== undefined ? `p95 ${formatDuration(l.p95Ms)}` : '',
        l.maxMs !== undefined ? `max ${formatDuration(l.maxMs)}` : '',
      ].filter(Boolean);
      const over = l.requests !== undefined ? ` over ${l.requests} requests` : '';
      const budget = l.budgetP95Ms !== undefined ? ` (p95 budget ${formatDuration(l.budgetP95Ms)})` : '';
      rows.push(['latency', `${figures.join(', ')}${over}${budget}`]);
    }
    return [rows.length > 0 ? keyValue(rows) : '', checkLine(g.checks)].filter(Boolean).join('\n\n');
  });
}

function environment(facts: ProofFacts): string {
  const env = facts.environment;
  const rows: [string, string][] = [
    ['target', code(env.target)],
    ['stack provider', code(env.stackProvider)],
    ['node', code(env.versions.node, true)],
    ['kfp-e2e', code(env.versions.kfpE2e, true)],
  ];
  if (env.versions.kfpSdk) rows.push(['KFP SDK', code(env.versions.kfpSdk, true)]);
  if (env.versions.gitCommit) rows.push(['git commit', code(env.versions.gitCommit, true)]);
  const config = JSON.stringify(env.config, null, 2);
  return `### Environment\n\n${keyValue(rows)}\n\n<details><summary>Configuration (secrets masked)</summary>\n\n${fenced(config, 'json')}\n\n</details>`;
}

function durations(facts: ProofFacts): string {
  const d = facts.durations;
  const lines = [
    `Total ${formatDuration(d.totalMs)}; checks ${formatDuration(d.checksMs)} (the rest is stack start-up, waiting and teardown).`,
  ];
  if (d.slowest.length > 0) {
    lines.push(
      table(
        ['slowest checks', 'result', 'time'],
        d.slowest.map((c) => [code(c.id), `${STATUS_ICON[c.status]} ${c.status}`, formatDuration(c.durationMs)]),
        'llr',
      ),
    );
  }
  return `### Durations\n\n${lines.join('\n\n')}`;
}

function allChecks(facts: ProofFacts): string {
  if (facts.checks.length === 0) return '';
  const rows = facts.checks.map((c) => [
    code(c.id),
    `${STATUS_ICON[c.status]} ${c.status}`,
    formatDuration(c.durationMs),
    cell(c.status === 'failed' ? firstLine(c.error ?? '') : c.status === 'skipped' ? (c.reason ?? '') : c.title),
  ]);
  return `<details><summary>All ${facts.checks.length} checks</summary>\n\n${table(['check', 'result', 'time', 'detail'], rows, 'llrl')}\n\n</details>`;
}

function section<T>(title: string, facts: Section<T>, body: (value: T) => string): string {
  return `### ${title}\n\n${facts.reached ? body(facts.value) : `_${text(facts.note)}_`}`;
}

function checkLine(checks: { id: string; status: CheckStatus }[]): string {
  return `Checks: ${checks.map((c) => `${STATUS_ICON[c.status]} ${code(c.id, false)}`).join(' · ')}`;
}

function keyValue(rows: [string, string][]): string {
  return table(['', ''], rows, 'll');
}

/** `align`: one letter per column, l or r. Cells must already be escaped (see `cell`, `code`). */
function table(header: string[], rows: string[][], align: string): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

/** KFP run states: SUCCEEDED, FAILED, CANCELED, RUNNING, … */
function runStateIcon(state: string): string {
  if (state === 'SUCCEEDED') return '✅';
  return /FAIL|CANCEL|ERROR/.test(state) ? '❌' : '⏳';
}

function joined(...parts: (string | undefined | false)[]): string {
  return parts.filter(Boolean).join(' ');
}

function firstLine(value: string): string {
  const [first = '', ...rest] = value.split('\n');
  return rest.length > 0 ? `${first} …` : first;
}

/**
 * Prose from the report, inline: Markdown and HTML punctuation backslash-escaped, so an error
 * message can neither format itself nor smuggle a tag into a GitHub/GitLab page; one line.
 */
export function text(value: string): string {
  return value.replace(MARKDOWN_PUNCTUATION, '\\$&').replace(/\r?\n/g, ' ');
}

/** Prose inside a table cell: escaped, pipes included; line breaks kept as `<br>`. */
export function cell(value: string): string {
  return value.replace(MARKDOWN_PUNCTUATION, '\\$&').replace(/\r?\n/g, '<br>').trim();
}

/**
 * What can format or tag text anywhere in a line: emphasis, code, links, strikethrough, table
 * pipes, HTML tags and entities. (`#`, `+`, `!`, parentheses only act at a line's start or after
 * `]`; the text never starts a line and `[`/`]` are escaped, so they stay readable.)
 */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>|~&]/g;

/**
 * A code span that survives any content: a backtick fence longer than any run inside, padded when
 * the value starts or ends with a backtick. `inTable`: pipes escaped (GFM splits cells on them even
 * inside code spans) and line breaks flattened.
 */
export function code(value: string, inTable = true): string {
  let body = value.replace(/\r?\n/g, ' ');
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside, so the content cannot end it. */
export function fenced(value: string, language = 'text'): string {
  const longest = Math.max(2, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${value.replace(/\r\n/g, '\n')}\n${fence}`;
}

/** A link only for a plain http(s) URL; anything else is shown as code, never as markup. */
function link(url: string): string {
  return /^https?:\/\/[^\s()<>[\]|`]+$/.test(url) ? `[open the run](${url})` : code(url, true);
}
