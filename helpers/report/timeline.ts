import type { CheckResult, ValidationReport } from './schema.js';

/** The narrowest bar, in percent of the axis: a 0.1 ms check must still be visible and hoverable. */
export const MIN_BAR_PERCENT = 0.3;

export interface TimelineBar {
  check: CheckResult;
  /** Milliseconds after the report started. */
  startMs: number;
  durationMs: number;
  /** Position and width on the axis, in percent (0–100), the bar always inside the axis. */
  leftPercent: number;
  widthPercent: number;
  /** True when the check had no `startedAt` and was placed right after the check before it. */
  estimated: boolean;
}

export interface Timeline {
  /** Length of the axis: the report's duration, or longer when a check ran past it. */
  spanMs: number;
  /** One bar per check of the report, in report order. */
  bars: TimelineBar[];
}

/**
 * Lays the report's checks out on a time axis that starts at `report.startedAt`: each bar starts
 * at its check's `startedAt` and is as wide as its duration. A check without `startedAt` follows
 * the one before it (reports written before checks recorded their start have none).
 */
export function layoutTimeline(report: ValidationReport): Timeline {
  const origin = Date.parse(report.startedAt);
  let cursor = 0;
  const placed = report.checks.map((check) => {
    const started = check.startedAt === undefined ? Number.NaN : Date.parse(check.startedAt) - origin;
    const estimated = Number.isNaN(started);
    // A check that started before the report's clock did (clock skew, a setup check) sits at 0.
    const startMs = estimated ? cursor : Math.max(0, started);
    cursor = startMs + check.durationMs;
    return { check, startMs, durationMs: check.durationMs, estimated };
  });
  const lastEnd = Math.max(0, ...placed.map((p) => p.startMs + p.durationMs));
  const spanMs = Math.max(report.durationMs, lastEnd, 1);
  const bars = placed.map((p) => {
    const widthPercent = Math.min(100, Math.max(MIN_BAR_PERCENT, (p.durationMs / spanMs) * 100));
    const leftPercent = Math.min((p.startMs / spanMs) * 100, 100 - widthPercent);
    return { ...p, leftPercent: round(leftPercent), widthPercent: round(widthPercent) };
  });
  return { spanMs, bars };
}

function round(percent: number): number {
  return Math.round(percent * 1000) / 1000;
}
