/**
 * Cell predicates that read UTF-8 bytes in place (`bytes[start, end)`), so the CSV validator's hot
 * path needs no string per cell. Each one accepts only inputs whose string reading it is sure of
 * (plain ASCII); anything else returns "no" and the caller falls back to the string reading, which
 * stays the reference. They never read outside [start, end).
 */

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** Exact powers of ten: a double holds 10^0…10^22 exactly (10^23 is already rounded). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** ASCII whitespace as String.prototype.trim sees it (TAB, LF, VT, FF, CR, space). */
function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/**
 * The number a decimal in `bytes[start, end)` reads as — what `Number(text.trim())` gives — when the
 * trimmed text matches the contract's grammar (`[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, or
 * `[+-]?\d+` for integers); NaN otherwise (also for non-ASCII text, whose trim the caller must do).
 * Up to 15 significant digits and a decimal exponent within ±22, one multiplication or division of
 * two exact doubles is correctly rounded (Clinger's fast path), so it equals Number(); beyond that,
 * Number() itself reads the text.
 */
export function plainNumber(bytes: Uint8Array, start: number, end: number, integer: boolean): number {
  let s = start;
  let e = end;
  while (s < e && isSpace(bytes[s] as number)) s++;
  while (e > s && isSpace(bytes[e - 1] as number)) e--;
  let p = s;
  let negative = false;
  if (p < e && (bytes[p] === MINUS || bytes[p] === PLUS)) negative = bytes[p++] === MINUS;
  let mantissa = 0;
  let significant = 0;
  let scale = 0;
  let digits = 0;
  let huge = false;
  for (; p < e; p++) {
    const d = (bytes[p] as number) - ZERO;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    if (mantissa !== 0) significant++;
    digits++;
  }
  if (integer) {
    if (digits === 0 || p !== e) return Number.NaN;
  } else {
    if (p < e && bytes[p] === DOT) {
      for (p++; p < e; p++) {
        const d = (bytes[p] as number) - ZERO;
        if (d < 0 || d > 9) break;
        mantissa = mantissa * 10 + d;
        if (mantissa !== 0) significant++;
        scale--;
        digits++;
      }
    }
    if (digits === 0) return Number.NaN;
    if (p < e && ((bytes[p] as number) | 0x20) === 101 /* e or E */) {
      p++;
      let expNegative = false;
      if (p < e && (bytes[p] === MINUS || bytes[p] === PLUS)) expNegative = bytes[p++] === MINUS;
      const from = p;
      let exponent = 0;
      for (; p < e; p++) {
        const d = (bytes[p] as number) - ZERO;
        if (d < 0 || d > 9) break;
        if (exponent < 100_000) exponent = exponent * 10 + d;
      }
      if (p === from) return Number.NaN;
      // Capped, then handed to Number(): a long exponent must not wrap into a plausible scale.
      if (exponent >= 100_000) huge = true;
      scale += expNegative ? -exponent : exponent;
    }
    if (p !== e) return Number.NaN;
  }
  if (huge || significant > 15 || (mantissa !== 0 && (scale > 22 || scale < -22))) {
    return Number(Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('latin1'));
  }
  const value =
    mantissa === 0 ? 0 : scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
  return negative ? -value : value;
}

/** A null number as the contract reads it: `NaN`, `inf`, `infinity` (any case, signed, trimmed), not after a digit. */
export function nullNumber(bytes: Uint8Array, start: number, end: number): boolean {
  const first = bytes[start] as number;
  if (start < end && first >= ZERO && first <= NINE) return false;
  let s = start;
  let e = end;
  while (s < e && isSpace(bytes[s] as number)) s++;
  while (e > s && isSpace(bytes[e - 1] as number)) e--;
  if (s < e && (bytes[s] === MINUS || bytes[s] === PLUS)) s++;
  return asciiWordIs(bytes, s, e, 'nan') || asciiWordIs(bytes, s, e, 'inf') || asciiWordIs(bytes, s, e, 'infinity');
}

/** `true`, `false`, `0` or `1`, letters in any case. */
export function plainBoolean(bytes: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n === 1) return bytes[start] === ZERO || bytes[start] === ZERO + 1;
  return asciiWordIs(bytes, start, end, 'true') || asciiWordIs(bytes, start, end, 'false');
}

/** Case-insensitive match of a lower-case ASCII word (| 0x20 folds only A–Z onto a–z for letters). */
function asciiWordIs(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (((bytes[start + i] as number) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

export function bytesEqual(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

/**
 * ISO 8601 date and time (`2024-01-01T08:00:00Z`, `2024-01-01 08:00:00.5+01:00`, `…T08:00`), read
 * byte by byte: this runs once per cell of a timestamp column, and a capturing regex plus Number()
 * of its groups cost a third of a whole validation. Every byte it accepts is ASCII, so the bytes of
 * a string and the string itself get the same answer.
 */
export function validTimestampBytes(v: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n < 16) return false;
  const s = start;
  if (
    digit(v, s, end) < 0 ||
    digit(v, s + 1, end) < 0 ||
    digit(v, s + 2, end) < 0 ||
    digit(v, s + 3, end) < 0 ||
    v[s + 4] !== MINUS ||
    v[s + 7] !== MINUS ||
    v[s + 13] !== 58
  )
    return false;
  const month = two(v, s + 5, end);
  const day = two(v, s + 8, end);
  const hour = two(v, s + 11, end);
  const minute = two(v, s + 14, end);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59))
    return false;
  if (v[s + 10] !== 84 /* T */ && v[s + 10] !== 32) return false;
  let i = s + 16;
  if (i < end && v[i] === 58 /* : */) {
    const second = two(v, i + 1, end);
    if (!(second >= 0 && second <= 60)) return false;
    i += 3;
    if (i < end && (v[i] === DOT || v[i] === 44)) {
      const from = ++i;
      while (i < end && digit(v, i, end) >= 0) i++;
      if (i === from) return false;
    }
  }
  if (i === end) return true;
  if (v[i] === 90 /* Z */) return i + 1 === end;
  if (v[i] !== PLUS && v[i] !== MINUS) return false;
  if (!(two(v, i + 1, end) >= 0)) return false;
  i += 3;
  if (i === end) return true;
  if (i < end && v[i] === 58) i++;
  return i + 2 === end && two(v, i, end) >= 0;
}

/** The string form of the same rule (a non-ASCII character fails either way). */
export function validTimestamp(v: string): boolean {
  const bytes = Buffer.from(v, 'utf8');
  return validTimestampBytes(bytes, 0, bytes.length);
}

function digit(v: Uint8Array, i: number, end: number): number {
  if (i >= end) return -100;
  const c = (v[i] as number) - ZERO;
  return c >= 0 && c <= 9 ? c : -100;
}

function two(v: Uint8Array, i: number, end: number): number {
  return digit(v, i, end) * 10 + digit(v, i + 1, end);
}
