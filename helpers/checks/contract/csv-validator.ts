import { StringDecoder } from 'node:string_decoder';
import type { CsvColumn } from './contract-schema.js';

/**
 * Validates CSV bytes against a contract's columns in constant memory: chunks are split into
 * records incrementally (RFC 4180: quoted fields may hold commas, doubled quotes and newlines;
 * CRLF or LF), each record is checked and dropped. What is kept is bounded: the header, the first
 * violations per column, counts. Rows are numbered from 1 after the header; `line` is the physical
 * line (the header is line 1), which differs from row + 1 only after quoted newlines.
 */

export type ColumnRule = Omit<CsvColumn, 'nullable'> & { nullable?: boolean };

export interface CsvRules {
  /** `equals` already rendered (no templates left). */
  columns: readonly ColumnRule[];
  rows?: { min?: number; max?: number };
  /** Violations kept per column (and for structure); the counts cover all of them. Default 5. */
  maxViolationsPerColumn?: number;
  /** A record longer than this is an error (an unterminated quote would otherwise hold the whole file). Default 1 MiB. */
  maxRecordChars?: number;
}

export interface CsvViolation {
  row: number;
  line: number;
  /** A contract column, or `(record)` for a record whose field count differs from the header's. */
  column: string;
  /** As read (truncated to 80 characters). */
  value: string;
  expected: string;
}

export interface CsvResult {
  /** Data rows (the header excluded). */
  rows: number;
  bytes: number;
  /** The header as read. */
  columns: string[];
  /** Contract columns absent from the header. */
  missingColumns: string[];
  /** The first violations of each column, in row order per column. */
  violations: CsvViolation[];
  /** Violations per column (all of them, not only the kept ones). */
  counts: Record<string, number>;
  /** Set when the row count is outside the contract's bounds: what was expected. */
  rowBounds?: string;
  /** Problems that make the file unreadable as CSV (no header, unterminated quote, oversized record). */
  fatal?: string;
}

export const RECORD_COLUMN = '(record)';
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_NULL = /^[+-]?(?:nan|inf|infinity)$/i;
const INTEGER = /^[+-]?\d+$/;
const BOOLEAN = /^(?:true|false|0|1)$/i;

interface Prepared {
  rule: ColumnRule;
  index: number;
  expectedType: string;
  /** `equals` as a number, for numeric columns (so "1.0" equals "1"). */
  equalsNumber?: number;
}

export class CsvValidator {
  readonly #rules: CsvRules;
  readonly #keep: number;
  readonly #maxRecord: number;
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';
  /** Characters of #pending already scanned for quotes, and how many quotes they held. */
  #scanned = 0;
  #quotes = 0;
  #header: string[] | undefined;
  #prepared: Prepared[] = [];
  #rows = 0;
  #line = 1;
  #bytes = 0;
  #violations = new Map<string, CsvViolation[]>();
  #counts: Record<string, number> = {};
  #fatal: string | undefined;

  constructor(rules: CsvRules) {
    this.#rules = rules;
    this.#keep = rules.maxViolationsPerColumn ?? 5;
    this.#maxRecord = rules.maxRecordChars ?? 1 << 20;
  }

