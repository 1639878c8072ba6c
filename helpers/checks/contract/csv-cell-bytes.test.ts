import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  nullNumber,
  plainBoolean,
  plainNumber,
  validTimestamp,
  validTimestampBytes,
} from './csv-cell-bytes.js';

/** The contract's grammars as regular expressions: what the byte readers must agree with. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER_NULL = /^[+-]?(?:nan|inf|infinity)$/i;
const BOOLEAN = /^(?:true|false|0|1)$/i;

/** The cell surrounded by other bytes, so a reader that strays outside [start, end) is caught. */
function framed(text: string): [Buffer, number, number] {
  const inner = Buffer.from(text, 'utf8');
  const b = Buffer.concat([Buffer.from('9.5e+'), inner, Buffer.from('12:00Z')]);
  return [b, 5, 5 + inner.length];
}

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

function expectedNumber(text: string, integer: boolean): number {
  const trimmed = text.trim();
  return (integer ? INTEGER : NUMBER).test(trimmed) ? Number(trimmed) : Number.NaN;
}

describe('plainNumber', () => {
  const cases = [
    '0',
    '-0',
    '+7',
    '41.2',
    '1e2',
    '1E-2',
    '.5',
    '5.',
    '-.5e+3',
    ' 7 ',
    '\t8\r',
    '0.1',
    '0.30000000000000004',
    '123456789012345',
    '1234567890123456',
    '9007199254740993',
    '123456789012345.6',
    '1e22',
    '1e23',
    '4.35e-23',
    '1e400',
    '-1e400',
    '1e-400',
    '1e100000000',
    `0.${'0'.repeat(30)}1e31`,
    '0000000000000000000001.5',
    '1.000000000000000000001',
    '',
    ' ',
    '.',
    '+',
    '-',
    '1e',
    '1e+',
    'e5',
    '1.2.3',
    '0x10',
    '1_000',
    'NaN',
    'inf',
    '12,5',
    '١٢',
    '\u00a05',
    '5\u00a0',
  ];

  it('reads what Number(text.trim()) reads for text in the contract grammar, NaN otherwise (number, integer)', () => {
    for (const text of cases) {
      for (const integer of [false, true]) {
        const [b, s, e] = framed(text);
        const got = plainNumber(b, s, e, integer);
        const want = expectedNumber(text, integer);
        // Non-ASCII spaces are the string reader's business: NaN here is the agreed "not sure".
        if ([...text].some((c) => c.charCodeAt(0) > 127)) expect(got).toBeNaN();
        else expect(Object.is(got, want) || (got === 0 && want === 0)).toBe(true);
      }
    }
  });

  it('agrees with Number() on random decimals, exponents and signs', () => {
    const rnd = random(11);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
    for (let n = 0; n < 20_000; n++) {
      let text = ['', '+', '-'][Math.floor(rnd() * 3)] as string;
      text += digits(Math.floor(rnd() * 19));
      if (rnd() < 0.6) text += `.${digits(Math.floor(rnd() * 19))}`;
      if (rnd() < 0.3)
        text += `${rnd() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(rnd() * 3)]}${digits(Math.floor(rnd() * 3))}`;
      const [b, s, e] = framed(text);
      const got = plainNumber(b, s, e, false);
      const want = expectedNumber(text, false);
      if (!(Object.is(got, want) || (got === 0 && want === 0))) throw new Error(`${text}: ${got} vs ${want}`);
    }
  });
});

describe('nullNumber and plainBoolean', () => {
  it('nullNumber: NaN and inf words as the contract reads them (not starting with a digit)', () => {
    const texts = ['NaN', 'nan', '-inf', '+Infinity', ' NaN ', 'INF', 'infinit', 'nanx', '1nan', '', ' ', '-', 'na'];
    for (const text of texts) {
      const [b, s, e] = framed(text);
      const first = text.charCodeAt(0);
      const want = text !== '' && !(first >= 48 && first <= 57) && NUMBER_NULL.test(text.trim());
      expect(nullNumber(b, s, e), text).toBe(want);
    }
  });

  it('plainBoolean: true, false, 0 and 1 in any case, nothing around them', () => {
    for (const text of ['true', 'FALSE', 'True', 'tRuE', '0', '1', 'yes', '', ' true', 'true ', 'fals', '2', '10']) {
      const [b, s, e] = framed(text);
      expect(plainBoolean(b, s, e), text).toBe(BOOLEAN.test(text));
    }
  });

  it('bytesEqual compares the cell with the expected bytes exactly', () => {
    const [b, s, e] = framed('ünï');
    expect(bytesEqual(b, s, e, Buffer.from('ünï'))).toBe(true);
    expect(bytesEqual(b, s, e, Buffer.from('üni'))).toBe(false);
    expect(bytesEqual(b, s, s, Buffer.alloc(0))).toBe(true);
  });
});

describe('validTimestamp', () => {
  const good = [
    '2024-01-01T00:00:00Z',
    '2024-02-29T23:59:59.123+01:00',
    '2024-01-01 08:00:00+00:00',
    '2024-01-01T08:00',
    '2024-01-01T08:00:00,5',
    '2024-01-01T00:00:60Z',
    '2024-01-01T00:00+0130',
    '2024-01-01T00:00:00-05',
  ];
  const bad = [
    '2024-01-01',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00Z',
    '2024-01-32T00:00',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60',
    '2024-01-01T00:00:61Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00+01:3',
    '2024-01-01T00:00:00Zx',
    '2024-01-01t00:00',
    ' 2024-01-01T00:00',
    '2024-01-01T00:00 ',
    '01/02/2024 10:00',
    '２024-01-01T00:00',
    'yesterday',
    '',
  ];

  it('accepts ISO 8601 date-times and rejects the rest, as text and as bytes in place', () => {
    for (const text of good) {
      expect(validTimestamp(text), text).toBe(true);
      expect(validTimestampBytes(...framed(text)), text).toBe(true);
    }
    for (const text of bad) {
      expect(validTimestamp(text), text).toBe(false);
      expect(validTimestampBytes(...framed(text)), text).toBe(false);
    }
  });

  it('never reads past the end it is given (a prefix of a valid timestamp is judged on its own)', () => {
    const b = Buffer.from('2024-01-01T00:00:00.123+01:00');
    for (let end = 0; end <= b.length; end++) {
      expect(validTimestampBytes(b, 0, end)).toBe(validTimestamp(b.toString('latin1', 0, end)));
    }
  });
});
