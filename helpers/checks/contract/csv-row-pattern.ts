import { type ColumnCheck, cellViolation } from './csv-column-check.js';

/**
 * The contract's columns compiled into one regular expression that matches a clean CSV row —
 * every cell where the header puts it, each checked cell in a form that certainly passes its rule,
 * then the line end. V8 runs a regular expression as native code, which checks a row several
 * times faster than a loop over its bytes in JavaScript; that is what keeps validation close to
 * the speed of the network or the disk.
 *
 * It is a shortcut, not a judge: it only ever matches rows that csv-column-check's reference rules
 * accept, and everything else — doubled quotes, a line end or CR inside a cell, a value outside
 * its simple form — goes on to the byte and text readers. So each cell pattern below is a subset
 * of what its rule allows: `1e2` in a column with a maximum is not matched (the reader after it
 * decides), never the reverse. The row is read as latin1 text (one character per byte): cells are
 * matched byte for byte, and a multi-byte UTF-8 character in an unchecked cell is just a few
 * non-ASCII characters.
 *
 * Patterns avoid ambiguous repetition (`\d+\.?\d*` is written `\d+(?:\.\d*)?`) so that a long cell
 * that fails costs linear time, not quadratic.
 */

/** Any cell content that needs no unquoting and holds no CR: the delimiter, LF, quote and CR excluded. */
const CELL = '[^,\\n"\\r]';
/** An unchecked cell: plain, or quoted without doubled quotes or line ends (commas are data then). */
const ANY_CELL = `(?:"[^"\\n\\r]*"|${CELL}*)`;
const UNSIGNED_NUMBER = '(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
const NULL_NUMBER = '[+-]?(?:[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
/** validTimestamp's grammar; the fraction only after a dot (a comma would be a delimiter here). */
const TIMESTAMP =
  '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[T ](?:[01]\\d|2[0-3]):[0-5]\\d' +
  '(?::(?:[0-5]\\d|60)(?:\\.\\d+)?)?(?:Z|[+-]\\d\\d(?::?\\d\\d)?)?';
const BOOLEAN = '(?:[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]|[01])';
/** Digits allowed before the point are capped here: past 15 a double no longer holds every integer. */
const MAX_DIGITS = 15;

/** Rows matched by one call of `many`: a call costs about as much as matching a short row. */
export const BATCH_ROWS = 16;
/**
 * Past about 20 KB of source V8 stops compiling a regular expression to native code and it
 * becomes slower than the byte reader; wide contracts (over a hundred checked columns) skip it.
 */
const MAX_SOURCE = 16_000;
/** Batching pays for short rows only (few cells, a short pattern); for long ones the per-call cost is already small. */
const MAX_BATCHED_SOURCE = 2_000;
const MAX_BATCHED_CELLS = 64;

export interface RowPatterns {
  /** One clean row (sticky: set lastIndex, test, read lastIndex). */
  one: RegExp;
  /** BATCH_ROWS clean rows in a row, all or nothing; only for short rows. */
  many: RegExp | undefined;
}

/**
 * Sticky regular expressions for clean rows of this header, or undefined when some column's rule
 * has no safe pattern (the byte and text readers then do all the work).
 */
export function rowPatterns(header: readonly string[], checks: readonly ColumnCheck[]): RowPatterns | undefined {
  const row = rowSource(header, checks);
  if (row === undefined || row.length > MAX_SOURCE) return undefined;
  return {
    one: new RegExp(row, 'y'),
    many:
      row.length <= MAX_BATCHED_SOURCE && header.length <= MAX_BATCHED_CELLS
        ? new RegExp(`(?:${row}){${BATCH_ROWS}}`, 'y')
        : undefined,
  };
}

