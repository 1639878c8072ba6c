import { StringDecoder } from 'node:string_decoder';
import { type ColumnCheck, type ColumnRule, cellPasses, cellViolation, prepareColumn } from './csv-column-check.js';
import { BATCH_ROWS, type RowPatterns, rowPatterns } from './csv-row-pattern.js';
import { CsvTokenizer, PLAIN, QUOTED, splitRecord } from './csv-tokenizer.js';

/**
 * Validates CSV bytes against a contract's columns in constant memory: chunks are split into
 * records incrementally (RFC 4180: quoted fields may hold commas, doubled quotes and newlines;
 * CRLF or LF), each record is checked and dropped. What is kept is bounded: the header, the first
 * violations per column, counts, and the one record that straddles two chunks. Rows are numbered
 * from 1 after the header; `line` is the physical line (the header is line 1), which differs from
 * row + 1 only after quoted newlines.
 *
 * Speed: each row goes through up to three readers, each faster than the next and each passing
 * on what it is not sure of. (1) One regular expression compiled from the contract
 * (csv-row-pattern) matches a plainly written clean row in native code. (2) Otherwise the record
 * is split on its bytes where they lie (csv-tokenizer) and its cells checked on those bytes
 * (csv-column-check's cellPasses), still without making a string. (3) A row neither clears — a
 * violation, a field count off, a cell the byte checks cannot read — is decoded and checked as
 * text by the reference rules, which write every message. The shortcuts only decide how fast a
 * row is read, never what is reported.
 */

export { validTimestamp } from './csv-cell-bytes.js';
export type { ColumnRule } from './csv-column-check.js';

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

/** First size of the buffer that holds a record straddling chunks (it doubles as needed). */
const CARRY_BYTES = 64 * 1024;
/** Bytes turned into text at a time for the row patterns. */
const TEXT_WINDOW = 64 * 1024;

