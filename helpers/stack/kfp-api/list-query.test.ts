import { describe, expect, it } from 'vitest';
import type { FieldMap } from './filter.js';
import { ApiError } from './grpc-status.js';
import {
  encodeToken,
  type ListSpec,
  pageSql,
  parseInt32,
  parseListOptions,
  predicatesSql,
  sortValueOf,
} from './list-query.js';

const FIELDS: FieldMap = {
  run_id: { column: 'run_id', type: 'text' },
  display_name: { column: 'display_name', type: 'text' },
  state: { column: 'state', type: 'text' },
  created_at: { column: 'created_at', type: 'timestamp' },
};
const SPEC: ListSpec = { fields: FIELDS, keyColumn: 'run_id' };

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).message;
  }
  throw new Error('expected a refusal');
}

describe('parseListOptions', () => {
  it('defaults: 20 per page, created_at ascending, no filter', () => {
    const options = parseListOptions({}, SPEC);
    expect(options).toMatchObject({ pageSize: 20, sortBy: 'created_at', desc: false, filter: '', predicates: [] });
    expect(options.after).toBeUndefined();
  });

  it('page_size: 0 is the default, the maximum is 200, negative or not a number is refused', () => {
    expect(parseListOptions({ page_size: '0' }, SPEC).pageSize).toBe(20);
    expect(parseListOptions({ page_size: '5' }, SPEC).pageSize).toBe(5);
    expect(parseListOptions({ page_size: '5000' }, SPEC).pageSize).toBe(200);
    expect(message(() => parseListOptions({ page_size: '-1' }, SPEC))).toBe(
      'The page size should be greater than 0. Got -1',
    );
    expect(message(() => parseListOptions({ page_size: 'ten' }, SPEC))).toContain('parsing field "page_size"');
    expect(parseInt32('x', undefined)).toBeUndefined();
  });

  it('sort_by: "field", "field asc", "field desc", case-insensitive; other fields refused', () => {
    expect(parseListOptions({ sort_by: 'created_at desc' }, SPEC)).toMatchObject({ sortBy: 'created_at', desc: true });
    expect(parseListOptions({ sort_by: 'Display_Name ASC' }, SPEC)).toMatchObject({
      sortBy: 'display_name',
      desc: false,
    });
    expect(message(() => parseListOptions({ sort_by: 'colour' }, SPEC))).toContain('Cannot sort on field colour');
    expect(message(() => parseListOptions({ sort_by: 'created_at down' }, SPEC))).toContain('invalid sort by format');
    expect(message(() => parseListOptions({ sort_by: 'a b c' }, SPEC))).toContain('invalid sort by format');
  });

  it('a page token carries sort and filter; the request may repeat them, not change them', () => {
    const filter = encodeURIComponent(
      JSON.stringify({ predicates: [{ key: 'state', operation: 'EQUALS', string_value: 'x' }] }),
    );
    const first = parseListOptions({ sort_by: 'display_name desc', filter, page_size: '2' }, SPEC);
    const token = encodeToken(first, 'b', 'id-2');
    const next = parseListOptions({ page_token: token, page_size: '2' }, SPEC);
    expect(next).toMatchObject({
      sortBy: 'display_name',
      desc: true,
      filter,
      after: { sortValue: 'b', keyValue: 'id-2' },
    });
    expect(next.predicates).toHaveLength(1);
    expect(parseListOptions({ page_token: token, sort_by: 'display_name desc', filter }, SPEC).after).toBeDefined();
    expect(message(() => parseListOptions({ page_token: token, sort_by: 'created_at' }, SPEC))).toContain(
      'page token does not match',
    );
    expect(message(() => parseListOptions({ page_token: token, filter: '%7B%7D' }, SPEC))).toContain(
      'page token does not match',
    );
    expect(message(() => parseListOptions({ page_token: 'garbage' }, SPEC))).toContain('Invalid page token');
  });
});

describe('SQL fragments', () => {
  it('predicates become parameterised conditions on the mapped columns', () => {
    const filter = encodeURIComponent(
      JSON.stringify({
        predicates: [
          { key: 'state', operation: 'IN', string_values: { values: ['A', 'B'] } },
          { key: 'display_name', operation: 'IS_SUBSTRING', string_value: 'pob' },
          { key: 'display_name', operation: 'NOT_EQUALS', string_value: 'z' },
          { key: 'state', operation: 'IN', string_values: { values: [] } },
        ],
      }),
    );
    const { predicates } = parseListOptions({ filter }, SPEC);
    expect(predicatesSql(predicates, 3)).toEqual({
      sql: 'state IN ($3, $4) AND display_name LIKE $5 AND display_name <> $6 AND FALSE',
      params: ['A', 'B', '%pob%', 'z'],
    });
  });

  it('keyset condition follows the sort direction, ties broken by the key', () => {
    const asc = parseListOptions({ sort_by: 'created_at' }, SPEC);
    expect(pageSql(asc, 'run_id', 1)).toEqual({
      where: { sql: '', params: [] },
      orderBy: 'created_at ASC, run_id ASC',
    });
    const token = encodeToken({ ...asc, desc: true }, '2024-01-01T00:00:00.000Z', 'k');
    const desc = parseListOptions({ page_token: token }, SPEC);
    expect(pageSql(desc, 'run_id', 4)).toEqual({
      where: {
        sql: '(created_at < $4::timestamptz OR (created_at = $4::timestamptz AND run_id <= $5))',
        params: ['2024-01-01T00:00:00.000Z', 'k'],
      },
      orderBy: 'created_at DESC, run_id DESC',
    });
  });

  it('sortValueOf: dates as ISO strings', () => {
    expect(sortValueOf(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(sortValueOf('x')).toBe('x');
  });
});