/** The source of the one-row pattern: checked cells in place, runs of unchecked ones as a counted group. */
export function rowSource(header: readonly string[], checks: readonly ColumnCheck[]): string | undefined {
  const cells: (string | undefined)[] = header.map(() => undefined);
  for (const check of checks) {
    // Two rules on one column would need both patterns at once: rare, left to the readers.
    if (cells[check.index] !== undefined) return undefined;
    const cell = cellPattern(check);
    if (cell === undefined) return undefined;
    // Written plainly or quoted as a whole ("…" with no doubled quote): either way the value is `cell`.
    // The quoted form first: trying it costs one character comparison on a plain cell.
    cells[check.index] = `(?:"${cell}"|${cell})`;
  }
  // A counted group keeps the pattern small however wide the header: one written out per
  // unchecked column would push a 2,000-column header past what V8 compiles to native code.
  let source = '';
  for (let i = 0; i < cells.length; ) {
    const cell = cells[i];
    const comma = i === 0 ? '' : ',';
    if (cell !== undefined) {
      source += comma + cell;
      i++;
      continue;
    }
    let run = 0;
    while (i + run < cells.length && cells[i + run] === undefined) run++;
    if (i === 0) source += ANY_CELL + (run > 1 ? `(?:,${ANY_CELL}){${run - 1}}` : '');
    else source += run > 1 ? `(?:,${ANY_CELL}){${run}}` : `,${ANY_CELL}`;
    i += run;
  }
  return `${source}\\r?\\n`;
}

/** A pattern whose every match passes the column's rule, or undefined. */
export function cellPattern(check: ColumnCheck): string | undefined {
  const { rule } = check;
  const value = rule.equals !== undefined ? equalsPattern(check) : typePattern(check);
  if (value === undefined) return undefined;
  if (!rule.nullable) return value;
  const nulls = check.numeric ? `|${NULL_NUMBER}` : '';
  return `(?:${value}${nulls})?`;
}

/** `equals`: the rendered value itself, if it passes the rule (otherwise no cell can, and the readers report it). */
function equalsPattern(check: ColumnCheck): string | undefined {
  const literal = check.numeric ? (check.rule.equals as string).trim() : (check.rule.equals as string);
  if (literal === '' || cellViolation(check, literal) !== undefined) return undefined;
  const bytes = Buffer.from(literal, 'utf8');
  // A lone surrogate does not survive UTF-8: equal bytes would then not mean an equal string.
  if (bytes.toString('utf8') !== literal) return undefined;
  let pattern = '';
  for (const b of bytes) {
    // A delimiter, quote or line end cannot stand in an unquoted cell.
    if (b === 44 || b === 34 || b === 10 || b === 13) return undefined;
    pattern += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return pattern;
}

function typePattern(check: ColumnCheck): string | undefined {
  switch (check.rule.type) {
    case 'string':
      return `${CELL}+`;
    case 'boolean':
      return BOOLEAN;
    case 'timestamp':
      return TIMESTAMP;
    case 'integer':
    case 'number':
      return numberPattern(check.rule.type === 'integer', check.rule.min, check.rule.max);
  }
}

/**
 * Numbers certainly within [min, max]: without bounds, the whole grammar; with a maximum, plain
 * decimals with at most D digits before the point (all below 10^D ≤ max); negatives likewise
 * against the minimum. Exponents, long or out-of-range values go to the readers.
 */
export function numberPattern(integer: boolean, min: number | undefined, max: number | undefined): string | undefined {
  const whole = integer ? '\\d+' : UNSIGNED_NUMBER;
  const upTo = (digits: number) => (integer ? `\\d{1,${digits}}` : `(?:\\d{1,${digits}}(?:\\.\\d*)?|\\.\\d+)`);
  // Non-negative values are all >= min only when min <= 0.
  if (min !== undefined && min > 0) return undefined;
  let positive: string;
  if (max === undefined) positive = whole;
  else {
    const digits = digitsBelow(max);
    if (digits === 0) return undefined;
    positive = upTo(digits);
  }
  // Negative values are all <= max only when max >= 0.
  let negative: string | undefined;
  if (max === undefined || max >= 0) {
    if (min === undefined) negative = whole;
    else {
      const digits = digitsBelow(-min);
      if (digits > 0) negative = upTo(digits);
    }
  }
  if (negative === undefined) return `\\+?${positive}`;
  // One sign class when both sides are alike: alternatives cost the regex engine measurably per cell.
  return negative === positive ? `[+-]?${positive}` : `(?:\\+?${positive}|-${negative})`;
}

/** The most integer digits D with 10^D <= limit (any number with D digits before the point is below it); 0 if none. */
function digitsBelow(limit: number): number {
  let digits = 0;
  while (digits < MAX_DIGITS && 10 ** (digits + 1) <= limit) digits++;
  return digits;
}
