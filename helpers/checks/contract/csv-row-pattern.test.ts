import { describe, expect, it } from 'vitest';
import { validTimestamp } from './csv-cell-bytes.js';
import { type ColumnCheck, type ColumnRule, cellViolation, prepareColumn } from './csv-column-check.js';
import { cellPattern, numberPattern, rowPatterns, rowSource } from './csv-row-pattern.js';
import { splitRecord } from './csv-tokenizer.js';

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/** Whether the reference reading (split, count, check each rule) accepts a record's text. */
function referenceAccepts(raw: string, width: number, checks: readonly ColumnCheck[]): boolean {
  const fields = splitRecord(raw);
  if (fields.length !== width) return false;
  return checks.every((c) => cellViolation(c, fields[c.index] ?? '') === undefined);
}

/** Matches one whole line (as latin1 text, the way the validator runs it) or says false. */
function matchesLine(pattern: RegExp, line: string): boolean {
  const text = Buffer.from(line, 'utf8').toString('latin1');
  pattern.lastIndex = 0;
  return pattern.test(text) && pattern.lastIndex === text.length;
}

const CELLS = [
  '0',
  '3',
  '3.0',
  '-0',
  '+2',
  '12.5',
  '1e2',
  '.5',
  '999',
  '999.9999999999999999999',
  '1000',
  '-9.5',
  '-50',
  ' 7',
  'NaN',
  '-Infinity',
  '',
  'true',
  'FALSE',
  'yes',
  '2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00.5+01:00',
  '2024-13-01T00:00:00Z',
  'x',
  'ünï',
  '\r',
  'a\rb',
  '"quoted"',
  '"3"',
  '""',
  '"a,b"',
  '"a""b"',
  'x"y"',
  '"2024-01-01T00:00:00Z"',
  '"line\nbreak"',
];

