import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test as base, describe, expect } from 'vitest';
import { renderHtml } from '../../helpers/report/render-html.js';
import { ValidationReportSchema } from '../../helpers/report/schema.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';
import {
  CHROMIUM_MISSING,
  findChromium,
  HeadlessChromium,
  processesMentioning,
} from './report-browser/headless-chromium.js';
import { summarisePng } from './report-browser/png-colours.js';
import { type TimelineView, viewTimeline } from './report-browser/timeline-view.js';

/**
 * The HTML report as a browser shows it: the golden report rendered by renderHtml, opened from a
 * file in headless Chromium driven over the DevTools protocol. The DOM contract: `#timeline` holds
 * one `.timeline-bar` per check, with `data-check-id` and `data-status`; the page loads nothing
 * from the network.
 */
const GOLDEN = join(PROJECT_ROOT, 'fixtures/reports/golden-report.json');
const SCREENSHOT = join(PROJECT_ROOT, 'reports/report-screenshot.png');
const STEP_TIMEOUT_MS = 10_000;

const report = ValidationReportSchema.parse(JSON.parse(readFileSync(GOLDEN, 'utf8')));

interface ReportPage {
  browser: HeadlessChromium;
  view: TimelineView;
  url: string;
}

/** One browser for the file: launched on first use, closed and its temp dirs removed whatever happens. */
const test = base.extend<{ $file: { page: ReportPage } }>({
  page: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern; it has none.
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-report-html-'));
      let browser: HeadlessChromium | undefined;
      try {
        const file = join(dir, 'index.html');
        writeFileSync(file, renderHtml(report));
        browser = await HeadlessChromium.launch(STEP_TIMEOUT_MS);
        const url = pathToFileURL(file).href;
        const view = await viewTimeline(browser, url, STEP_TIMEOUT_MS).catch((error: Error) => {
          throw new Error(`${error.message}\nchromium stderr (last lines):\n${browser?.stderr()}`);
        });
        await use({ browser, view, url });
      } finally {
        await browser?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'file' },
  ],
});

describe('HTML report in headless Chromium', { timeout: 20_000 }, () => {
  test('chromium is installed (npm run setup installs it)', () => {
    // Not a skip: without a browser this proof is missing, and that is a failure to fix.
    expect(findChromium(), CHROMIUM_MISSING).toBeDefined();
  });

  test('the timeline shows one bar per check, in report order, with the check ids', ({ page }) => {
    expect(report.checks.length).toBeGreaterThan(0);
    expect(page.view.timeline, '#timeline exists').not.toBeNull();
    expect(page.view.bars).toHaveLength(report.checks.length);
    expect(page.view.bars.map((bar) => bar.id)).toEqual(report.checks.map((check) => check.id));
  });

  test('each bar carries its check’s status', ({ page }) => {
    expect(page.view.bars.map((bar) => bar.status)).toEqual(report.checks.map((check) => check.status));
  });

  test('every bar is laid out with a non-zero width and height', ({ page }) => {
    const invisible = page.view.bars.filter((bar) => !(bar.width > 0 && bar.height > 0));
    expect(invisible, 'bars without a rendered box').toEqual([]);
  });

  test('the page runs without script errors', ({ page }) => {
    expect(page.view.exceptions).toEqual([]);
  });

  test('the page is self-contained: it requests nothing but file:// (and inline data:) URLs', ({ page }) => {
    // The document itself must be among the requests, or the recording proves nothing.
    expect(page.view.requests).toContain(page.url);
    const external = page.view.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:'));
    expect(external, 'requests that leave the file').toEqual([]);
  });

  test('a screenshot of the timeline is a real picture (reports/report-screenshot.png)', async ({ page }) => {
    const { timeline } = page.view;
    if (!timeline) throw new Error('#timeline missing: nothing to capture');
    const png = await page.browser.screenshot(timeline);
    mkdirSync(join(PROJECT_ROOT, 'reports'), { recursive: true });
    writeFileSync(SCREENSHOT, png);
    expect(png.length).toBeGreaterThan(0);
    const summary = summarisePng(png);
    expect({ width: summary.width, height: summary.height }).toEqual({
      width: Math.round(timeline.width),
      height: Math.round(timeline.height),
    });
    // Bars of three statuses on a background: a blank capture has exactly one colour.
    expect(summary.distinctColours, 'distinct pixel colours').toBeGreaterThan(1);
  });

  test('close() ends every Chromium process and removes the profile, and is callable twice', async ({ page }) => {
    const { userDataDir } = page.browser;
    await page.browser.close();
    await page.browser.close();
    expect(processesMentioning(userDataDir)).toEqual([]);
    expect(existsSync(userDataDir)).toBe(false);
  });
});
