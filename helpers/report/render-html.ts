import { STAGES } from '../checks/stage.js';
import { formatBytes, formatDuration, formatNumber, formatTimestamp } from './format-values.js';
import {
  type CheckRef,
  type LatencyFacts,
  type ProofFacts,
  proofFacts,
  type RunFacts,
  type Section,
  type StageStatus,
} from './proof-facts.js';
import type { CheckResult, ValidationReport } from './schema.js';
import { layoutTimeline, type TimelineBar } from './timeline.js';

/**
 * The proof pack as one self-contained HTML page: inline CSS, no script, no external resource of
 * any kind (a Content-Security-Policy of `default-src 'none'` holds the page to it), so it opens
 * from disk, from a CI artifact or an e-mail attachment without a single network fetch, and reads
 * the same without JavaScript. Deterministic: the same report gives the same bytes (no "now").
 *
 * DOM contract (a headless-browser test relies on it): the element `#timeline` holds exactly one
 * `.timeline-bar` per check, each with `data-check-id` and `data-status` (passed|failed|skipped).
 * Failed checks come first, expanded (`<details open>`); the others are collapsed.
 */
export function renderHtml(report: ValidationReport): string {
  const facts = proofFacts(report);
  const anchors = new CheckAnchors();
  const v = facts.verdict;
  const env = facts.environment;
  const meta = [
    `target <code>${esc(env.target)}</code>`,
    `stack <code>${esc(env.stackProvider)}</code>`,
    `duration ${esc(formatDuration(facts.durations.totalMs))}`,
    `started ${esc(formatTimestamp(env.startedAt))}`,
    `finished ${esc(formatTimestamp(env.finishedAt))}`,
    ...(env.versions.gitCommit ? [`commit <code>${esc(env.versions.gitCommit.slice(0, 12))}</code>`] : []),
  ];
  const body = [
    `<header class="banner banner-${v.status}">`,
    '<p class="eyebrow">kfp-e2e proof pack</p>',
    `<h1><span class="verdict">${esc(v.label)}</span> <span class="headline">${esc(v.headline)}</span></h1>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
    '</header>',
    nav(facts),
    '<main>',
    stagesSection(facts),
    failuresSection(facts, anchors),
    runSection(facts),
    artifactsSection(facts, anchors),
    mlflowSection(facts, anchors),
    gatewaySection(facts, anchors),
    timelineSection(facts, anchors),
    otherChecksSection(facts, anchors),
    environmentSection(facts),
    durationsSection(facts, anchors),
    '</main>',
    `<footer>Rendered by <code>kfp-e2e report</code> from a validation report (schema ${esc(facts.report.schemaVersion)}) that finished ${esc(formatTimestamp(env.finishedAt))}. Secrets are masked. This page loads nothing from the network.</footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${esc(`kfp-e2e ${v.label}: ${env.target}, ${formatTimestamp(env.finishedAt)}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body>`,
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Every string from the report goes through here before it reaches the page. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The element id of each check's entry in the page: `check-<id>`, made unique should a report
 * hold the same check id twice (a hand-edited report), so links from the timeline stay valid.
 */
class CheckAnchors {
  private readonly byCheck = new Map<CheckResult, string>();
  private readonly taken = new Set<string>();

  of(check: CheckResult): string {
    const known = this.byCheck.get(check);
    if (known) return known;
    let anchor = `check-${check.id}`;
    for (let n = 2; this.taken.has(anchor); n++) anchor = `check-${check.id}-${n}`;
    this.taken.add(anchor);
    this.byCheck.set(check, anchor);
    return anchor;
  }

  /** The anchor of the first check with this id (facts refer to checks by id). */
  ofId(facts: ProofFacts, id: string): string | undefined {
    const check = facts.report.checks.find((c) => c.id === id);
    return check ? this.of(check) : undefined;
  }
}

function nav(facts: ProofFacts): string {
  const links: [string, string][] = [
    ['stages', 'Stages'],
    ...(facts.failed.length > 0 ? ([['failures', `Failed (${facts.failed.length})`]] as [string, string][]) : []),
    ['run', 'Run'],
    ['artifacts', 'Artifacts'],
    ['mlflow', 'MLflow'],
    ['gateway', 'Gateway'],
    ['timeline-section', 'Timeline'],
    ['checks', 'Checks'],
    ['environment', 'Environment'],
    ['durations', 'Durations'],
  ];
  return `<nav>${links.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join(' ')}</nav>`;
}

function stagesSection(facts: ProofFacts): string {
  const rows = facts.stages.map(
    (s) =>
      `<tr><th scope="row">${esc(s.stage)}</th><td>${badge(s.status)}</td><td class="num">${s.passed}</td><td class="num">${s.failed}</td><td class="num">${s.skipped}</td><td class="num">${s.total === 0 ? '–' : esc(formatDuration(s.wallMs ?? s.checksMs))}</td><td>${s.note ? esc(s.note) : ''}</td></tr>`,
  );
  return section(
    'stages',
    'Stages',
    `<table><thead><tr><th>stage</th><th>result</th><th class="num">passed</th><th class="num">failed</th><th class="num">skipped</th><th class="num">time</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  );
}

function failuresSection(facts: ProofFacts, anchors: CheckAnchors): string {
  const failed = facts.checks.filter((c) => c.status === 'failed');
  if (failed.length === 0) return '';
  return section(
    'failures',
    `Failed checks (${failed.length})`,
    failed.map((c) => checkEntry(c, facts, anchors)).join('\n'),
  );
}

function runSection(facts: ProofFacts): string {
  return reachedSection('run', 'Run', facts.run, (run: RunFacts) => {
    const rows: [string, string][] = [['run id', `<code>${esc(run.runId)}</code>`]];
    if (run.displayName) rows.push(['name', `<code>${esc(run.displayName)}</code>`]);
    if (run.state) rows.push(['state', `<span class="state state-${stateClass(run.state)}">${esc(run.state)}</span>`]);
    if (run.pipelineName || run.pipelineId)
      rows.push([
        'pipeline',
        joined(run.pipelineName && esc(run.pipelineName), run.pipelineId && codeEsc(run.pipelineId)),
      ]);
    if (run.versionId) rows.push(['pipeline version', codeEsc(run.versionId)]);
    if (run.experimentName || run.experimentId)
      rows.push([
        'experiment',
        joined(run.experimentName && esc(run.experimentName), run.experimentId && codeEsc(run.experimentId)),
      ]);
    if (run.parameters && Object.keys(run.parameters).length > 0) rows.push(['parameters', params(run.parameters)]);
    if (run.submittedAt) rows.push(['submitted', esc(formatTimestamp(run.submittedAt))]);
    if (run.finishedAt) rows.push(['finished', esc(formatTimestamp(run.finishedAt))]);
    if (run.waitedMs !== undefined) rows.push(['waited', esc(formatDuration(run.waitedMs))]);
    if (run.tasks)
      rows.push([
        'tasks',
        run.tasks
          .map((t) => `<span class="task state-${stateClass(t.state)}">${esc(t.name)} ${esc(t.state)}</span>`)
          .join(' '),
      ]);
    // Shown as text, not a link: the page references no URL (copy it into the browser).
    if (run.uiUrl) rows.push(['KFP UI', codeEsc(run.uiUrl)]);
    if (run.source === 'evidence')
      rows.push(['source', 'the submission checks’ evidence (the report has no run section)']);
    return keyValue(rows);
  });
}

function artifactsSection(facts: ProofFacts, anchors: CheckAnchors): string {
  return reachedSection('artifacts', 'Artifacts', facts.artifacts, (list) => {
    const rows = list.map(
      (a) =>
        `<tr><td>${badge(a.status)} ${esc(a.name)}</td><td>${a.bucket ? codeEsc(a.bucket) : '–'}</td><td class="key">${a.key ? codeEsc(a.key) : '–'}</td><td>${a.format ? esc(a.format) : '–'}</td><td class="num">${a.sizeBytes !== undefined ? esc(formatBytes(a.sizeBytes)) : '–'}</td><td class="num">${a.rows !== undefined ? a.rows : '–'}</td><td class="num">${a.fields !== undefined ? a.fields : '–'}</td><td>${checkLink(facts, anchors, a.checkId)}</td></tr>`,
    );
    return `<table><thead><tr><th>object</th><th>bucket</th><th>key</th><th>format</th><th class="num">size</th><th class="num">rows</th><th class="num">columns / fields</th><th>check</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  });
}

function mlflowSection(facts: ProofFacts, anchors: CheckAnchors): string {
  return reachedSection('mlflow', 'MLflow', facts.mlflow, (m) => {
    const rows: [string, string][] = [];
    if (m.runId) rows.push(['run', joined(codeEsc(m.runId), m.runStatus && esc(m.runStatus))]);
    if (m.runName) rows.push(['run name', esc(m.runName)]);
    if (m.experiment || m.experimentId)
      rows.push(['experiment', joined(m.experiment && esc(m.experiment), m.experimentId && codeEsc(m.experimentId))]);
    if (m.registeredModel) rows.push(['registered model', codeEsc(m.registeredModel)]);
    if (m.modelVersion)
      rows.push(['model version', joined(codeEsc(m.modelVersion), m.modelVersionStatus && esc(m.modelVersionStatus))]);
    if (m.alias)
      rows.push([
        'alias',
        `${codeEsc(m.alias)} → ${m.aliasVersion ? `version ${codeEsc(m.aliasVersion)}` : 'not set'}`,
      ]);
    if (Object.keys(m.params).length > 0) rows.push(['params', params(m.params)]);
    const metrics =
      m.metrics.length === 0
        ? ''
        : `<table class="metrics"><thead><tr><th>metric</th><th class="num">value</th><th>bound</th></tr></thead><tbody>${m.metrics
            .map(
              (x) =>
                `<tr${x.within === false ? ' class="outside"' : ''}><td>${esc(x.name)}</td><td class="num">${x.value === null ? 'not logged' : esc(formatNumber(x.value))}</td><td>${x.bound ? codeEsc(x.bound) : '–'}${x.within === false ? ' <strong>outside the bound</strong>' : ''}</td></tr>`,
            )
            .join('')}</tbody></table>`;
    return [rows.length > 0 ? keyValue(rows) : '', metrics, checkList(facts, anchors, m.checks)].join('\n');
  });
}

function gatewaySection(facts: ProofFacts, anchors: CheckAnchors): string {
  return reachedSection('gateway', 'Gateway', facts.gateway, (g) => {
    const rows: [string, string][] = [];
    if (g.endpoint) rows.push(['endpoint', codeEsc(g.endpoint)]);
    if (g.healthStatus) rows.push(['health', esc(g.healthStatus)]);
    if (g.modelName) rows.push(['model', codeEsc(g.modelName)]);
    if (g.servedVersion || g.pointerVersion)
      rows.push([
        'served version',
        `${g.servedVersion ? codeEsc(g.servedVersion) : 'none'}${g.pointerVersion ? ` (the pointer names ${codeEsc(g.pointerVersion)})` : ''}`,
      ]);
    if (g.lastError) rows.push(['last error', esc(g.lastError)]);
    if (g.predictLatencyMs !== undefined) rows.push(['sample prediction', esc(formatDuration(g.predictLatencyMs))]);
    const stats = g.latency ? latencyStats(g.latency) : '';
    return [rows.length > 0 ? keyValue(rows) : '', stats, checkList(facts, anchors, g.checks)].join('\n');
  });
}

/** The latency figures as a row of big numbers: what a person looks for first. */
function latencyStats(l: LatencyFacts): string {
  const figures: [string, string][] = [];
  if (l.p50Ms !== undefined) figures.push(['p50', formatDuration(l.p50Ms)]);
  if (l.p95Ms !== undefined) figures.push(['p95', formatDuration(l.p95Ms)]);
  if (l.maxMs !== undefined) figures.push(['max', formatDuration(l.maxMs)]);
  if (l.budgetP95Ms !== undefined) figures.push(['p95 budget', formatDuration(l.budgetP95Ms)]);
  if (l.requests !== undefined) figures.push(['requests', String(l.requests)]);
  const stat = ([label, value]: [string, string]) =>
    `<div class="stat"><span class="stat-value">${esc(value)}</span><span class="stat-label">${esc(label)}</span></div>`;
  return `<div class="stats">${figures.map(stat).join('')}</div>`;
}

function timelineSection(facts: ProofFacts, anchors: CheckAnchors): string {
  const timeline = layoutTimeline(facts.report);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      `<span class="tick${f === 1 ? ' tick-end' : ''}" style="left:${f * 100}%">${esc(formatDuration(timeline.spanMs * f))}</span>`,
  );
  const groups = STAGES.map((stage) => {
    const bars = timeline.bars.filter((b) => b.check.stage === stage);
    if (bars.length === 0) return '';
    return `<div class="tl-stage"><div class="tl-stage-name">${esc(stage)}</div>${bars.map((b) => timelineRow(b, anchors)).join('')}</div>`;
  });
  const estimated = timeline.bars.filter((b) => b.estimated).length;
  const note =
    estimated > 0
      ? `<p class="note">${estimated} check${estimated === 1 ? '' : 's'} recorded no start time; drawn dashed, right after the check before.</p>`
      : '';
  const body =
    timeline.bars.length === 0
      ? '<div id="timeline" class="timeline"><p class="not-reached">no check in this report</p></div>'
      : `${note}<div id="timeline" class="timeline"><div class="tl-row tl-axis-row" aria-hidden="true"><span class="tl-label"></span><div class="tl-axis">${ticks.join('')}</div><span class="tl-dur"></span></div>${groups.join('')}</div>`;
  return section('timeline-section', 'Timeline', body);
}

function timelineRow(bar: TimelineBar, anchors: CheckAnchors): string {
  const c = bar.check;
  const title = `${c.id} — ${c.status} — ${formatDuration(c.durationMs)}, from +${formatDuration(bar.startMs)}${bar.estimated ? ' (start estimated)' : ''}`;
  const classes = `timeline-bar bar-${c.status}${bar.estimated ? ' bar-estimated' : ''}`;
  return `<div class="tl-row"><a class="tl-label" href="#${esc(anchors.of(c))}">${esc(c.id)}</a><div class="tl-track"><div class="${classes}" data-check-id="${esc(c.id)}" data-status="${esc(c.status)}" style="left:${bar.leftPercent}%;width:${bar.widthPercent}%" title="${esc(title)}"></div></div><span class="tl-dur">${esc(formatDuration(c.durationMs))}</span></div>`;
}

function otherChecksSection(facts: ProofFacts, anchors: CheckAnchors): string {
  const others = facts.checks.filter((c) => c.status !== 'failed');
  const title = facts.failed.length > 0 ? `Other checks (${others.length})` : `Checks (${others.length})`;
  if (others.length === 0) return section('checks', title, '<p class="not-reached">none</p>');
  const groups = STAGES.map((stage) => {
    const checks = others.filter((c) => c.stage === stage);
    if (checks.length === 0) return '';
    return `<h3>${esc(stage)}</h3>\n${checks.map((c) => checkEntry(c, facts, anchors)).join('\n')}`;
  });
  return section('checks', title, groups.filter(Boolean).join('\n'));
}

function checkEntry(check: CheckResult, facts: ProofFacts, anchors: CheckAnchors): string {
  const parts: string[] = [];
  if (check.status === 'failed') {
    parts.push(
      `<div class="error"><strong>Error</strong><pre>${esc(check.error ?? 'no error message recorded')}</pre></div>`,
    );
    if (check.hint) parts.push(`<p class="hint"><strong>Hint</strong> ${esc(check.hint)}</p>`);
  }
  if (check.status === 'skipped' && check.reason)
    parts.push(`<p class="reason"><strong>Skipped</strong> ${esc(check.reason)}</p>`);
  const started = check.startedAt ? Date.parse(check.startedAt) : Number.NaN;
  const offset = started - Date.parse(facts.report.startedAt);
  parts.push(
    `<p class="when">${esc(check.stage)} · ${esc(formatDuration(check.durationMs))}${Number.isNaN(started) ? '' : ` · started ${esc(formatTimestamp(check.startedAt as string))} (+${esc(formatDuration(Math.max(0, offset)))})`}</p>`,
  );
  const evidence =
    Object.keys(check.evidence).length === 0
      ? '<p class="note">no evidence recorded</p>'
      : `<details class="evidence"><summary>Evidence</summary><pre>${esc(JSON.stringify(check.evidence, null, 2))}</pre></details>`;
  parts.push(evidence);
  const open = check.status === 'failed' ? ' open' : '';
  return `<details class="check check-${check.status}" id="${esc(anchors.of(check))}"${open}><summary>${badge(check.status)} <code class="check-id">${esc(check.id)}</code> <span class="check-title">${esc(check.title)}</span> <span class="check-dur">${esc(formatDuration(check.durationMs))}</span></summary><div class="check-body">${parts.join('')}</div></details>`;
}

function environmentSection(facts: ProofFacts): string {
  const env = facts.environment;
  const rows: [string, string][] = [
    ['target', codeEsc(env.target)],
    ['stack provider', codeEsc(env.stackProvider)],
    ['node', codeEsc(env.versions.node)],
    ['kfp-e2e', codeEsc(env.versions.kfpE2e)],
  ];
  if (env.versions.kfpSdk) rows.push(['KFP SDK', codeEsc(env.versions.kfpSdk)]);
  if (env.versions.gitCommit) rows.push(['git commit', codeEsc(env.versions.gitCommit)]);
  rows.push(['started', esc(formatTimestamp(env.startedAt))], ['finished', esc(formatTimestamp(env.finishedAt))]);
  const sources = Object.entries(env.sources);
  const sourceTable =
    sources.length === 0
      ? ''
      : `<details><summary>Where each setting came from (${sources.length})</summary><table><thead><tr><th>key</th><th>source</th></tr></thead><tbody>${sources
          .map(([key, source]) => `<tr><td><code>${esc(key)}</code></td><td>${esc(source)}</td></tr>`)
          .join('')}</tbody></table></details>`;
  return section(
    'environment',
    'Environment',
    `${keyValue(rows)}\n<details><summary>Configuration (secrets masked)</summary><pre>${esc(JSON.stringify(env.config, null, 2))}</pre></details>\n${sourceTable}`,
  );
}

function durationsSection(facts: ProofFacts, anchors: CheckAnchors): string {
  const d = facts.durations;
  const stages = facts.stages
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.stage)}</th><td class="num">${s.total === 0 ? '–' : esc(formatDuration(s.checksMs))}</td><td class="num">${s.wallMs === undefined ? '–' : esc(formatDuration(s.wallMs))}</td></tr>`,
    )
    .join('');
  const slowest = d.slowest
    .map(
      (c) =>
        `<tr><td>${checkLink(facts, anchors, c.id)}</td><td>${badge(c.status)}</td><td class="num">${esc(formatDuration(c.durationMs))}</td></tr>`,
    )
    .join('');
  return section(
    'durations',
    'Durations',
    `<p>Total ${esc(formatDuration(d.totalMs))}; the checks themselves ${esc(formatDuration(d.checksMs))} (the rest is stack start-up, waiting and teardown).</p>
<table><thead><tr><th>stage</th><th class="num">checks</th><th class="num">first start to last end</th></tr></thead><tbody>${stages}</tbody></table>
${slowest ? `<table><thead><tr><th>slowest checks</th><th>result</th><th class="num">time</th></tr></thead><tbody>${slowest}</tbody></table>` : ''}`,
  );
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`;
}

