import { invalidArgument } from './grpc-status.js';
import { type Decoded, decodeMessage, type MessageDescriptor } from './strict-json.js';

/**
 * The `filter` query parameter of the List endpoints: a URL-encoded JSON v2beta1 Filter
 * (backend/api/v2beta1/filter.proto): `{"predicates": [{"operation": "EQUALS", "key":
 * "display_name", "string_value": "x"}]}`. Predicates are AND-ed. The operation may be its name
 * or its number (the KFP SDK sends numbers); values use the proto or the JSON field names.
 */

export const OPERATIONS = {
  OPERATION_UNSPECIFIED: 0,
  EQUALS: 1,
  NOT_EQUALS: 2,
  GREATER_THAN: 3,
  GREATER_THAN_EQUALS: 5,
  LESS_THAN: 6,
  LESS_THAN_EQUALS: 7,
  IN: 8,
  IS_SUBSTRING: 9,
} as const;
export type Operation = Exclude<keyof typeof OPERATIONS, 'OPERATION_UNSPECIFIED'>;

const listOf = (name: string, kind: 'int32' | 'int64' | 'string'): MessageDescriptor => ({
  name,
  fields: [{ name: 'values', type: { kind }, repeated: true }],
});

const PredicateMessage: MessageDescriptor = {
  name: 'v2beta1.Predicate',
  fields: [
    { name: 'operation', type: { kind: 'enum', values: OPERATIONS } },
    { name: 'key', type: { kind: 'string' } },
    { name: 'int_value', type: { kind: 'int32' }, oneof: 'value' },
    { name: 'long_value', type: { kind: 'int64' }, oneof: 'value' },
    { name: 'string_value', type: { kind: 'string' }, oneof: 'value' },
    { name: 'timestamp_value', type: { kind: 'timestamp' }, oneof: 'value' },
    {
      name: 'int_values',
      type: { kind: 'message', message: listOf('v2beta1.Predicate.IntValues', 'int32') },
      oneof: 'value',
    },
    {
      name: 'long_values',
      type: { kind: 'message', message: listOf('v2beta1.Predicate.LongValues', 'int64') },
      oneof: 'value',
    },
    {
      name: 'string_values',
      type: { kind: 'message', message: listOf('v2beta1.Predicate.StringValues', 'string') },
      oneof: 'value',
    },
  ],
};

const FilterMessage: MessageDescriptor = {
  name: 'v2beta1.Filter',
  fields: [{ name: 'predicates', type: { kind: 'message', message: PredicateMessage }, repeated: true }],
};

/** What a filterable API field is in the store: its column and how values compare. */
export interface FilterableField {
  column: string;
  type: 'text' | 'timestamp';
}
export type FieldMap = Readonly<Record<string, FilterableField>>;

/** A validated predicate: one column, one operation, its operand(s). */
export interface Predicate {
  key: string;
  field: FilterableField;
  operation: Operation;
  /** One value, or the members for IN. Timestamps as Date, text as string. */
  values: Array<string | Date>;
}

/**
 * Go's url.QueryUnescape. The KFP server unescapes the filter once more after the query string
 * was decoded, so a client must encode it (the SDK does, twice); '+' becomes a space.
 */
export function queryUnescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`invalid URL escape "${text.slice(i, i + 3)}"`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (char === '+') {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses and validates a filter against the fields of the listed resource. Empty: no predicates. */
export function parseFilter(encoded: string | undefined, fields: FieldMap): Predicate[] {
  if (encoded === undefined || encoded === '') return [];
  const fail = (reason: string) =>
    invalidArgument(`failed to parse valid filter from ${JSON.stringify(encoded)}: ${reason}`);
  let decoded: Decoded;
  try {
    const json: unknown = JSON.parse(queryUnescape(encoded));
    decoded = decodeMessage(json, FilterMessage, 'filter');
  } catch (error) {
    throw fail((error as Error).message);
  }
  const predicates = (decoded.predicates ?? []) as Decoded[];
  return predicates.map((p, index) => {
    const where = `predicate ${index + 1}`;
    const operation = (p.operation ?? 'OPERATION_UNSPECIFIED') as keyof typeof OPERATIONS;
    if (operation === 'OPERATION_UNSPECIFIED') throw fail(`${where}: no operation; expected one of ${opNames()}`);
    const key = p.key as string | undefined;
    if (!key) throw fail(`${where}: no key`);
    const field = fields[key];
    if (!field) throw fail(`${where}: cannot filter on "${key}"; filterable keys: ${Object.keys(fields).join(', ')}`);
    const values = operandsOf(p, operation, field, (reason) => fail(`${where} (${key} ${operation}): ${reason}`));
    return { key, field, operation, values };
  });
}

function opNames(): string {
  return Object.keys(OPERATIONS)
    .filter((name) => name !== 'OPERATION_UNSPECIFIED')
    .join(', ');
}

function operandsOf(
  p: Decoded,
  operation: Operation,
  field: FilterableField,
  fail: (reason: string) => Error,
): Array<string | Date> {
  const list = (p.int_values ?? p.long_values ?? p.string_values) as { values?: unknown[] } | undefined;
  if (operation === 'IN') {
    if (!list) throw fail('IN needs int_values, long_values or string_values');
    return (list.values ?? []).map((v) => operand(v, field, fail));
  }
  if (list) throw fail('a list of values is only allowed with IN');
  const single = p.string_value ?? p.int_value ?? p.long_value ?? p.timestamp_value;
  if (single === undefined) throw fail('no value');
  if (operation === 'IS_SUBSTRING' && typeof p.string_value !== 'string') throw fail('IS_SUBSTRING needs string_value');
  return [operand(single, field, fail)];
}

function operand(value: unknown, field: FilterableField, fail: (reason: string) => Error): string | Date {
  if (field.type === 'text') return value instanceof Date ? value.toISOString() : String(value);
  if (value instanceof Date) return value;
  // Timestamps compare as Unix seconds on the real server: numbers are seconds since the epoch.
  if (typeof value === 'number') return new Date(value * 1000);
  throw fail('a timestamp field compares with timestamp_value, int_value or long_value (Unix seconds)');
}
