import type { Clip, HeadlessChromium } from './headless-chromium.js';

/** One `.timeline-bar` as the browser laid it out. */
export interface RenderedBar {
  id: string | null;
  status: string | null;
  width: number;
  height: number;
}

/** What the browser made of the report page: the timeline, and everything the page asked for. */
export interface TimelineView {
  /** `#timeline` in document coordinates; null when the page has none. */
  timeline: Clip | null;
  bars: RenderedBar[];
  /** Every URL the page requested so far, the document itself included. */
  readonly requests: string[];
  /** Uncaught script exceptions so far. */
  readonly exceptions: string[];
}

/** Runs in the page: the DOM contract of the report's timeline, as plain data. */
const READ_TIMELINE = `(() => {
  const timeline = document.getElementById('timeline');
  const box = timeline?.getBoundingClientRect();
  const bars = [...document.querySelectorAll('#timeline .timeline-bar')].map((bar) => {
    const rect = bar.getBoundingClientRect();
    return {
      id: bar.getAttribute('data-check-id'),
      status: bar.getAttribute('data-status'),
      width: rect.width,
      height: rect.height,
    };
  });
  return {
    timeline: box ? { x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height } : null,
    bars,
  };
})()`;

/**
 * Opens `url` in the browser's page with the Network and Runtime domains on (so every request and
 * uncaught exception is recorded from the first byte), waits for the load event, reads the timeline.
 */
export async function viewTimeline(browser: HeadlessChromium, url: string, timeoutMs: number): Promise<TimelineView> {
  await browser.send('Emulation.setDeviceMetricsOverride', {
    width: 1280,
    height: 900,
    deviceScaleFactor: 1,
    mobile: false,
  });
  await browser.send('Page.enable');
  await browser.send('Network.enable');
  await browser.send('Runtime.enable');
  await browser.load(url, timeoutMs);
  const { timeline, bars } = await browser.evaluate<Pick<TimelineView, 'timeline' | 'bars'>>(READ_TIMELINE);
  const ofPage = (method: string) =>
    browser.cdp.events.filter((event) => event.sessionId === browser.sessionId && event.method === method);
  // Getters: what the page does after load (timers, lazy images) counts too.
  return {
    timeline,
    bars,
    get requests() {
      return ofPage('Network.requestWillBeSent').map((event) => (event.params.request as { url: string }).url);
    },
    get exceptions() {
      return ofPage('Runtime.exceptionThrown').map((event) => {
        const details = event.params.exceptionDetails as { text?: string; exception?: { description?: string } };
        return details.exception?.description ?? details.text ?? 'unknown exception';
      });
    },
  };
}
