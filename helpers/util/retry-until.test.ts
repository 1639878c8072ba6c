import { describe, expect, it } from 'vitest';
import { type Clock, describeLast, retryUntil, systemClock, WaitTimeoutError } from './retry-until.js';

/** A clock that never sleeps: `sleep` advances virtual time and records the pause. */
class FakeClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
  /** What an attempt costs in virtual time (a slow HTTP call, say). */
  advance(ms: number): void {
    this.time += ms;
  }
}

const timedOut = (elapsed: number, last: unknown) => `timed out after ${elapsed} ms: ${describeLast(last)}`;

/** Returns the next value of `values` on each call (the last one repeats). */
function sequence<T>(values: T[]): { fn: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => values[Math.min(calls++, values.length - 1)] as T,
    calls: () => calls,
  };
}

describe('retryUntil', () => {
  it('returns at once when the first attempt succeeds, without sleeping', async () => {
    const clock = new FakeClock();
    const { fn, calls } = sequence(['ready']);
    await expect(retryUntil(fn, (v) => v === 'ready', timedOut, { timeoutMs: 1000, clock })).resolves.toBe('ready');
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('succeeds on the nth attempt and returns that value', async () => {
    const clock = new FakeClock();
    const { fn, calls } = sequence([1, 2, 3, 4, 5]);
    const value = await retryUntil(fn, (v) => v >= 4, timedOut, { timeoutMs: 10_000, intervalMs: 10, clock });
    expect(value).toBe(4);
    expect(calls()).toBe(4);
    expect(clock.sleeps).toEqual([10, 20, 40]);
  });

  it('doubles the pause after each attempt and caps it at maxIntervalMs', async () => {
    const clock = new FakeClock();
    const { fn } = sequence([false, false, false, false, false, false, false, true]);
    await retryUntil(fn, Boolean, timedOut, { timeoutMs: 60_000, intervalMs: 100, maxIntervalMs: 500, clock });
    expect(clock.sleeps).toEqual([100, 200, 400, 500, 500, 500, 500]);
  });

  it('uses 50 ms doubling to 1 s by default', async () => {
    const clock = new FakeClock();
    const { fn } = sequence([...Array<boolean>(7).fill(false), true]);
    await retryUntil(fn, Boolean, timedOut, { timeoutMs: 60_000, clock });
    expect(clock.sleeps).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
  });

  it('caps even the first pause when intervalMs is above maxIntervalMs', async () => {
    const clock = new FakeClock();
    const { fn } = sequence([false, false, true]);
    await retryUntil(fn, Boolean, timedOut, { timeoutMs: 60_000, intervalMs: 5000, maxIntervalMs: 1000, clock });
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('treats an exception as "not yet" and keeps trying', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fn = async () => {
      calls++;
      if (calls < 3) throw new Error(`ECONNREFUSED attempt ${calls}`);
      return 'up';
    };
    await expect(retryUntil(fn, (v) => v === 'up', timedOut, { timeoutMs: 5000, clock })).resolves.toBe('up');
    expect(calls).toBe(3);
  });

  it('times out with a WaitTimeoutError whose message has the elapsed time and the last error', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fn = async () => {
      calls++;
      throw new Error(`connection refused #${calls}`);
    };
    const error = await retryUntil(fn, () => true, timedOut, {
      timeoutMs: 1000,
      intervalMs: 100,
      maxIntervalMs: 400,
      clock,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const wait = error as WaitTimeoutError;
    // Pauses 100, 200, 400, then the 300 ms that remain: the last attempt runs right at the deadline.
    expect(clock.sleeps).toEqual([100, 200, 400, 300]);
    expect(wait.elapsedMs).toBe(1000);
    expect(calls).toBe(5);
    expect(wait.message).toBe('timed out after 1000 ms: connection refused #5');
    expect((wait.last as Error).message).toBe('connection refused #5');
    expect(wait.name).toBe('WaitTimeoutError');
  });

  it('keeps the last unsatisfying value as `last` when fn answers but is never done', async () => {
    const clock = new FakeClock();
    const { fn } = sequence([{ status: 'starting' }, { status: 'degraded' }]);
    const error = (await retryUntil(fn, (v) => v.status === 'ok', timedOut, {
      timeoutMs: 300,
      clock,
    }).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(error.last).toEqual({ status: 'degraded' });
    expect(error.message).toBe('timed out after 300 ms: {"status":"degraded"}');
  });

  it('counts the time the attempts themselves take against the deadline', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fn = async () => {
      calls++;
      clock.advance(400);
      return false;
    };
    const error = (await retryUntil(fn, Boolean, timedOut, { timeoutMs: 1000, intervalMs: 10, clock }).catch(
      (e: unknown) => e,
    )) as WaitTimeoutError;
    expect(calls).toBe(3);
    expect(error.elapsedMs).toBe(1230);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('makes one attempt even with a zero timeout', async () => {
    const clock = new FakeClock();
    const { fn, calls } = sequence([false]);
    await expect(retryUntil(fn, Boolean, timedOut, { timeoutMs: 0, clock })).rejects.toThrow(WaitTimeoutError);
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('reports each unsuccessful attempt to onAttempt', async () => {
    const clock = new FakeClock();
    const { fn } = sequence(['a', 'b', 'done']);
    const seen: Array<[number, number, unknown]> = [];
    await retryUntil(fn, (v) => v === 'done', timedOut, {
      timeoutMs: 5000,
      intervalMs: 10,
      clock,
      onAttempt: (attempt, elapsed, last) => seen.push([attempt, elapsed, last]),
    });
    expect(seen).toEqual([
      [1, 0, 'a'],
      [2, 10, 'b'],
    ]);
  });

  it('stops with the abort reason when the signal is already aborted, without calling fn', async () => {
    const clock = new FakeClock();
    const { fn, calls } = sequence([false]);
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(retryUntil(fn, Boolean, timedOut, { timeoutMs: 5000, clock, signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(calls()).toBe(0);
  });

  it('stops at the next attempt once the signal is aborted mid-wait', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let calls = 0;
    const fn = async () => {
      calls++;
      if (calls === 3) controller.abort(new Error('stack exited'));
      return false;
    };
    await expect(
      retryUntil(fn, Boolean, timedOut, { timeoutMs: 60_000, clock, signal: controller.signal }),
    ).rejects.toThrow('stack exited');
    expect(calls).toBe(3);
  });

  it('runs on the system clock when none is given (a short real wait)', async () => {
    const started = systemClock.now();
    const { fn, calls } = sequence([false, false, true]);
    await expect(retryUntil(fn, Boolean, timedOut, { timeoutMs: 5000, intervalMs: 1 })).resolves.toBe(true);
    expect(calls()).toBe(3);
    expect(systemClock.now() - started).toBeLessThan(5000);
  });
});

describe('describeLast', () => {
  it('describes what an attempt left behind', () => {
    expect(describeLast(new Error('boom'))).toBe('boom');
    expect(describeLast(undefined)).toBe('no answer');
    expect(describeLast('HTTP 503')).toBe('HTTP 503');
    expect(describeLast({ status: 503 })).toBe('{"status":503}');
    expect(describeLast(false)).toBe('false');
  });
});
