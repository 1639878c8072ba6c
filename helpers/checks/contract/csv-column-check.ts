import type { CsvColumn } from './contract-schema.js';
import {
  bytesEqual,
  nullNumber,
  plainBoolean,
  plainNumber,
  validTimestamp,
  validTimestampBytes,
} from './csv-cell-bytes.js';

/**
 * One contract column applied to one cell, two ways: `cellViolation` reads the cell as a string and
 * says what was expected — the reference, which produces every message — and `cellPasses` reads the
 * cell's bytes in place and only answers "certainly fine". The validator asks the second for every
 * row and the first only for rows the second did not clear, so a wrong "no" costs time, never a
 * verdict; `cellPasses` must never say yes where `cellViolation` would object.
 */

export type ColumnRule = Omit<CsvColumn, 'nullable'> & { nullable?: boolean };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_NULL = /^[+-]?(?:nan|inf|infinity)$/i;
const INTEGER = /^[+-]?\d+$/;
const BOOLEAN = /^(?:true|false|0|1)$/i;

const STRING = 0;
const NUMBER_KIND = 1;
const INTEGER_KIND = 2;
const TIMESTAMP = 3;
const BOOLEAN_KIND = 4;
const KINDS = {
  string: STRING,
  number: NUMBER_KIND,
  integer: INTEGER_KIND,
  timestamp: TIMESTAMP,
  boolean: BOOLEAN_KIND,
};

/** How `equals` is decided on bytes: not set, byte-for-byte, numerically, or never (the string reading decides). */
const EQUALS_NONE = 0;
const EQUALS_BYTES = 1;
const EQUALS_NUMBER = 2;
const EQUALS_NEVER = 3;

export interface ColumnCheck {
  rule: ColumnRule;
  /** The column's position in the header. */
  index: number;
  expectedType: string;
  /** `equals` as a number, for numeric columns (so "1.0" equals "1"). */
  equalsNumber?: number;
  kind: number;
  /** number or integer: NaN and inf read as null, values are compared as numbers. */
  numeric: boolean;
  nullable: boolean;
  /** The bounds, ±Infinity when unset: one comparison each, no undefined test per cell. */
  min: number;
  max: number;
  equals: number;
  equalsBytes: Uint8Array;
}

export function prepareColumn(rule: ColumnRule, index: number): ColumnCheck {
  const kind = KINDS[rule.type];
  const numeric = kind === NUMBER_KIND || kind === INTEGER_KIND;
  const check: ColumnCheck = {
    rule,
    index,
    expectedType: rule.type === 'timestamp' ? 'ISO 8601 timestamp' : rule.type,
    kind,
    numeric,
    nullable: rule.nullable === true,
    min: rule.min ?? Number.NEGATIVE_INFINITY,
    max: rule.max ?? Number.POSITIVE_INFINITY,
    equals: EQUALS_NONE,
    equalsBytes: new Uint8Array(0),
  };
  if (rule.equals === undefined) return check;
  if (numeric) {
    if (NUMBER.test(rule.equals.trim())) {
      check.equalsNumber = Number(rule.equals.trim());
      check.equals = EQUALS_NUMBER;
    } else {
      // A cell that reads as a number never equals a text that does not: every one is a violation.
      check.equals = EQUALS_NEVER;
    }
    return check;
  }
  const bytes = Buffer.from(rule.equals, 'utf8');
  // A lone surrogate does not survive UTF-8: equal bytes would then not mean equal strings.
  check.equals = bytes.toString('utf8') === rule.equals ? EQUALS_BYTES : EQUALS_NEVER;
  check.equalsBytes = bytes;
  return check;
}

/** What the cell should have been, or undefined when it honours the rule. */
export function cellViolation(check: ColumnCheck, value: string): string | undefined {
  const { rule, expectedType, numeric } = check;
  // Only a value that does not start with a digit can be NaN/inf: skip the regex for the rest.
  const first = value.charCodeAt(0);
  const isNull = value === '' || (numeric && !(first >= 48 && first <= 57) && NUMBER_NULL.test(value.trim()));
  if (isNull) return rule.nullable ? undefined : `non-null ${expectedType}`;
  if (numeric) {
    const text = value.trim();
    if (!(check.kind === INTEGER_KIND ? INTEGER : NUMBER).test(text)) return expectedType;
    const n = Number(text);
    if (rule.min !== undefined && n < rule.min) return `>= ${rule.min}`;
    if (rule.max !== undefined && n > rule.max) return `<= ${rule.max}`;
    if (
      rule.equals !== undefined &&
      (check.equalsNumber === undefined ? text !== rule.equals : n !== check.equalsNumber)
    ) {
      return `equal to "${rule.equals}"`;
    }
    return undefined;
  }
  if (check.kind === TIMESTAMP && !validTimestamp(value)) return expectedType;
  if (check.kind === BOOLEAN_KIND && !BOOLEAN.test(value)) return expectedType;
  if (rule.equals !== undefined && value !== rule.equals) return `equal to "${rule.equals}"`;
  return undefined;
}

/** True only when the cell bytes[start, end) certainly honours the rule (ASCII cases; anything else: false). */
export function cellPasses(check: ColumnCheck, bytes: Uint8Array, start: number, end: number): boolean {
  if (start === end) return check.nullable;
  const kind = check.kind;
  if (check.numeric) {
    const n = plainNumber(bytes, start, end, kind === INTEGER_KIND);
    if (Number.isNaN(n)) return check.nullable && nullNumber(bytes, start, end);
    if (n < check.min || n > check.max) return false;
    return check.equals === EQUALS_NONE || (check.equals === EQUALS_NUMBER && n === check.equalsNumber);
  }
  if (kind === TIMESTAMP) {
    if (!validTimestampBytes(bytes, start, end)) return false;
  } else if (kind === BOOLEAN_KIND) {
    if (!plainBoolean(bytes, start, end)) return false;
  }
  return (
    check.equals === EQUALS_NONE || (check.equals === EQUALS_BYTES && bytesEqual(bytes, start, end, check.equalsBytes))
  );
}
