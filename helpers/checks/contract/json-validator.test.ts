import { describe, expect, it } from 'vitest';
import { formatJsonProblem, validateJsonShape } from './json-validator.js';

const SHAPE = {
  required: {
    model_name: 'string' as const,
    model_version: 'string' as const,
    rows: 'integer' as const,
    metrics: { rmse: 'number' as const, mae: 'number' as const, detail: { ok: 'boolean' as const } },
    tags: 'array' as const,
    extra: 'object' as const,
    gone: 'null' as const,
  },
};
const GOOD = {
  model_name: 'm',
  model_version: '3',
  rows: 10,
  metrics: { rmse: 4.2, mae: 3, detail: { ok: true } },
  tags: [],
  extra: {},
  gone: null,
  unlisted: 'extra fields are fine',
};

describe('validateJsonShape', () => {
  it('accepts a document with every required field of the right type', () => {
    expect(validateJsonShape(GOOD, SHAPE)).toEqual([]);
  });

  it('lists every missing or mistyped field by path, nested ones included', () => {
    const bad = {
      ...GOOD,
      model_version: 3,
      rows: 1.5,
      metrics: { rmse: '4.2', detail: 'yes' },
      tags: {},
      extra: [],
      gone: 0,
    } as Record<string, unknown>;
    delete bad.model_name;
    expect(validateJsonShape(bad, SHAPE).map(formatJsonProblem)).toEqual([
      'model_name: expected string, saw missing',
      'model_version: expected string, saw number 3',
      'rows: expected integer, saw number 1.5',
      'metrics.rmse: expected number, saw string "4.2"',
      'metrics.mae: expected number, saw missing',
      'metrics.detail: expected object, saw string "yes"',
      'tags: expected array, saw object',
      'extra: expected object, saw array',
      'gone: expected null, saw number 0',
    ]);
  });

  it('a missing nested object is one problem, a non-object document another', () => {
    const { metrics: _, ...noMetrics } = GOOD;
    expect(validateJsonShape(noMetrics, SHAPE).map((p) => p.path)).toEqual(['metrics']);
    expect(validateJsonShape([1], SHAPE)).toEqual([{ path: '(document)', expected: 'an object', seen: 'array' }]);
    expect(validateJsonShape(null, SHAPE)[0]?.seen).toBe('null');
  });
});
