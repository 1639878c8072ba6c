import { type FieldMap, type FilterableField, type Predicate, parseFilter } from './filter.js';
import { invalidArgument } from './grpc-status.js';

/**
 * Paging, sorting and filtering of the List endpoints, with the KFP server's rules: page_size 0
 * means 20, at most 200, negative is an error; sort_by is "field", "field asc" or "field desc" on
 * a listable field (default created_at, ties broken by the id); the page token is opaque, carries
 * the sort and the filter, and a request that gives a token with a different sort or filter is
 * refused. Keyset paging: the token holds the first row of the next page.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

export interface ListSpec {
  /** API field name → column, for sort_by and filter keys. */
  fields: FieldMap;
  /** The id column: tie-breaker of every sort, and the keyset's second half. */
  keyColumn: string;
}

export interface ListQuery {
  page_size?: string | undefined;
  page_token?: string | undefined;
  sort_by?: string | undefined;
  filter?: string | undefined;
}

export interface ListOptions {
  pageSize: number;
  sortBy: string;
  sort: FilterableField;
  desc: boolean;
  filter: string;
  predicates: Predicate[];
  /** From the page token: where this page starts. */
  after?: { sortValue: string; keyValue: string };
}

interface Token {
  sortBy: string;
  desc: boolean;
  filter: string;
  sortValue: string;
  keyValue: string;
}

/** int32 query parameter, as grpc-gateway parses it. */
export function parseInt32(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim()) || Math.abs(Number(raw)) >= 2 ** 31) {
    throw invalidArgument(`parsing field "${name}": strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}

function parseSortBy(raw: string, fields: FieldMap): { sortBy: string; desc: boolean } {
  const words = raw.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 2 || (words.length === 2 && words[1] !== 'asc' && words[1] !== 'desc')) {
    throw invalidArgument(
      `Received invalid sort by format \`${raw}\`. Supported format: "field_name", "field_name desc", or "field_name asc"`,
    );
  }
  const sortBy = words[0] ?? 'created_at';
  if (!fields[sortBy]) {
    throw invalidArgument(`Cannot sort on field ${sortBy}. Supported fields [${Object.keys(fields).join(', ')}].`);
  }
  return { sortBy, desc: words[1] === 'desc' };
}

export function parseListOptions(query: ListQuery, spec: ListSpec): ListOptions {
  const requested = parseInt32('page_size', query.page_size) ?? 0;
  if (requested < 0) throw invalidArgument(`The page size should be greater than 0. Got ${requested}`);
  const pageSize = Math.min(requested === 0 ? DEFAULT_PAGE_SIZE : requested, MAX_PAGE_SIZE);
  const token = query.page_token ? decodeToken(query.page_token) : undefined;
  if (token) {
    const sortDiffers =
      query.sort_by !== undefined && query.sort_by !== '' && !sameSort(query.sort_by, token, spec.fields);
    const filterDiffers = query.filter !== undefined && query.filter !== '' && query.filter !== token.filter;
    if (sortDiffers || filterDiffers) {
      throw invalidArgument(
        'page token does not match the supplied sort by and/or filtering criteria. Either specify the same criteria or leave the latter empty if page token is specified.',
      );
    }
  }
  const { sortBy, desc } = token ?? parseSortBy(query.sort_by ?? '', spec.fields);
  const sort = spec.fields[sortBy];
  if (!sort) throw invalidArgument('Invalid page token: unknown sort field');
  const filter = token?.filter ?? query.filter ?? '';
  return {
    pageSize,
    sortBy,
    sort,
    desc,
    filter,
    predicates: parseFilter(filter, spec.fields),
    ...(token ? { after: { sortValue: token.sortValue, keyValue: token.keyValue } } : {}),
  };
}

function sameSort(raw: string, token: Token, fields: FieldMap): boolean {
  const parsed = parseSortBy(raw, fields);
  return parsed.sortBy === token.sortBy && parsed.desc === token.desc;
}

function decodeToken(raw: string): Token {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<Token>;
    if (
      typeof token.sortBy === 'string' &&
      typeof token.desc === 'boolean' &&
      typeof token.filter === 'string' &&
      typeof token.sortValue === 'string' &&
      typeof token.keyValue === 'string'
    ) {
      return token as Token;
    }
  } catch {
    // Reported below.
  }
  throw invalidArgument(`Invalid page token: ${JSON.stringify(raw)} is not a token this server issued`);
}

export function encodeToken(options: ListOptions, sortValue: string, keyValue: string): string {
  const token: Token = { sortBy: options.sortBy, desc: options.desc, filter: options.filter, sortValue, keyValue };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

/** A WHERE fragment with numbered parameters; `next` numbers them on from an offset. */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

const OPERATORS: Record<Exclude<Predicate['operation'], 'IN' | 'IS_SUBSTRING'>, string> = {
  EQUALS: '=',
  NOT_EQUALS: '<>',
  GREATER_THAN: '>',
  GREATER_THAN_EQUALS: '>=',
  LESS_THAN: '<',
  LESS_THAN_EQUALS: '<=',
};

/** Conditions for the predicates, parameters numbered from `$start`. Column names come from the spec, never the request. */
export function predicatesSql(predicates: Predicate[], start: number): SqlPart {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${start + params.length - 1}`;
  };
  const clauses = predicates.map(({ field, operation, values }) => {
    const column = field.column;
    if (operation === 'IN') {
      return values.length === 0 ? 'FALSE' : `${column} IN (${values.map((v) => param(v)).join(', ')})`;
    }
    // Like the real server, the value is not escaped: % and _ in it are LIKE wildcards.
    if (operation === 'IS_SUBSTRING') return `${column} LIKE ${param(`%${values[0] as string}%`)}`;
    return `${column} ${OPERATORS[operation]} ${param(values[0])}`;
  });
  return { sql: clauses.join(' AND '), params };
}

/** The keyset condition and ORDER BY of a page. */
export function pageSql(options: ListOptions, keyColumn: string, start: number): { where: SqlPart; orderBy: string } {
  const column = options.sort.column;
  const dir = options.desc ? 'DESC' : 'ASC';
  const orderBy = `${column} ${dir}, ${keyColumn} ${dir}`;
  if (!options.after) return { where: { sql: '', params: [] }, orderBy };
  const cmp = options.desc ? '<' : '>';
  const cast = options.sort.type === 'timestamp' ? '::timestamptz' : '';
  const sql = `(${column} ${cmp} $${start}${cast} OR (${column} = $${start}${cast} AND ${keyColumn} ${cmp}= $${start + 1}))`;
  return { where: { sql, params: [options.after.sortValue, options.after.keyValue] }, orderBy };
}

/** The value a row holds in the sort column, as the token stores it. */
export function sortValueOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value ?? '');
}
