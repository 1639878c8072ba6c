/**
 * Splits CSV bytes into records and fields in place (RFC 4180: quoted fields may hold commas,
 * doubled quotes and newlines; LF or CRLF line ends). The bytes are scanned directly, one record
 * at a time, and only field boundaries are kept — in typed arrays reused for every record — so
 * reading a record allocates nothing; strings are made later, and only for cells that need them.
 *
 * The quote rule is the one the validator has always applied: every `"` toggles "inside quotes"
 * (a doubled quote toggles twice), wherever it stands in a field; a newline ends the record only
 * outside quotes; the CR of a CRLF is dropped from the record's end.
 */

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** A field written without quotes: its value is its bytes. */
export const PLAIN = 0;
/** `"…"` with no doubled quote inside: its value is the bytes between the quotes. */
export const QUOTED = 1;
/** Any other use of quotes (doubled quotes, text around a quoted part): only splitRecord() reads it. */
export const ESCAPED = 2;

export class CsvTokenizer {
  /** The last record's first `capacity` fields as written: [starts[i], ends[i]), quotes included. */
  starts: Int32Array;
  ends: Int32Array;
  /** PLAIN, QUOTED or ESCAPED for each of those fields — set only when `quoted`. */
  quoting: Uint8Array;
  /** Whether the last record held a quote (when not, every field is PLAIN and `quoting` is stale). */
  quoted = false;
  /** Fields of the last record, all of them (also those past `capacity`). */
  fields = 0;
  /** The last record's bytes without its line end: [recordStart, recordStop). */
  recordStart = 0;
  recordStop = 0;
  /** Newlines inside quoted fields of the last record (it spans 1 + newlines physical lines). */
  newlines = 0;
  /** For findEnd(): whether the record carried over so far ends inside quotes. */
  inQuotes = false;
  #capacity: number;

  constructor(capacity = 0) {
    this.#capacity = capacity;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.quoting = new Uint8Array(capacity);
  }

  /** Keeps the boundaries of the first `capacity` fields (the validator needs those up to its last checked column). */
  reserve(capacity: number): void {
    if (capacity <= this.#capacity) return;
    this.#capacity = capacity;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.quoting = new Uint8Array(capacity);
  }

  /**
   * Reads the record that starts at `from`; returns the index after its LF, or -1 when it does not
   * end before `end` — also when a quote is the last byte, as the next chunk may double it. With
   * `last` (end of input), `end` ends the record; the caller has checked that its quotes are closed.
   */
  next(bytes: Uint8Array, from: number, end: number, last: boolean): number {
    // Records without quotes, the common case, take this loop; the first quote hands the record
    // to nextQuoted(). Kept apart because the quote logic in the same loop slows every byte down.
    const capacity = this.#capacity;
    const starts = this.starts;
    const ends = this.ends;
    let n = 0;
    let fieldStart = from;
    let p = from;
    for (;;) {
      // Comma, LF and quote are all <= 44, digits and letters above: most bytes cost one comparison.
      let b = 0;
      while (p < end) {
        b = bytes[p] as number;
        if (b <= COMMA) break;
        p++;
      }
      if (p >= end) {
        if (!last) return -1;
        break;
      }
      if (b === COMMA) {
        if (n < capacity) {
          starts[n] = fieldStart;
          ends[n] = p;
        }
        n++;
        fieldStart = ++p;
        continue;
      }
      if (b === LF) break;
      if (b === QUOTE) return this.#nextQuoted(bytes, from, end, last);
      p++;
    }
    // p is the LF, or `end` for the last record of the input.
    let stop = p;
    if (stop > from && bytes[stop - 1] === CR) stop--;
    if (n < capacity) {
      starts[n] = fieldStart;
      ends[n] = stop;
    }
    this.fields = n + 1;
    this.recordStart = from;
    this.recordStop = stop;
    this.newlines = 0;
    this.quoted = false;
    return p < end ? p + 1 : end;
  }

  /** next() for a record with quotes: the same, also noting how each field is quoted and the newlines inside quotes. */
  #nextQuoted(bytes: Uint8Array, from: number, end: number, last: boolean): number {
    const capacity = this.#capacity;
    const starts = this.starts;
    const ends = this.ends;
    const quoting = this.quoting;
    let n = 0;
    let newlines = 0;
    let fieldStart = from;
    let quoted = PLAIN;
    let closedAt = -1;
    let p = from;
    for (;;) {
      let b = 0;
      while (p < end) {
        b = bytes[p] as number;
        if (b === COMMA || b === LF || b === QUOTE) break;
        p++;
      }
      if (p >= end) {
        if (!last) return -1;
        break;
      }
      if (b === COMMA) {
        if (n < capacity) {
          starts[n] = fieldStart;
          ends[n] = p;
          quoting[n] = quoted === QUOTED && closedAt !== p - 1 ? ESCAPED : quoted;
        }
        n++;
        fieldStart = ++p;
        quoted = PLAIN;
        continue;
      }
      if (b === LF) break;
      // A quoted part: up to the quote that closes it, a doubled quote being data.
      quoted = quoted === PLAIN && p === fieldStart ? QUOTED : ESCAPED;
      let q = p + 1;
      for (;;) {
        while (q < end && bytes[q] !== QUOTE) {
          if (bytes[q] === LF) newlines++;
          q++;
        }
        if (q >= end) {
          if (!last) return -1;
          break;
        }
        if (q + 1 < end) {
          if (bytes[q + 1] !== QUOTE) break;
          quoted = ESCAPED;
          q += 2;
          continue;
        }
        if (!last) return -1;
        break;
      }
      closedAt = q;
      p = q + 1;
    }
    let stop = Math.min(p, end);
    if (stop > from && bytes[stop - 1] === CR) stop--;
    if (n < capacity) {
      starts[n] = fieldStart;
      ends[n] = stop;
      quoting[n] = quoted === QUOTED && closedAt !== stop - 1 ? ESCAPED : quoted;
    }
    this.fields = n + 1;
    this.recordStart = from;
    this.recordStop = stop;
    this.newlines = newlines;
    this.quoted = true;
    return p < end ? p + 1 : end;
  }

  /**
   * For a record carried across chunks: finds the LF that ends it in bytes[from, end), continuing
   * the quote state in `inQuotes` (reset it at a record's start); -1 when the record goes on.
   */
  findEnd(bytes: Uint8Array, from: number, end: number): number {
    let inside = this.inQuotes;
    for (let p = from; p < end; p++) {
      const b = bytes[p];
      if (b === QUOTE) inside = !inside;
      else if (b === LF && !inside) {
        this.inQuotes = false;
        return p;
      }
    }
    this.inQuotes = inside;
    return -1;
  }
}

/** Splits one complete record's text into unquoted fields (the same quote rule, on a string). */
export function splitRecord(raw: string): string[] {
  if (!raw.includes('"')) return raw.split(',');
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
