import { describe, expect, it } from 'vitest';
import type { CheckResult, ValidationReport } from './schema.js';
import { goldenReport, withChecks } from './test-support.js';
import { layoutTimeline, MIN_BAR_PERCENT } from './timeline.js';

const START = '2026-11-26T08:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

function report(durationMs: number, checks: Partial<CheckResult>[]): ValidationReport {
  const base = goldenReport();
  return withChecks(
    { ...base, startedAt: START, finishedAt: plus(durationMs), durationMs },
    checks.map((c, i) => ({
      id: `preflight.check-${i}.valid`,
      stage: 'preflight',
      title: 't',
      status: 'passed',
      durationMs: 0,
      evidence: {},
      ...c,
    })),
  );
}

describe('layoutTimeline', () => {
  it('places each bar at its start after the report began, as wide as its duration', () => {
    const t = layoutTimeline(report(10_000, [{ startedAt: plus(2_000), durationMs: 5_000 }]));
    expect(t.spanMs).toBe(10_000);
    expect(t.bars[0]).toMatchObject({ startMs: 2_000, leftPercent: 20, widthPercent: 50, estimated: false });
  });

  it('lays checks without startedAt one after the other, after the check before them', () => {
    const t = layoutTimeline(
      report(10_000, [{ startedAt: plus(1_000), durationMs: 1_000 }, { durationMs: 500 }, { durationMs: 500 }]),
    );
    expect(t.bars.map((b) => [b.startMs, b.estimated])).toEqual([
      [1_000, false],
      [2_000, true],
      [2_500, true],
    ]);
  });

  it('gives an instant check a minimum width and keeps every bar inside the axis', () => {
    const t = layoutTimeline(
      report(10_000, [
        { startedAt: plus(0), durationMs: 0.1 },
        { startedAt: plus(10_000), durationMs: 0 },
      ]),
    );
    for (const bar of t.bars) {
      expect(bar.widthPercent).toBeGreaterThanOrEqual(MIN_BAR_PERCENT);
      expect(bar.leftPercent + bar.widthPercent).toBeLessThanOrEqual(100);
    }
    expect(t.bars[1]?.leftPercent).toBe(100 - MIN_BAR_PERCENT);
  });

  it('stretches the axis to a check that ran past the end, and puts a check started before the report at 0', () => {
    const t = layoutTimeline(
      report(1_000, [
        { startedAt: plus(-500), durationMs: 100 },
        { startedAt: plus(500), durationMs: 1_500 },
      ]),
    );
    expect(t.spanMs).toBe(2_000);
    expect(t.bars.map((b) => b.leftPercent)).toEqual([0, 25]);
    expect(t.bars[1]?.widthPercent).toBe(75);
  });

  it('has one bar per check of the golden report, in report order', () => {
    const golden = goldenReport();
    expect(layoutTimeline(golden).bars.map((b) => b.check.id)).toEqual(golden.checks.map((c) => c.id));
  });
});
