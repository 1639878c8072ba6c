import { describe, expect, it } from 'vitest';
import { type FieldMap, parseFilter, queryUnescape } from './filter.js';
import { ApiError, GrpcCode } from './grpc-status.js';

const FIELDS: FieldMap = {
  display_name: { column: 'display_name', type: 'text' },
  state: { column: 'state', type: 'text' },
  created_at: { column: 'created_at', type: 'timestamp' },
};

const encode = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));

function refusal(filter: string): string {
  try {
    parseFilter(filter, FIELDS);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(GrpcCode.INVALID_ARGUMENT);
    return (error as ApiError).message;
  }
  throw new Error(`expected ${filter} to be refused`);
}

describe('queryUnescape', () => {
  it('decodes %XX and + like Go url.QueryUnescape', () => {
    expect(queryUnescape('a%20b+c%C3%A9')).toBe('a b cé');
    expect(() => queryUnescape('100%')).toThrow('invalid URL escape "%"');
    expect(() => queryUnescape('%zz')).toThrow('invalid URL escape "%zz"');
  });
});

describe('parseFilter', () => {
  it('no filter: no predicates', () => {
    expect(parseFilter(undefined, FIELDS)).toEqual([]);
    expect(parseFilter('', FIELDS)).toEqual([]);
  });

  it('EQUALS on a string field, operation by name or by number (as the KFP SDK sends it)', () => {
    for (const operation of ['EQUALS', 1]) {
      const [p] = parseFilter(encode({ predicates: [{ key: 'display_name', operation, string_value: 'x' }] }), FIELDS);
      expect(p).toMatchObject({ key: 'display_name', operation: 'EQUALS', values: ['x'] });
    }
  });

  it('accepts the JSON names of the value fields', () => {
    const [p] = parseFilter(
      encode({ predicates: [{ key: 'state', operation: 'NOT_EQUALS', stringValue: 'FAILED' }] }),
      FIELDS,
    );
    expect(p).toMatchObject({ operation: 'NOT_EQUALS', values: ['FAILED'] });
  });

  it('IN takes string_values; IS_SUBSTRING a string_value', () => {
    const [inP, sub] = parseFilter(
      encode({
        predicates: [
          { key: 'state', operation: 'IN', string_values: { values: ['SUCCEEDED', 'FAILED'] } },
          { key: 'display_name', operation: 'IS_SUBSTRING', string_value: 'pob' },
        ],
      }),
      FIELDS,
    );
    expect(inP).toMatchObject({ operation: 'IN', values: ['SUCCEEDED', 'FAILED'] });
    expect(sub).toMatchObject({ operation: 'IS_SUBSTRING', values: ['pob'] });
  });

  it('timestamps compare with timestamp_value or Unix seconds', () => {
    const [a, b] = parseFilter(
      encode({
        predicates: [
          { key: 'created_at', operation: 'GREATER_THAN', timestamp_value: '2024-01-01T00:00:00Z' },
          { key: 'created_at', operation: 'LESS_THAN', long_value: '1704067200' },
        ],
      }),
      FIELDS,
    );
    expect((a?.values[0] as Date).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect((b?.values[0] as Date).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(refusal(encode({ predicates: [{ key: 'created_at', operation: 'EQUALS', string_value: 'x' }] }))).toContain(
      'a timestamp field compares with timestamp_value',
    );
  });

  it('takes a filter that was not URL-encoded at all (plain JSON in the query string)', () => {
    const [p] = parseFilter(
      JSON.stringify({ predicates: [{ key: 'state', operation: 'EQUALS', string_value: 'x' }] }),
      FIELDS,
    );
    expect(p?.values).toEqual(['x']);
  });

  it('refuses what the server refuses, naming the filter', () => {
    expect(refusal('not json')).toMatch(/^failed to parse valid filter from "not json": /);
    expect(refusal(encode({ predicates: [{ key: 'state', op: 'EQUALS', string_value: 'x' }] }))).toContain(
      'unknown field "op" in v2beta1.Predicate',
    );
    expect(refusal(encode({ predicates: [{ key: 'colour', operation: 'EQUALS', string_value: 'x' }] }))).toContain(
      'cannot filter on "colour"',
    );
    expect(refusal(encode({ predicates: [{ key: 'state', string_value: 'x' }] }))).toContain('no operation');
    expect(refusal(encode({ predicates: [{ key: 'state', operation: 'EQUALS' }] }))).toContain('no value');
    expect(refusal(encode({ predicates: [{ key: 'state', operation: 'IN', string_value: 'x' }] }))).toContain(
      'IN needs int_values',
    );
    expect(
      refusal(encode({ predicates: [{ key: 'state', operation: 'EQUALS', string_values: { values: ['x'] } }] })),
    ).toContain('only allowed with IN');
    expect(refusal(encode({ predicates: [{ key: 'state', operation: 'IS_SUBSTRING', int_value: 3 }] }))).toContain(
      'IS_SUBSTRING needs string_value',
    );
    expect(refusal(encode({ predicates: [{ key: 'state', operation: 'LIKE', string_value: 'x' }] }))).toContain(
      'invalid enum value "LIKE"',
    );
    expect(refusal('%7B%zz')).toContain('invalid URL escape');
  });
});
