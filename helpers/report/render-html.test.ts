import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { esc, renderHtml } from './render-html.js';
import type { ValidationReport } from './schema.js';
import { byId, descendants, type HtmlElement, hasClass, parseStrictHtml, textOf } from './strict-html.js';
import { goldenReport, preflightOnly, withCheck, withChecks, withServingGateway } from './test-support.js';

afterEach(() => {
  clearRegisteredSecrets();
  vi.useRealTimers();
});

/** Renders and parses strictly; a page with any well-formedness problem fails the test here. */
function page(report: ValidationReport): { html: string; root: HtmlElement } {
  const html = renderHtml(report);
  const { root, problems } = parseStrictHtml(html);
  expect(problems).toEqual([]);
  return { html, root };
}

const bars = (root: HtmlElement) => descendants(root).filter((e) => hasClass(e, 'timeline-bar'));

/** Every resource reference a browser would follow: src, href, srcset, action, poster, CSS url() and @import. */
function externalReferences(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:src|href|srcset|action|poster|data|formaction)\s*=\s*"([^"]*)"/gi)].map(
    (m) => m[1] as string,
  );
  const css = [...html.matchAll(/url\(([^)]*)\)|@import\s+([^;]+)/gi)].map((m) => (m[1] ?? m[2]) as string);
  return [...attributes, ...css].filter((ref) => !ref.startsWith('#'));
}

describe('renderHtml of the golden report', () => {
  const report = goldenReport();
  const { html, root } = page(report);

  it('is one well-formed document with the verdict in its title and banner', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(textOf(descendants(root).find((e) => e.tag === 'title')!)).toBe(
      'kfp-e2e FAILED: local, 2026-11-26 08:28:56 UTC',
    );
    expect(textOf(descendants(root).find((e) => e.tag === 'h1')!)).toBe(
      'FAILED 2 of 56 checks failed (contract); 5 skipped',
    );
  });

  it('has a timeline with exactly one bar per check, carrying its id and status', () => {
    const timeline = byId(root, 'timeline');
    expect(timeline).toBeDefined();
    const inTimeline = bars(timeline!);
    // No bar outside the timeline either: the browser test counts `.timeline-bar` in #timeline.
    expect(bars(root)).toHaveLength(inTimeline.length);
    expect(inTimeline.map((b) => b.attrs['data-check-id'])).toEqual(report.checks.map((c) => c.id));
    expect(inTimeline.map((b) => b.attrs['data-status'])).toEqual(report.checks.map((c) => c.status));
    for (const bar of inTimeline) {
      const [, left, width] = /^left:([\d.]+)%;width:([\d.]+)%$/.exec(bar.attrs.style ?? '') ?? [];
      expect(Number(left) + Number(width), bar.attrs['data-check-id']).toBeLessThanOrEqual(100);
      expect(Number(width)).toBeGreaterThan(0);
    }
  });

  it('places the bars in time: the long run wait after preflight, the contract checks after it', () => {
    const left = (id: string) =>
      Number(/left:([\d.]+)%/.exec(bars(root).find((b) => b.attrs['data-check-id'] === id)?.attrs.style ?? '')?.[1]);
    expect(left('preflight.config.valid')).toBeLessThan(left('submission.run.succeeded'));
    expect(left('submission.run.succeeded')).toBeLessThan(left('contract.file.valid'));
    expect(left('contract.file.valid')).toBeGreaterThan(90);
  });

  it('lists the failed checks first, expanded, with error and hint; the others collapsed', () => {
    const entries = descendants(root).filter((e) => e.tag === 'details' && hasClass(e, 'check'));
    expect(entries).toHaveLength(56);
    const failed = report.checks.filter((c) => c.status === 'failed');
    expect(entries.slice(0, failed.length).map((e) => e.attrs.id)).toEqual(failed.map((c) => `check-${c.id}`));
    for (const [i, check] of failed.entries()) {
      const entry = entries[i]!;
      expect(entry.attrs.open).toBe('');
      expect(textOf(entry)).toContain(check.error);
      expect(textOf(entry)).toContain(check.hint);
    }
    for (const entry of entries.slice(failed.length)) expect(entry.attrs.open, entry.attrs.id).toBeUndefined();
  });

  it('puts each check’s evidence, as pretty JSON, in a collapsed details', () => {
    const entry = byId(root, 'check-contract.object-processed-data.valid')!;
    const evidence = descendants(entry).find((e) => e.tag === 'details' && hasClass(e, 'evidence'))!;
    expect(evidence.attrs.open).toBeUndefined();
    const json = textOf(descendants(evidence).find((e) => e.tag === 'pre')!);
    expect(JSON.parse(json)).toEqual(
      report.checks.find((c) => c.id === 'contract.object-processed-data.valid')?.evidence,
    );
    expect(json).toContain('\n  "rows": 2160,');
  });

  it('shows the run, the artifacts, MLflow, the gateway, the environment and the durations', () => {
    for (const id of [
      'stages',
      'failures',
      'run',
      'artifacts',
      'mlflow',
      'gateway',
      'checks',
      'environment',
      'durations',
    ])
      expect(byId(root, id), id).toBeDefined();
    expect(textOf(byId(root, 'run')!)).toContain('e225f187-28f7-463d-8065-1f91f2f1c9d5');
    const artifacts = textOf(byId(root, 'artifacts')!);
    for (const text of [
      'processed/PobleSec/kfp-e2e/data.csv',
      '216.9 KiB',
      '2160',
      'predictions/PobleSec/kfp-e2e/predictions.csv',
    ])
      expect(artifacts).toContain(text);
    expect(textOf(byId(root, 'mlflow')!)).toMatch(/rmse6\.4213<= 6\.0 outside the bound/);
    expect(textOf(byId(root, 'environment')!)).toContain('"secretKey": "***"');
  });

  it('shows the served version and the latency figures when the gateway answered', () => {
    const { root } = page(withServingGateway(goldenReport()));
    const gateway = textOf(byId(root, 'gateway')!);
    expect(gateway).toContain('served version1 (the pointer names 1)');
    for (const figure of ['9.7 msp50', '13.8 msp95', '14.4 msmax', '500 msp95 budget', '20requests'])
      expect(gateway).toContain(figure);
  });

  it('references no external resource and carries no script', () => {
    expect(externalReferences(html)).toEqual([]);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    // The detector itself finds what it is there to find.
    expect(
      externalReferences('<img src="https://cdn/x.png"><a href="#run"></a><style>b{background:url(http://x)}</style>'),
    ).toEqual(['https://cdn/x.png', 'http://x']);
    expect(descendants(root).filter((e) => ['script', 'link', 'img', 'iframe', 'object'].includes(e.tag))).toEqual([]);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('is the same page whenever it is rendered (no clock in it)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    expect(renderHtml(goldenReport())).toBe(html);
  });
});