describe('rowPatterns', () => {
  it('matches only rows the reference rules accept (random rules, random rows)', () => {
    const rnd = random(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
    const types = ['string', 'number', 'integer', 'timestamp', 'boolean'] as const;
    let matched = 0;
    for (let n = 0; n < 400; n++) {
      const width = 1 + Math.floor(rnd() * 6);
      const checks: ColumnCheck[] = [];
      for (let i = 0; i < width; i++) {
        if (rnd() < 0.3) continue;
        const rule: ColumnRule = { name: `c${i}`, type: pick(types), nullable: rnd() < 0.3 };
        if (rnd() < 0.4) rule.min = pick([0, -50, -10, 0.5]);
        if (rnd() < 0.4) rule.max = pick([1000, 23, 10, 0.5, -5]);
        if (rnd() < 0.2) rule.equals = pick(['3', 'x', 'true', '2024-01-01T00:00:00Z', 'ünï']);
        checks.push(prepareColumn(rule, i));
      }
      const patterns = rowPatterns(
        Array.from({ length: width }, (_, i) => `c${i}`),
        checks,
      );
      if (!patterns) continue;
      for (let r = 0; r < 60; r++) {
        const cells = Array.from({ length: width + (rnd() < 0.1 ? 1 : 0) - (rnd() < 0.1 ? 1 : 0) }, () => pick(CELLS));
        const line = `${cells.join(',')}${rnd() < 0.5 ? '\r\n' : '\n'}`;
        if (matchesLine(patterns.one, line)) {
          matched++;
          // The record as the validator reads it: without the LF and the one CR before it.
          const raw = line.slice(0, -1).replace(/\r$/, '');
          expect(referenceAccepts(raw, width, checks), `${patterns.one.source} matched ${JSON.stringify(line)}`).toBe(
            true,
          );
        }
      }
    }
    // The property above is only worth something if the patterns do match.
    expect(matched).toBeGreaterThan(1000);
  });

  it('matches the reference predictions written plainly, quoted as a whole, or with CRLF, and batches of them', () => {
    const header = ['timestamp', 'prediction', 'actual', 'model_name', 'model_version'];
    const rules: ColumnRule[] = [
      { name: 'timestamp', type: 'timestamp' },
      { name: 'prediction', type: 'number', min: 0, max: 1000 },
      { name: 'actual', type: 'number' },
      { name: 'model_version', type: 'string', equals: '3' },
    ];
    const checks = rules.map((r) => prepareColumn(r, header.indexOf(r.name)));
    const patterns = rowPatterns(header, checks);
    if (!patterns?.many) throw new Error('expected both patterns for the reference contract');
    const rows = [
      '2024-01-01T00:00:00Z,41.2,40,poblesec-forecast,3\n',
      '"2024-01-01T01:00:00Z","39.75","38.5","poblesec, forecast","3"\r\n',
      '2024-01-01T02:00:00Z,999.5,-1e3,,3\n',
    ];
    for (const row of rows) expect(matchesLine(patterns.one, row), row).toBe(true);
    expect(matchesLine(patterns.many, Array.from({ length: 16 }, (_, i) => rows[i % rows.length]).join(''))).toBe(true);
    expect(matchesLine(patterns.many, Array.from({ length: 15 }, (_, i) => rows[i % rows.length]).join(''))).toBe(
      false,
    );
    // Out of the simple forms: left to the readers, which accept or report them.
    for (const row of [
      '2024-01-01T00:00:00Z,1000,40,m,3\n',
      '2024-01-01T00:00:00Z,NaN,40,m,3\n',
      '2024-01-01T00:00:00Z,1,40,m,"3"x\n',
      '2024-01-01T00:00:00Z,1,40,"a""b",3\n',
      '2024-01-01T00:00:00Z,1,40,m\n',
    ]) {
      expect(matchesLine(patterns.one, row), row).toBe(false);
    }
  });

  it('has no pattern where a rule has no safe one, or two rules share a column', () => {
    const header = ['a', 'b'];
    expect(rowPatterns(header, [prepareColumn({ name: 'a', type: 'number', min: 0.5 }, 0)])).toBeUndefined();
    expect(rowPatterns(header, [prepareColumn({ name: 'a', type: 'string', equals: 'x,y' }, 0)])).toBeUndefined();
    expect(
      rowPatterns(header, [
        prepareColumn({ name: 'a', type: 'string' }, 0),
        prepareColumn({ name: 'a', type: 'string', nullable: true }, 0),
      ]),
    ).toBeUndefined();
  });

  it('stays small for a wide header (unchecked runs are one counted group) and still matches its rows', () => {
    const header = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const checks = [
      prepareColumn({ name: 'c0', type: 'integer' }, 0),
      prepareColumn({ name: 'c4999', type: 'number' }, 4999),
    ];
    const source = rowSource(header, checks) ?? '';
    expect(source.length).toBeLessThan(500);
    const patterns = rowPatterns(header, checks);
    if (!patterns) throw new Error('expected a pattern');
    expect(patterns.many).toBeUndefined();
    const row = `${Array.from({ length: 5000 }, (_, i) => String(i)).join(',')}\n`;
    expect(matchesLine(patterns.one, row)).toBe(true);
    expect(matchesLine(patterns.one, row.replace(',17,', ',17,18,'))).toBe(false);
  });

  it('fails a long cell in linear time (no ambiguous repetition to backtrack through)', () => {
    const patterns = rowPatterns(['x', 'y'], [prepareColumn({ name: 'x', type: 'number' }, 0)]);
    if (!patterns) throw new Error('expected a pattern');
    const started = performance.now();
    expect(matchesLine(patterns.one, `${'1'.repeat(200_000)}x,1\n`)).toBe(false);
    expect(matchesLine(patterns.one, `${'1'.repeat(100_000)}.${'2'.repeat(100_000)}e,1\n`)).toBe(false);
    // Quadratic backtracking over 200,000 characters would take minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('cellPattern', () => {
  const matches = (pattern: string, text: string) => new RegExp(`^(?:${pattern})$`).test(text);

  it('timestamps: exactly what validTimestamp accepts, except a comma before the fraction (a delimiter here)', () => {
    const pattern = cellPattern(prepareColumn({ name: 't', type: 'timestamp' }, 0)) ?? '';
    const rnd = random(3);
    const base = '2024-02-29T23:59:59.123+01:30';
    const alphabet = '0123456789-:T Z+.,x';
    for (let n = 0; n < 20_000; n++) {
      const chars = [...base.slice(0, 16 + Math.floor(rnd() * 14))];
      for (let k = Math.floor(rnd() * 3); k > 0; k--) {
        chars[Math.floor(rnd() * chars.length)] = alphabet[Math.floor(rnd() * alphabet.length)] as string;
      }
      const text = chars.join('');
      const want = validTimestamp(text) && !text.includes(',');
      if (matches(pattern, text) !== want) throw new Error(`${text}: pattern ${!want}, validTimestamp ${want}`);
    }
  });

  it('nullable columns also match the empty cell, numeric ones NaN and inf', () => {
    const pattern = cellPattern(prepareColumn({ name: 'p', type: 'number', nullable: true }, 0)) ?? '';
    for (const text of ['', 'NaN', '-inf', 'Infinity', '1.5']) expect(matches(pattern, text), text).toBe(true);
    expect(matches(pattern, 'none')).toBe(false);
  });
});

describe('numberPattern', () => {
  const within = (integer: boolean, min: number | undefined, max: number | undefined, text: string) => {
    const pattern = numberPattern(integer, min, max);
    return pattern !== undefined && new RegExp(`^(?:${pattern})$`).test(text);
  };

  it('matches plain decimals certainly within the bounds, and leaves the rest to the readers', () => {
    expect(within(false, 0, 1000, '999.999')).toBe(true);
    expect(within(false, 0, 1000, '+0.5')).toBe(true);
    expect(within(false, 0, 1000, '1000')).toBe(false);
    expect(within(false, 0, 1000, '-0')).toBe(false);
    expect(within(false, 0, 1000, '1e2')).toBe(false);
    expect(within(false, -50, 10, '-9.75')).toBe(true);
    expect(within(false, -50, 10, '-10')).toBe(false);
    expect(within(true, 0, 23, '9')).toBe(true);
    expect(within(true, 0, 23, '9.0')).toBe(false);
    expect(within(false, undefined, undefined, '-1.5e300')).toBe(true);
    expect(numberPattern(false, 0.5, undefined)).toBeUndefined();
    expect(numberPattern(false, undefined, -5)).toBeUndefined();
    expect(numberPattern(false, undefined, 5)).toBeUndefined();
  });

  it('never matches a value outside the bounds (random bounds, random numbers)', () => {
    const rnd = random(9);
    const bounds = [undefined, 0, -1, -10, -1000, 10, 99.5, 1000, 1e6, -0.5, 1e20];
    for (let n = 0; n < 5000; n++) {
      const min = bounds[Math.floor(rnd() * bounds.length)];
      const max = bounds[Math.floor(rnd() * bounds.length)];
      const integer = rnd() < 0.3;
      const pattern = numberPattern(integer, min, max);
      if (pattern === undefined) continue;
      const sign = ['', '+', '-'][Math.floor(rnd() * 3)] as string;
      const digits = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 9)));
      const text = `${sign}${digits}${rnd() < 0.5 ? `.${Math.floor(rnd() * 1000)}` : ''}`;
      if (!new RegExp(`^(?:${pattern})$`).test(text)) continue;
      const value = Number(text);
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        throw new Error(`${text} matched ${pattern} for [${min}, ${max}]`);
      }
    }
  });
});