  /** Feeds the next chunk; any chunk boundary works (inside a line, a quote or a UTF-8 character). */
  push(chunk: Buffer | string): void {
    if (this.#fatal) return;
    this.#bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    this.#consume(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk), false);
  }

  /** Ends the input and returns the verdict's material. */
  finish(): CsvResult {
    if (!this.#fatal) this.#consume(this.#decoder.end(), true);
    if (!this.#fatal && this.#header === undefined) this.#fatal = 'the object is empty: no header line';
    const columns = this.#header ?? [];
    const missingColumns = this.#rules.columns.map((c) => c.name).filter((n) => !columns.includes(n));
    const result: CsvResult = {
      rows: this.#rows,
      bytes: this.#bytes,
      columns,
      missingColumns,
      violations: [...this.#violations.values()].flat(),
      counts: { ...this.#counts },
    };
    const { min, max } = this.#rules.rows ?? {};
    if (!this.#fatal && ((min !== undefined && this.#rows < min) || (max !== undefined && this.#rows > max))) {
      result.rowBounds = [min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : '']
        .filter(Boolean)
        .join(' and ');
    }
    if (this.#fatal) result.fatal = this.#fatal;
    return result;
  }

  #consume(text: string, end: boolean): void {
    let buffer = this.#pending + text;
    let start = 0;
    // Quotes counted so far in the current record decide whether a newline ends it (odd: inside a quoted field).
    let scanFrom = this.#scanned;
    let quotes = this.#quotes;
    // The next quote at or after scanFrom; it only moves forward, so finding quotes stays linear
    // even when a chunk holds none (searching from each line to the end would be quadratic).
    let nextQuote = buffer.indexOf('"', scanFrom);
    for (;;) {
      const nl = buffer.indexOf('\n', scanFrom);
      if (nl === -1) break;
      while (nextQuote !== -1 && nextQuote < nl) {
        quotes++;
        nextQuote = buffer.indexOf('"', nextQuote + 1);
      }
      scanFrom = nl + 1;
      if (quotes % 2 === 1) continue;
      this.#record(buffer, start, nl);
      if (this.#fatal) return;
      start = nl + 1;
      quotes = 0;
    }
    if (end) {
      if (start < buffer.length) {
        for (; nextQuote !== -1; nextQuote = buffer.indexOf('"', nextQuote + 1)) quotes++;
        if (quotes % 2 === 1) {
          this.#fatal = `unterminated quoted field in row ${this.#rows + 1} (line ${this.#line})`;
          return;
        }
        this.#record(buffer, start, buffer.length);
      }
      buffer = '';
      start = 0;
      scanFrom = 0;
    }
    this.#pending = buffer.slice(start);
    this.#scanned = scanFrom - start;
    this.#quotes = quotes;
    if (this.#pending.length > this.#maxRecord) {
      this.#fatal = `row ${this.#rows + 1} (line ${this.#line}) is longer than ${this.#maxRecord} characters — an unterminated quote?`;
    }
  }

  /** One complete record: buffer[start, end) without its LF. */
  #record(buffer: string, start: number, end: number): void {
    let stop = end;
    if (stop > start && buffer.charCodeAt(stop - 1) === 13) stop--;
    const raw = buffer.slice(start, stop);
    const quoted = raw.includes('"');
    const fields = quoted ? splitQuoted(raw) : raw.split(',');
    const line = this.#line;
    this.#line += 1 + (quoted ? countChar(raw, '\n') : 0);
    if (this.#header === undefined) {
      if (fields[0]?.charCodeAt(0) === 0xfeff) fields[0] = fields[0].slice(1);
      this.#header = fields;
      this.#prepare(fields);
      return;
    }
    const row = ++this.#rows;
    if (fields.length !== this.#header.length) {
      this.#violate(
        RECORD_COLUMN,
        row,
        line,
        raw,
        `${this.#header.length} fields like the header (saw ${fields.length})`,
      );
    }
    for (const p of this.#prepared) this.#checkValue(p, fields[p.index], row, line);
  }

  #prepare(header: string[]): void {
    for (const rule of this.#rules.columns) {
      const index = header.indexOf(rule.name);
      if (index === -1) continue;
      const expectedType = rule.type === 'timestamp' ? 'ISO 8601 timestamp' : rule.type;
      const numeric = rule.type === 'number' || rule.type === 'integer';
      const prepared: Prepared = { rule, index, expectedType };
      if (numeric && rule.equals !== undefined && NUMBER.test(rule.equals.trim())) {
        prepared.equalsNumber = Number(rule.equals.trim());
      }
      this.#prepared.push(prepared);
    }
  }

  #checkValue(p: Prepared, cell: string | undefined, row: number, line: number): void {
    const { rule } = p;
    const value = cell ?? '';
    const numeric = rule.type === 'number' || rule.type === 'integer';
    // Only a value that does not start with a digit can be NaN/inf: skip the regex for the rest.
    const first = value.charCodeAt(0);
    const isNull = value === '' || (numeric && !(first >= 48 && first <= 57) && NUMBER_NULL.test(value.trim()));
    if (isNull) {
      if (!rule.nullable) this.#violate(rule.name, row, line, value, `non-null ${p.expectedType}`);
      return;
    }
    if (numeric) {
      const text = value.trim();
      if (!(rule.type === 'integer' ? INTEGER : NUMBER).test(text)) {
        this.#violate(rule.name, row, line, value, p.expectedType);
        return;
      }
      const n = Number(text);
      if (rule.min !== undefined && n < rule.min) {
        this.#violate(rule.name, row, line, value, `>= ${rule.min}`);
        return;
      }
      if (rule.max !== undefined && n > rule.max) {
        this.#violate(rule.name, row, line, value, `<= ${rule.max}`);
        return;
      }
      if (rule.equals !== undefined && (p.equalsNumber === undefined ? text !== rule.equals : n !== p.equalsNumber)) {
        this.#violate(rule.name, row, line, value, `equal to "${rule.equals}"`);
      }
      return;
    }
    if (rule.type === 'timestamp' && !validTimestamp(value)) {
      this.#violate(rule.name, row, line, value, p.expectedType);
      return;
    }
    if (rule.type === 'boolean' && !BOOLEAN.test(value)) {
      this.#violate(rule.name, row, line, value, p.expectedType);
      return;
    }
    if (rule.equals !== undefined && value !== rule.equals) {
      this.#violate(rule.name, row, line, value, `equal to "${rule.equals}"`);
    }
  }

  #violate(column: string, row: number, line: number, value: string, expected: string): void {
    this.#counts[column] = (this.#counts[column] ?? 0) + 1;
    let kept = this.#violations.get(column);
    if (!kept) {
      kept = [];
      this.#violations.set(column, kept);
    }
    if (kept.length < this.#keep) {
      kept.push({ row, line, column, value: value.length > 80 ? `${value.slice(0, 77)}...` : value, expected });
    }
  }
}

/** Validates a whole stream (a MinIO object body, a file): chunks are consumed as they come. */
export async function validateCsvStream(stream: AsyncIterable<Buffer | string>, rules: CsvRules): Promise<CsvResult> {
  const validator = new CsvValidator(rules);
  for await (const chunk of stream) validator.push(chunk);
  return validator.finish();
}

/** How a violation's value reads in a message: NaN as NaN, an empty cell as such. */
export function describeValue(value: string): string {
  return value === '' ? '(empty)' : value;
}

/**
 * ISO 8601 date and time (`2024-01-01T08:00:00Z`, `2024-01-01 08:00:00.5+01:00`, `…T08:00`), read
 * character by character: this runs once per cell of a timestamp column, and a capturing regex
 * plus Number() of its groups cost a third of a whole validation.
 */
export function validTimestamp(v: string): boolean {
  const n = v.length;
  if (n < 16) return false;
  if (
    digit(v, 0) < 0 ||
    digit(v, 1) < 0 ||
    digit(v, 2) < 0 ||
    digit(v, 3) < 0 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(13) !== 58
  )
    return false;
  const month = two(v, 5);
  const day = two(v, 8);
  const hour = two(v, 11);
  const minute = two(v, 14);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59))
    return false;
  if (v[10] !== 'T' && v[10] !== ' ') return false;
  let i = 16;
  if (v[i] === ':') {
    const second = two(v, i + 1);
    if (!(second >= 0 && second <= 60)) return false;
    i += 3;
    if (v[i] === '.' || v[i] === ',') {
      const from = ++i;
      while (i < n && digit(v, i) >= 0) i++;
      if (i === from) return false;
    }
  }
  if (i === n) return true;
  if (v[i] === 'Z') return i + 1 === n;
  if (v[i] !== '+' && v[i] !== '-') return false;
  if (!(two(v, i + 1) >= 0)) return false;
  i += 3;
  if (i === n) return true;
  if (v[i] === ':') i++;
  return i + 2 === n && two(v, i) >= 0;
}

function digit(v: string, i: number): number {
  const c = v.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100;
}

function two(v: string, i: number): number {
  return digit(v, i) * 10 + digit(v, i + 1);
}

function countChar(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Splits one complete record with quoted fields (RFC 4180: "" inside quotes is a quote). */
function splitQuoted(raw: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inQuotes) {
      if (c === '"') {
        if (raw[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