function reachedSection<T>(id: string, title: string, facts: Section<T>, body: (value: T) => string): string {
  return section(id, title, facts.reached ? body(facts.value) : `<p class="not-reached">${esc(facts.note)}</p>`);
}

function keyValue(rows: [string, string][]): string {
  return `<dl class="kv">${rows.map(([key, value]) => `<dt>${esc(key)}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function checkList(facts: ProofFacts, anchors: CheckAnchors, checks: CheckRef[]): string {
  return `<ul class="check-list">${checks.map((c) => `<li>${badge(c.status)} ${checkLink(facts, anchors, c.id)} ${esc(c.title)}</li>`).join('')}</ul>`;
}

function checkLink(facts: ProofFacts, anchors: CheckAnchors, id: string): string {
  const anchor = anchors.ofId(facts, id);
  return anchor ? `<a href="#${esc(anchor)}"><code>${esc(id)}</code></a>` : `<code>${esc(id)}</code>`;
}

function params(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) => `<code>${esc(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)}</code>`)
    .join(' ');
}

function badge(status: StageStatus): string {
  return `<span class="badge badge-${status.replace(' ', '-')}">${esc(status)}</span>`;
}

function codeEsc(value: string): string {
  return `<code>${esc(value)}</code>`;
}

function joined(...parts: (string | undefined | false)[]): string {
  return parts.filter(Boolean).join(' ');
}

