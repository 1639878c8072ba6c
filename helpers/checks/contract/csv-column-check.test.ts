import { describe, expect, it } from 'vitest';
import { type ColumnRule, cellPasses, cellViolation, prepareColumn } from './csv-column-check.js';

/** Cells worth trying against every rule: clean values, near misses, nulls, spaces, non-ASCII. */
const CELLS = [
  '0',
  '3',
  '3.0',
  '-0',
  '+2',
  '7',
  '12.5',
  '1e2',
  '.5',
  '5.',
  '999',
  '1000',
  '1000.0',
  '1000.01',
  '-1',
  '-50',
  '23',
  '24',
  ' 7 ',
  '\t8',
  'NaN',
  'nan',
  '-inf',
  ' Infinity ',
  '\u00a0NaN',
  '\u00a05',
  '1e400',
  '123456789012345678',
  'abc',
  '0x10',
  '',
  ' ',
  'true',
  'False',
  'yes',
  '2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00,5Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01',
  'x',
  'é',
  '\ufffd',
  'poblesec-forecast',
];

const RULES: ColumnRule[] = [];
for (const type of ['string', 'number', 'integer', 'timestamp', 'boolean'] as const) {
  for (const nullable of [false, true]) {
    RULES.push({ name: 'c', type, nullable });
    for (const equals of ['3', ' 3 ', '3.0', 'x', 'true', '2024-01-01T00:00:00Z', 'é', '', '\ud800']) {
      RULES.push({ name: 'c', type, nullable, equals });
    }
    if (type === 'number' || type === 'integer') {
      for (const [min, max] of [
        [0, 1000],
        [0, 23],
        [-50, 10],
        [0.5, undefined],
        [undefined, -5],
        [undefined, 0.5],
      ] as const) {
        RULES.push({
          name: 'c',
          type,
          nullable,
          ...(min !== undefined ? { min } : {}),
          ...(max !== undefined ? { max } : {}),
        });
      }
    }
  }
}

describe('cellPasses (bytes) against cellViolation (text, the reference)', () => {
  it('never clears a cell the reference objects to, for every rule and cell tried', () => {
    for (const rule of RULES) {
      const check = prepareColumn(rule, 0);
      for (const text of CELLS) {
        const inner = Buffer.from(text, 'utf8');
        // Framed by other bytes: the check must read only [start, end).
        const b = Buffer.concat([Buffer.from('1,'), inner, Buffer.from(',9')]);
        if (cellPasses(check, b, 2, 2 + inner.length)) {
          expect(cellViolation(check, text), `${JSON.stringify(rule)} cleared ${JSON.stringify(text)}`).toBeUndefined();
        }
      }
    }
  });

  it('clears the ordinary clean cells on bytes, so clean rows never need a string', () => {
    const clear = (rule: ColumnRule, text: string) => {
      const b = Buffer.from(text, 'utf8');
      return cellPasses(prepareColumn(rule, 0), b, 0, b.length);
    };
    expect(clear({ name: 'p', type: 'number', min: 0, max: 1000 }, '41.2')).toBe(true);
    expect(clear({ name: 'p', type: 'number', min: 0, max: 1000 }, '1e2')).toBe(true);
    expect(clear({ name: 'p', type: 'number' }, '-3.5e-7')).toBe(true);
    expect(clear({ name: 'p', type: 'number', nullable: true }, 'NaN')).toBe(true);
    expect(clear({ name: 'p', type: 'number', nullable: true }, '')).toBe(true);
    expect(clear({ name: 'n', type: 'integer', min: 0, max: 23 }, '23')).toBe(true);
    expect(clear({ name: 'v', type: 'number', equals: '3' }, '3.0')).toBe(true);
    expect(clear({ name: 't', type: 'timestamp' }, '2024-01-01T00:00:00Z')).toBe(true);
    expect(clear({ name: 'b', type: 'boolean' }, 'False')).toBe(true);
    expect(clear({ name: 'm', type: 'string', equals: 'ünï' }, 'ünï')).toBe(true);
    expect(clear({ name: 's', type: 'string' }, 'anything at all')).toBe(true);
  });

  it('leaves a lone-surrogate equals to the text reader (equal bytes would not mean equal strings)', () => {
    const check = prepareColumn({ name: 's', type: 'string', equals: '\ud800' }, 0);
    const b = Buffer.from('\ud800', 'utf8');
    expect(cellPasses(check, b, 0, b.length)).toBe(false);
    expect(cellViolation(check, b.toString('utf8'))).toBe('equal to "\ud800"');
  });
});

describe('cellViolation', () => {
  it('says what was expected, in the validator messages', () => {
    const v = (rule: ColumnRule, text: string) => cellViolation(prepareColumn(rule, 0), text);
    expect(v({ name: 'p', type: 'number' }, 'NaN')).toBe('non-null number');
    expect(v({ name: 'p', type: 'number', min: 0 }, '-1')).toBe('>= 0');
    expect(v({ name: 'p', type: 'number', max: 10 }, '11')).toBe('<= 10');
    expect(v({ name: 'n', type: 'integer' }, '1.5')).toBe('integer');
    expect(v({ name: 't', type: 'timestamp' }, '2024-01-01')).toBe('ISO 8601 timestamp');
    expect(v({ name: 't', type: 'timestamp' }, '')).toBe('non-null ISO 8601 timestamp');
    expect(v({ name: 'b', type: 'boolean' }, 'yes')).toBe('boolean');
    expect(v({ name: 's', type: 'string', equals: '3' }, '2')).toBe('equal to "3"');
    expect(v({ name: 'v', type: 'number', equals: '3' }, '3.0')).toBeUndefined();
    expect(v({ name: 's', type: 'string' }, 'x')).toBeUndefined();
  });
});
