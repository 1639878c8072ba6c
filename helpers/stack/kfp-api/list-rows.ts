import type pg from 'pg';
import { encodeToken, type ListOptions, type ListSpec, pageSql, predicatesSql, sortValueOf } from './list-query.js';

export interface ListPage<Row> {
  rows: Row[];
  totalSize: number;
  nextPageToken: string;
}

/** A fixed condition of a listing (a parent id), its values as parameters. */
export interface Condition {
  /** SQL with `?` for each value, e.g. `pipeline_id = ?`; column names come from code, never the request. */
  sql: string;
  values: unknown[];
}

/**
 * One page of a table: fixed conditions AND the filter's predicates, sorted, after the token's
 * row; one row more than the page is read to know whether a next page exists (its first row
 * becomes the token). total_size counts every matching row, as the KFP server does.
 */
export async function listRows<Row extends Record<string, unknown>>(
  pool: pg.Pool,
  table: string,
  spec: ListSpec,
  options: ListOptions,
  conditions: Condition[] = [],
): Promise<ListPage<Row>> {
  const params: unknown[] = [];
  const where: string[] = [];
  for (const condition of conditions) {
    let sql = condition.sql;
    for (const value of condition.values) {
      params.push(value);
      sql = sql.replace('?', `$${params.length}`);
    }
    where.push(sql);
  }
  const filter = predicatesSql(options.predicates, params.length + 1);
  if (filter.sql) {
    where.push(filter.sql);
    params.push(...filter.params);
  }
  const countWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const countParams = [...params];
  const page = pageSql(options, spec.keyColumn, params.length + 1);
  if (page.where.sql) {
    where.push(page.where.sql);
    params.push(...page.where.params);
  }
  const pageWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [rows, count] = await Promise.all([
    pool.query<Row>(
      `SELECT * FROM ${table} ${pageWhere} ORDER BY ${page.orderBy} LIMIT ${options.pageSize + 1}`,
      params,
    ),
    pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} ${countWhere}`, countParams),
  ]);
  const extra = rows.rows.length > options.pageSize ? rows.rows[options.pageSize] : undefined;
  return {
    rows: rows.rows.slice(0, options.pageSize),
    totalSize: Number(count.rows[0]?.n ?? 0),
    nextPageToken: extra
      ? encodeToken(options, sortValueOf(extra[options.sort.column]), String(extra[spec.keyColumn]))
      : '',
  };
}
