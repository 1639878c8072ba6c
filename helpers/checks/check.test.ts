import { beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../config/mask.js';
import { CheckResultSchema } from '../report/schema.js';
import { type Check, fail, HintedError, pass, runCheck, skip, toResult } from './check.js';

beforeEach(() => clearRegisteredSecrets());

function check<Ctx = void>(run: Check<Ctx>['run'], id = 'infrastructure.minio.ready'): Check<Ctx> {
  return { id, stage: 'infrastructure', title: 'MinIO answers its readiness probe', run };
}

describe('outcome helpers', () => {
  it('build the three outcomes', () => {
    expect(pass({ latencyMs: 3 })).toEqual({ status: 'passed', evidence: { latencyMs: 3 } });
    expect(pass()).toEqual({ status: 'passed', evidence: {} });
    expect(fail('bad', 'try x', { a: 1 })).toEqual({
      status: 'failed',
      error: 'bad',
      hint: 'try x',
      evidence: { a: 1 },
    });
    expect(fail('bad')).toEqual({ status: 'failed', error: 'bad', evidence: {} });
    expect('hint' in fail('bad', '')).toBe(false);
    expect(skip('no gateway')).toEqual({ status: 'skipped', reason: 'no gateway', evidence: {} });
  });
});

describe('runCheck', () => {
  it('returns a passed result with its evidence, id, stage and title', async () => {
    const result = await runCheck(
      check(() => pass({ status: 200 })),
      undefined,
    );
    expect(result).toMatchObject({
      id: 'infrastructure.minio.ready',
      stage: 'infrastructure',
      title: 'MinIO answers its readiness probe',
      status: 'passed',
      evidence: { status: 200 },
    });
    expect(result.error).toBeUndefined();
    expect(CheckResultSchema.safeParse(result).success).toBe(true);
  });

  it('hands the context to the check', async () => {
    const result = await runCheck(
      check<{ url: string }>((ctx) => pass({ url: ctx.url })),
      { url: 'http://minio:9000' },
    );
    expect(result.evidence).toEqual({ url: 'http://minio:9000' });
  });

  it('turns a thrown HintedError into a failed result carrying the hint', async () => {
    const result = await runCheck(
      check(() => {
        throw new HintedError('GET http://minio:9000/minio/health/live: connection refused', 'start the stack');
      }),
      undefined,
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBe('GET http://minio:9000/minio/health/live: connection refused');
    expect(result.hint).toBe('start the stack');
    expect(result.evidence).toEqual({});
    expect(CheckResultSchema.safeParse(result).success).toBe(true);
  });

  it('turns a rejected promise and a plain Error into a failed result without a hint', async () => {
    const rejected = await runCheck(
      check(async () => {
        throw new TypeError('fetch failed');
      }),
      undefined,
    );
    expect(rejected).toMatchObject({ status: 'failed', error: 'fetch failed' });
    expect(rejected.hint).toBeUndefined();
  });

  it('turns a thrown non-Error into a failed result with its text', async () => {
    const result = await runCheck(
      check(() => {
        throw 'plain string';
      }),
      undefined,
    );
    expect(result).toMatchObject({ status: 'failed', error: 'plain string' });
  });

  it('masks secrets in the error, hint, reason and evidence', async () => {
    registerSecret('minio-secret-value');
    const thrown = await runCheck(
      check(() => {
        throw new HintedError(
          'GET http://admin:hunter2@minio:9000 failed with minio-secret-value',
          'set MINIO_SECRET_KEY=minio-secret-value',
        );
      }),
      undefined,
    );
    expect(thrown.error).toBe('GET http://admin:***@minio:9000 failed with ***');
    expect(thrown.hint).toBe('set MINIO_SECRET_KEY=***');

    const returned = await runCheck(
      check(() => fail('password=hunter2 rejected', 'Bearer abc', { secretKey: 'x', url: 'http://u:p@h' })),
      undefined,
    );
    expect(returned).toMatchObject({
      status: 'failed',
      error: 'password=*** rejected',
      hint: 'Bearer ***',
      evidence: { secretKey: '***', url: 'http://u:***@h' },
    });

    const skipped = await runCheck(
      check(() => skip('token: abcdef not accepted')),
      undefined,
    );
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'token: *** not accepted' });
    expect(JSON.stringify([thrown, returned, skipped])).not.toMatch(/hunter2|minio-secret-value|abcdef/);
  });

  it('records how long the check took, rounded to 0.1 ms', async () => {
    let now = 1000;
    const realNow = performance.now.bind(performance);
    // A deterministic performance clock: the check "takes" 123.456 ms.
    performance.now = () => now;
    try {
      const result = await runCheck(
        check(() => {
          now += 123.456;
          return pass();
        }),
        undefined,
      );
      expect(result.durationMs).toBe(123.5);
    } finally {
      performance.now = realNow;
    }
  });

  it('records a real duration for a check that waits', async () => {
    const result = await runCheck(
      check(async () => {
        const until = performance.now() + 20;
        while (performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
        return pass();
      }),
      undefined,
    );
    expect(result.durationMs).toBeGreaterThanOrEqual(20);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('records the duration of a failing check too', async () => {
    let now = 0;
    const realNow = performance.now.bind(performance);
    performance.now = () => now;
    try {
      const result = await runCheck(
        check(() => {
          now += 42;
          throw new HintedError('nope', 'hint');
        }),
        undefined,
      );
      expect(result.durationMs).toBe(42);
    } finally {
      performance.now = realNow;
    }
  });
});

describe('toResult', () => {
  it('keeps only the fields that belong to the status', () => {
    const c = check(() => pass());
    const passed = toResult(c, pass(), 1);
    expect(Object.keys(passed).sort()).toEqual([
      'durationMs',
      'evidence',
      'id',
      'stage',
      'startedAt',
      'status',
      'title',
    ]);
    const skipped = toResult(c, skip('because'), 0);
    expect(skipped.reason).toBe('because');
    expect(skipped.error).toBeUndefined();
  });
});
