/**
 * The `filter` query parameter of KFP list calls: a JSON-serialised `Filter` message
 * (backend/api/v2beta1/filter.proto), URL-encoded by the request builder. Field names are the
 * proto names (`string_value`); the server's protojson parser accepts those as well as camelCase.
 */

export type PredicateOperation =
  | 'EQUALS'
  | 'NOT_EQUALS'
  | 'GREATER_THAN'
  | 'GREATER_THAN_EQUALS'
  | 'LESS_THAN'
  | 'LESS_THAN_EQUALS'
  | 'IN'
  | 'IS_SUBSTRING';

export interface Predicate {
  key: string;
  operation: PredicateOperation;
  string_value?: string;
  int_value?: number;
  long_value?: string;
  timestamp_value?: string;
  string_values?: { values: string[] };
}

/** `{"predicates":[…]}`; the predicates are AND-ed by the server. */
export function filterJson(...predicates: Predicate[]): string {
  return JSON.stringify({ predicates });
}

export function equals(key: string, value: string): Predicate {
  return { key, operation: 'EQUALS', string_value: value };
}
