import { describe, expect, it } from 'vitest';
import { CsvTokenizer, ESCAPED, PLAIN, QUOTED, splitRecord } from './csv-tokenizer.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The record the tokenizer read, as (unquoted, for QUOTED fields) text per field. */
function fieldsOf(t: CsvTokenizer, b: Buffer): { values: string[]; quoting: number[] } {
  const values: string[] = [];
  const quoting: number[] = [];
  for (let i = 0; i < t.fields; i++) {
    const q = t.quoted ? (t.quoting[i] as number) : PLAIN;
    const s = t.starts[i] as number;
    const e = t.ends[i] as number;
    values.push(q === QUOTED ? b.toString('utf8', s + 1, e - 1) : b.toString('utf8', s, e));
    quoting.push(q);
  }
  return { values, quoting };
}

/** A small seeded generator: the same cases on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('CsvTokenizer.next', () => {
  it('splits a plain record, drops the CR of a CRLF and returns the index after the LF', () => {
    const t = new CsvTokenizer(8);
    const b = bytes('a,bb,,c\r\nnext');
    expect(t.next(b, 0, b.length, false)).toBe(9);
    expect(t.quoted).toBe(false);
    expect(fieldsOf(t, b).values).toEqual(['a', 'bb', '', 'c']);
    expect(b.toString('utf8', t.recordStart, t.recordStop)).toBe('a,bb,,c');
    expect(t.newlines).toBe(0);
  });

  it('says -1 for a record that does not end in the bytes, and ends it at the end of input with `last`', () => {
    const t = new CsvTokenizer(4);
    const b = bytes('x,y\r');
    expect(t.next(b, 0, b.length, false)).toBe(-1);
    expect(t.next(b, 0, b.length, true)).toBe(b.length);
    expect(fieldsOf(t, b).values).toEqual(['x', 'y']);
    const quoted = bytes('"a\nb",c');
    expect(t.next(quoted, 0, quoted.length, false)).toBe(-1);
    expect(t.next(quoted, 0, quoted.length, true)).toBe(quoted.length);
    expect(t.newlines).toBe(1);
  });

  it('cannot tell a closing quote from half a doubled one when it is the last byte', () => {
    const t = new CsvTokenizer(2);
    const b = bytes('"ab"');
    expect(t.next(b, 0, b.length, false)).toBe(-1);
    expect(t.next(b, 0, b.length, true)).toBe(4);
    expect(fieldsOf(t, b)).toEqual({ values: ['ab'], quoting: [QUOTED] });
  });

  it('tells plain, wholly quoted and otherwise quoted fields apart', () => {
    const t = new CsvTokenizer(8);
    const b = bytes('a,"b,1","c""d",x"y"z,"e"f,"",\n');
    expect(t.next(b, 0, b.length, false)).toBe(b.length);
    expect(fieldsOf(t, b).quoting).toEqual([PLAIN, QUOTED, ESCAPED, ESCAPED, ESCAPED, QUOTED, PLAIN]);
    expect(fieldsOf(t, b).values.slice(0, 2)).toEqual(['a', 'b,1']);
    expect(fieldsOf(t, b).values[5]).toBe('');
  });

  it('keeps newlines inside quotes in the record and counts them; a quoted last field before CRLF stays QUOTED', () => {
    const t = new CsvTokenizer(3);
    const b = bytes('1,"two\r\nlines\nhere"\r\n2,x\n');
    const next = t.next(b, 0, b.length, false);
    expect(b.toString('utf8', next)).toBe('2,x\n');
    expect(t.newlines).toBe(2);
    expect(fieldsOf(t, b)).toEqual({ values: ['1', 'two\r\nlines\nhere'], quoting: [PLAIN, QUOTED] });
  });

  it('counts every field but keeps boundaries only up to its capacity', () => {
    const t = new CsvTokenizer(2);
    const b = bytes('a,b,c,d\n');
    t.next(b, 0, b.length, false);
    expect(t.fields).toBe(4);
    t.reserve(4);
    t.next(b, 0, b.length, false);
    expect(fieldsOf(t, b).values).toEqual(['a', 'b', 'c', 'd']);
  });

  it('agrees with splitRecord on random records (plain, quoted, doubled quotes, commas, newlines, CRLF, UTF-8)', () => {
    const rnd = random(7);
    const pieces = ['a', 'é', '😀', ',', '"', '""', '\n', '\r', ' ', '1', 'xyz'];
    for (let n = 0; n < 3000; n++) {
      const fields: string[] = [];
      const count = 1 + Math.floor(rnd() * 5);
      for (let f = 0; f < count; f++) {
        let value = '';
        for (let k = Math.floor(rnd() * 4); k > 0; k--) value += pieces[Math.floor(rnd() * pieces.length)];
        const quoteIt = rnd() < 0.5 || /[,"\n\r]/.test(value);
        fields.push(quoteIt ? `"${value.replaceAll('"', '""')}"` : value);
      }
      const raw = fields.join(',');
      const text = `${raw}${rnd() < 0.5 ? '\r\n' : '\n'}rest`;
      const b = bytes(text);
      const t = new CsvTokenizer(8);
      const next = t.next(b, 0, b.length, false);
      expect(b.toString('utf8', next)).toBe('rest');
      const record = b.toString('utf8', t.recordStart, t.recordStop);
      const reference = splitRecord(record);
      expect(t.fields).toBe(reference.length);
      const { values, quoting } = fieldsOf(t, b);
      quoting.forEach((q, i) => {
        if (q !== ESCAPED) expect(values[i]).toBe(reference[i]);
      });
      expect(t.newlines).toBe(record.split('\n').length - 1);
    }
  });
});

describe('CsvTokenizer.findEnd', () => {
  it('finds the LF that ends a record across calls, carrying the quote state', () => {
    const t = new CsvTokenizer();
    const first = bytes('1,"a\n');
    const second = bytes('b""\nc"\nnext');
    t.inQuotes = false;
    expect(t.findEnd(first, 0, first.length)).toBe(-1);
    expect(t.inQuotes).toBe(true);
    expect(t.findEnd(second, 0, second.length)).toBe(6);
    expect(t.inQuotes).toBe(false);
  });
});

describe('splitRecord', () => {
  it('unquotes RFC 4180 fields and splits plain ones on commas', () => {
    expect(splitRecord('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitRecord('"x,""y""\nz",ok')).toEqual(['x,"y"\nz', 'ok']);
    expect(splitRecord('')).toEqual(['']);
  });
});
