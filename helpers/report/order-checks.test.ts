import { describe, expect, it } from 'vitest';
import { orderChecks } from './order-checks.js';
import type { CheckResult } from './schema.js';

const check = (id: string, startedAt?: string): CheckResult => ({
  id,
  stage: id.split('.')[0] as CheckResult['stage'],
  title: id,
  status: 'passed',
  durationMs: 1,
  evidence: {},
  ...(startedAt ? { startedAt } : {}),
});

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 26, 8, 0, seconds)).toISOString();

describe('orderChecks', () => {
  it('puts the stages in run order although Vitest collected the contract spec first', () => {
    const collected = [
      check('contract.kfp.run-succeeded', at(40)),
      check('contract.file.valid', at(39)),
      check('infrastructure.minio.ready', at(12)),
      check('infrastructure.stack.started', at(11)),
      check('preflight.config.valid', at(10)),
      check('submission.run.created', at(20)),
    ];
    expect(orderChecks(collected).map((c) => c.id)).toEqual([
      'preflight.config.valid',
      'infrastructure.stack.started',
      'infrastructure.minio.ready',
      'submission.run.created',
      'contract.file.valid',
      'contract.kfp.run-succeeded',
    ]);
  });

  it('keeps a check without startedAt after the check collected before it, and ties in collection order', () => {
    const collected = [
      check('infrastructure.minio.ready', at(14)),
      check('infrastructure.spec-file.kfp'),
      check('infrastructure.kfp.dns', at(12)),
      check('infrastructure.kfp.tcp', at(12)),
    ];
    expect(orderChecks(collected).map((c) => c.id)).toEqual([
      'infrastructure.kfp.dns',
      'infrastructure.kfp.tcp',
      'infrastructure.minio.ready',
      'infrastructure.spec-file.kfp',
    ]);
  });

  it('keeps collection order within a stage when no check recorded its start', () => {
    const collected = [check('contract.b.x'), check('preflight.a.x'), check('contract.a.x')];
    expect(orderChecks(collected).map((c) => c.id)).toEqual(['preflight.a.x', 'contract.b.x', 'contract.a.x']);
  });
});