export class CsvValidator {
  readonly #rules: CsvRules;
  readonly #keep: number;
  readonly #maxRecord: number;
  readonly #tokenizer = new CsvTokenizer();
  /** The unfinished record at the end of the last chunk: carry[0, carryLength). */
  #carry = Buffer.allocUnsafe(0);
  #carryLength = 0;
  /**
   * Characters of carry[0, carryCounted), for maxRecordChars (it counts characters, not bytes);
   * decoded only once the carried record is longer in bytes than the limit.
   */
  #carryDecoder = new StringDecoder('utf8');
  #carryCounted = 0;
  #carryChars = 0;
  #header: string[] | undefined;
  #checks: ColumnCheck[] = [];
  /** Match rows that certainly pass (csv-row-pattern), once the header is known. */
  #rowPatterns: RowPatterns | undefined;
  /** Rows still to read one at a time since a batch of them did not match as a whole. */
  #singleRows = 0;
  /** Where the last match of the row patterns ended (in the chunk's text). */
  #matchedTo = 0;
  /** Characters of the last batch that matched. */
  #batchLength = 0;
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
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#bytes += bytes.length;
    let from = 0;
    if (this.#carryLength > 0) {
      // Finish the carried record first: find where it ends in this chunk, then read it whole.
      const lf = this.#tokenizer.findEnd(bytes, 0, bytes.length);
      if (lf === -1) {
        this.#appendCarry(bytes, 0, bytes.length);
        this.#checkCarryLength();
        return;
      }
      this.#appendCarry(bytes, 0, lf + 1);
      // A single record: the tokenizer reads it in place. Text for the row patterns would cost more
      // than it saves here, and a batch failing on it would send the chunk's next rows one by one.
      this.#tokenizer.next(this.#carry, 0, this.#carryLength, false);
      this.#record(this.#carry);
      this.#carryLength = 0;
      from = lf + 1;
    }
    const rest = this.#records(bytes, from, bytes.length);
    if (rest < bytes.length) {
      this.#tokenizer.inQuotes = false;
      this.#tokenizer.findEnd(bytes, rest, bytes.length);
      this.#appendCarry(bytes, rest, bytes.length);
      this.#checkCarryLength();
    }
  }

  /** Ends the input and returns the verdict's material. */
  finish(): CsvResult {
    if (!this.#fatal && this.#carryLength > 0) {
      // The input ends without a final newline: what is carried is the last record.
      if (this.#tokenizer.inQuotes) {
        this.#fatal = `unterminated quoted field in row ${this.#rows + 1} (line ${this.#line})`;
      } else {
        this.#tokenizer.next(this.#carry, 0, this.#carryLength, true);
        this.#record(this.#carry);
      }
      this.#carryLength = 0;
    }
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

  /** Reads the complete records of bytes[from, end); returns where the unfinished one starts (or end). */
  #records(bytes: Buffer, from: number, end: number): number {
    const tokenizer = this.#tokenizer;
    let text = '';
    let textFrom = from;
    let textEnd = from;
    let p = from;
    while (p < end) {
      const patterns = this.#rowPatterns;
      if (patterns !== undefined) {
        if (p >= textEnd) {
          // The same bytes as latin1 text (one character each, so positions match), a window at a
          // time: past 128 kB V8 puts a string in its large-object space, and the copy costs 4x.
          textFrom = p;
          textEnd = Math.min(end, p + TEXT_WINDOW);
          text = bytes.toString('latin1', textFrom, textEnd);
          // A batch that failed at the end of the last window says nothing about this one.
          this.#singleRows = 0;
        }
        const matched = this.#matchClean(patterns, text, p - textFrom);
        if (matched > 0) {
          // Clean rows without quotes or quoted newlines: one line each, nothing to record.
          this.#rows += matched;
          this.#line += matched;
          p = textFrom + this.#matchedTo;
          continue;
        }
      }
      // Not certainly clean, or cut by the window's end: the tokenizer reads it from the bytes.
      const next = tokenizer.next(bytes, p, end, false);
      if (next === -1) break;
      this.#record(bytes);
      p = next;
    }
    return p;
  }

  /**
   * How many clean rows the row patterns match at `at` in `text` (0: none, read the next record
   * with the tokenizer); where they end goes to #matchedTo.
   */
  #matchClean(patterns: RowPatterns, text: string, at: number): number {
    try {
      // A batch is tried only where the text left could hold one as long as the last: otherwise it
      // would fail at the window's end after matching up to 15 rows for nothing.
      if (this.#singleRows === 0 && patterns.many !== undefined && text.length - at >= this.#batchLength) {
        patterns.many.lastIndex = at;
        if (patterns.many.test(text)) {
          this.#matchedTo = patterns.many.lastIndex;
          this.#batchLength = this.#matchedTo - at;
          return BATCH_ROWS;
        }
        // One of them is not plainly clean (or the chunk ends first): take them one by one, then batch again.
        this.#singleRows = BATCH_ROWS;
      }
      if (this.#singleRows > 0) this.#singleRows--;
      patterns.one.lastIndex = at;
      if (patterns.one.test(text)) {
        this.#matchedTo = patterns.one.lastIndex;
        return 1;
      }
      return 0;
    } catch {
      // The engine gave up (e.g. its stack on an extreme row): the readers below do the work from now on.
      this.#rowPatterns = undefined;
      return 0;
    }
  }

  /** The record the tokenizer has just read from `bytes`. */
  #record(bytes: Buffer): void {
    const t = this.#tokenizer;
    const line = this.#line;
    this.#line += 1 + t.newlines;
    if (this.#header === undefined) {
      this.#readHeader(bytes.toString('utf8', t.recordStart, t.recordStop));
      return;
    }
    const row = ++this.#rows;
    if (t.fields === this.#header.length && this.#passes(bytes)) return;
    this.#checkText(bytes.toString('utf8', t.recordStart, t.recordStop), row, line);
  }

  #readHeader(raw: string): void {
    const fields = splitRecord(raw);
    if (fields[0]?.charCodeAt(0) === 0xfeff) fields[0] = fields[0].slice(1);
    this.#header = fields;
    let capacity = 0;
    for (const rule of this.#rules.columns) {
      const index = fields.indexOf(rule.name);
      if (index === -1) continue;
      this.#checks.push(prepareColumn(rule, index));
      capacity = Math.max(capacity, index + 1);
    }
    this.#tokenizer.reserve(capacity);
    this.#rowPatterns = rowPatterns(fields, this.#checks);
  }

  /** Whether every checked cell of the record is certainly fine, read from its bytes (no string made). */
  #passes(bytes: Buffer): boolean {
    const { starts, ends, quoting, quoted: anyQuoted } = this.#tokenizer;
    const checks = this.#checks;
    for (let k = 0; k < checks.length; k++) {
      const check = checks[k] as ColumnCheck;
      const i = check.index;
      const quoted = anyQuoted ? quoting[i] : PLAIN;
      if (quoted === PLAIN) {
        if (!cellPasses(check, bytes, starts[i] as number, ends[i] as number)) return false;
      } else if (quoted === QUOTED) {
        if (!cellPasses(check, bytes, (starts[i] as number) + 1, (ends[i] as number) - 1)) return false;
      } else return false;
    }
    return true;
  }

  /** The reference reading of one data record: its text, split and checked rule by rule. */
  #checkText(raw: string, row: number, line: number): void {
    const header = this.#header as string[];
    const fields = splitRecord(raw);
    if (fields.length !== header.length) {
      this.#violate(RECORD_COLUMN, row, line, raw, `${header.length} fields like the header (saw ${fields.length})`);
    }
    for (const check of this.#checks) {
      const value = fields[check.index] ?? '';
      const expected = cellViolation(check, value);
      if (expected !== undefined) this.#violate(check.rule.name, row, line, value, expected);
    }
  }

  #appendCarry(bytes: Buffer, from: number, end: number): void {
    if (this.#carryLength === 0) {
      this.#carryCounted = 0;
      this.#carryChars = 0;
    }
    const length = this.#carryLength + (end - from);
    if (length > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(CARRY_BYTES, length, this.#carry.length * 2));
      this.#carry.copy(grown, 0, 0, this.#carryLength);
      this.#carry = grown;
    }
    bytes.copy(this.#carry, this.#carryLength, from, end);
    this.#carryLength = length;
  }

  /** An unfinished record past the limit is fatal: an unterminated quote would otherwise hold the whole file. */
  #checkCarryLength(): void {
    // A record has at most as many characters as bytes: below the limit in bytes, nothing to count.
    if (this.#carryLength <= this.#maxRecord) return;
    // Characters are counted once, as the bytes come; the decoder holds back a character cut at the end.
    if (this.#carryCounted === 0) this.#carryDecoder = new StringDecoder('utf8');
    this.#carryChars += this.#carryDecoder.write(this.#carry.subarray(this.#carryCounted, this.#carryLength)).length;
    this.#carryCounted = this.#carryLength;
    if (this.#carryChars > this.#maxRecord) {
      this.#fatal = `row ${this.#rows + 1} (line ${this.#line}) is longer than ${this.#maxRecord} characters — an unterminated quote?`;
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