describe('renderHtml escaping and masking', () => {
  it('escapes every string from the report: a <script> in an error stays text', () => {
    const attack = '</pre></details><script>alert("x")</script><img src=x onerror=alert(1)>';
    const report = withCheck(goldenReport(), 'contract.gateway.health', {
      error: attack,
      hint: `hint ${attack}`,
      evidence: { body: attack },
      title: `title "quoted" ${attack}`,
    });
    const { html, root } = page(report);
    expect(html).not.toContain('<script>');
    expect(descendants(root).filter((e) => e.tag === 'script' || e.tag === 'img')).toEqual([]);
    expect(textOf(byId(root, 'check-contract.gateway.health')!)).toContain(attack);
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('gives a repeated check id its own anchor (a hand-edited report)', () => {
    const report = goldenReport();
    const { root } = page(withChecks(report, [...report.checks, { ...report.checks[0]!, title: 'the same id twice' }]));
    // The duplicate gets its own anchor, so ids stay unique and the strict parse still passes.
    expect(byId(root, 'check-preflight.config.valid-2')).toBeDefined();
    expect(bars(byId(root, 'timeline')!)).toHaveLength(57);
  });

  it('never shows a registered secret, even from a report that was not masked', () => {
    registerSecret('hunter2-in-report');
    const report = withCheck(goldenReport(), 'contract.mlflow.metrics-thresholds', {
      error: 'token hunter2-in-report rejected',
      evidence: { note: 'hunter2-in-report', password: 'visible?' },
    });
    const { html } = page(report);
    expect(html).not.toContain('hunter2-in-report');
    expect(html).not.toContain('visible?');
    expect(html).toContain('token *** rejected');
  });
});

describe('renderHtml of reports that stopped early', () => {
  it('a preflight-only report: its checks on the timeline, the later sections not reached', () => {
    const report = preflightOnly(goldenReport());
    const { root } = page(report);
    expect(bars(byId(root, 'timeline')!)).toHaveLength(10);
    expect(textOf(byId(root, 'run')!)).toContain('not reached: the submission stage did not run');
    expect(textOf(byId(root, 'gateway')!)).toContain('not reached: the contract stage did not run');
    expect(byId(root, 'failures')).toBeUndefined();
  });

  it('a report without start times lays its checks out one after another, marked as estimated', () => {
    const report = goldenReport();
    const { root } = page(
      withChecks(
        report,
        report.checks.map(({ startedAt: _s, ...c }) => c),
      ),
    );
    const all = bars(byId(root, 'timeline')!);
    expect(all).toHaveLength(56);
    expect(all.every((b) => hasClass(b, 'bar-estimated'))).toBe(true);
  });

  it('an empty report still has the timeline element, with no bar', () => {
    const { root } = page(withChecks(goldenReport(), []));
    expect(byId(root, 'timeline')).toBeDefined();
    expect(bars(root)).toHaveLength(0);
  });
});