function stateClass(state: string): string {
  if (state === 'SUCCEEDED') return 'ok';
  return /FAIL|CANCEL|ERROR/.test(state) ? 'bad' : 'other';
}

/** No url(), no @import, no font files: system fonts and colours only. */
const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--none:#8c959f;--link:#0969da;--grid:#eaeef2}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--pass:#3fb950;--fail:#f85149;--skip:#d29922;--none:#6e7681;--link:#4493f8;--grid:#21262d}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;max-height:32em;white-space:pre-wrap;word-break:break-word;margin:6px 0}
a{color:var(--link)}
.banner{padding:20px 28px;color:#fff}
.banner-passed{background:var(--pass)}.banner-failed{background:var(--fail)}.banner-empty{background:var(--skip)}
.banner h1{margin:4px 0;font-size:22px;font-weight:600}
.banner .verdict{font-weight:800;letter-spacing:.04em;margin-right:.4em}
.banner code{color:#fff;background:rgba(255,255,255,.18);padding:0 4px;border-radius:4px}
.eyebrow{margin:0;text-transform:uppercase;font-size:12px;letter-spacing:.08em;opacity:.85}
.meta{margin:4px 0 0;opacity:.92}
nav{padding:8px 28px;border-bottom:1px solid var(--line);background:var(--panel);display:flex;flex-wrap:wrap;gap:4px 16px}
main{padding:0 28px 24px;max-width:1400px}
section{margin-top:24px}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin:0 0 10px}
h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--panel)}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.key{word-break:break-all}
.badge{display:inline-block;min-width:5.2em;text-align:center;border-radius:10px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.badge-passed{background:var(--pass)}.badge-failed{background:var(--fail)}.badge-skipped{background:var(--skip)}.badge-not-reached{background:var(--none)}
.state-ok{color:var(--pass);font-weight:600}
tr.outside td{color:var(--fail)}.state-bad{color:var(--fail);font-weight:600}
.task{display:inline-block;margin-right:8px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:6px 0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
.not-reached,.note{color:var(--muted);font-style:italic}
.check-list{list-style:none;padding:0;margin:6px 0}.check-list li{margin:2px 0}
details.check{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--bg)}
details.check>summary{padding:6px 10px;cursor:pointer}
details.check-failed{border-color:var(--fail)}
details.check-failed>summary{background:color-mix(in srgb,var(--fail) 10%,transparent)}
.check-title{color:var(--fg)}.check-dur{color:var(--muted);float:right}
.check-body{padding:4px 12px 10px}
.error pre{border-color:var(--fail)}
.hint{margin:6px 0}.hint strong,.reason strong,.error strong{margin-right:6px}
.when{color:var(--muted);margin:6px 0;font-size:12.5px}
details.evidence>summary{cursor:pointer;color:var(--link)}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.stat{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:7em;background:var(--panel)}
.stat-value{display:block;font-size:18px;font-weight:600}.stat-label{color:var(--muted);font-size:12px}
.timeline{border:1px solid var(--line);border-radius:6px;padding:6px 10px;overflow-x:auto}
.tl-stage{margin-top:4px}
.tl-stage-name{font-weight:600;text-transform:uppercase;font-size:11px;letter-spacing:.06em;color:var(--muted);margin:6px 0 2px}
.tl-row{display:grid;grid-template-columns:minmax(14em,22em) minmax(20em,1fr) 6em;align-items:center;gap:8px;min-height:16px}
.tl-label{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;text-decoration:none}
.tl-track{position:relative;height:12px;background:repeating-linear-gradient(to right,transparent 0,transparent calc(25% - 1px),var(--grid) calc(25% - 1px),var(--grid) 25%)}
.timeline-bar{position:absolute;top:1px;height:10px;min-width:3px;border-radius:2px}
.bar-passed{background:var(--pass)}.bar-failed{background:var(--fail)}.bar-skipped{background:var(--skip);opacity:.6}
.bar-estimated{outline:1px dashed var(--fg);outline-offset:-1px}
.tl-dur{font-size:11.5px;color:var(--muted);text-align:right;font-variant-numeric:tabular-nums}
.tl-axis{position:relative;height:16px;font-size:11px;color:var(--muted)}
.tick{position:absolute;top:0;white-space:nowrap}.tick-end{transform:translateX(-100%)}
footer{padding:12px 28px;color:var(--muted);border-top:1px solid var(--line);font-size:12px}
@media print{nav{display:none}details.check{break-inside:avoid}}
`
  .trim()
  .replace(/\n/g, '');
