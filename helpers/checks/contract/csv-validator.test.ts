import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type ColumnRule, type CsvRules, CsvValidator, RECORD_COLUMN, validateCsvStream } from './csv-validator.js';

const PREDICTIONS: ColumnRule[] = [
  { name: 'timestamp', type: 'timestamp' },
  { name: 'prediction', type: 'number', min: 0, max: 1000 },
  { name: 'actual', type: 'number' },
  { name: 'model_version', type: 'string', equals: '3' },
];
const GOLDEN = [
  'timestamp,prediction,actual,model_name,model_version',
  '2024-01-01T00:00:00Z,41.2,40,poblesec-forecast,3',
  '2024-01-01T01:00:00Z,39.75,38.5,poblesec-forecast,3',
  '2024-01-01T02:00:00Z,1e2,101.25,poblesec-forecast,3',
].join('\n');

const validate = (text: string, rules: CsvRules = { columns: PREDICTIONS }, chunkSize = 0) => {
  const v = new CsvValidator(rules);
  const bytes = Buffer.from(text, 'utf8');
  if (chunkSize <= 0) v.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunkSize) v.push(bytes.subarray(i, i + chunkSize));
  return v.finish();
};
const brief = (text: string, rules?: CsvRules) =>
  validate(text, rules).violations.map((v) => `${v.column}@${v.row}:${v.value} (${v.expected})`);

describe('CsvValidator', () => {
  it('passes the golden predictions, with or without a final newline, LF or CRLF', () => {
    for (const text of [GOLDEN, `${GOLDEN}\n`, `${GOLDEN.replaceAll('\n', '\r\n')}\r\n`]) {
      const r = validate(text);
      expect(r.violations).toEqual([]);
      expect(r.rows).toBe(3);
      expect(r.columns).toEqual(['timestamp', 'prediction', 'actual', 'model_name', 'model_version']);
      expect(r.missingColumns).toEqual([]);
      expect(r.bytes).toBe(Buffer.byteLength(text));
      expect(r.fatal).toBeUndefined();
    }
  });

  it('gives the same verdict for every chunk size: boundaries inside lines, quotes, CRLF and UTF-8 characters', () => {
    const text = [
      'id,note,score',
      '1,"plain, with comma",1.5',
      '2,"a ""quoted"" word",2',
      '3,"two\r\nlines é",NaN',
      '4,ünïcødé,',
      '5,"",7',
    ].join('\r\n');
    const rules: CsvRules = {
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'note', type: 'string' },
        { name: 'score', type: 'number' },
      ],
    };
    const whole = validate(text, rules);
    expect(whole.rows).toBe(5);
    // Grouped by column (in order of each column's first violation), rows ascending within one.
    expect(whole.violations.map((v) => `${v.column}@${v.row}/line ${v.line}:${v.value}`)).toEqual([
      'score@3/line 4:NaN',
      'score@4/line 6:',
      'note@5/line 7:',
    ]);
    for (const size of [1, 2, 3, 5, 7, 16]) expect(validate(text, rules, size)).toEqual(whole);
  });

  it('unquotes fields: a doubled quote is a quote, commas and newlines inside quotes are data', () => {
    const r = validate('a,b\n"x,""y""\nz",ok\n', { columns: [{ name: 'a', type: 'string', equals: 'nope' }] });
    expect(r.rows).toBe(1);
    expect(r.violations[0]?.value).toBe('x,"y"\nz');
  });

  it('catches NaN, nan, inf and empty cells in a non-null number column', () => {
    const text =
      'timestamp,prediction,actual,model_version\n' +
      ['NaN', 'nan', 'inf', '-Infinity', ''].map((p, i) => `2024-01-01T0${i}:00:00Z,${p},1,3`).join('\n');
    expect(brief(text)).toEqual([
      'prediction@1:NaN (non-null number)',
      'prediction@2:nan (non-null number)',
      'prediction@3:inf (non-null number)',
      'prediction@4:-Infinity (non-null number)',
      'prediction@5: (non-null number)',
    ]);
  });

  it('allows empty and NaN cells in a nullable column', () => {
    const rules: CsvRules = {
      columns: [
        { name: 'x', type: 'number', nullable: true },
        { name: 's', type: 'string', nullable: true },
      ],
    };
    expect(validate('x,s\nNaN,\n,a\n1.5,b\n', rules).violations).toEqual([]);
  });

  it('reports out-of-range values against min and max', () => {
    const text =
      'timestamp,prediction,actual,model_version\n2024-01-01T00:00:00Z,-0.5,1,3\n2024-01-01T01:00:00Z,1000.01,1,3\n2024-01-01T02:00:00Z,1000,1,3\n';
    expect(brief(text)).toEqual(['prediction@1:-0.5 (>= 0)', 'prediction@2:1000.01 (<= 1000)']);
  });

  it('tells integers from floats and rejects non-numbers', () => {
    const rules: CsvRules = {
      columns: [
        { name: 'n', type: 'integer', min: 0, max: 23 },
        { name: 'f', type: 'number' },
      ],
    };
    const r = validate('n,f\n7,1\n-0,2.5e-3\n1.5,.5\n8.0,abc\n24,0x10\n', rules);
    expect(r.violations.map((v) => `${v.column}@${v.row}:${v.value} (${v.expected})`)).toEqual([
      'n@3:1.5 (integer)',
      'n@4:8.0 (integer)',
      'n@5:24 (<= 23)',
      'f@4:abc (number)',
      'f@5:0x10 (number)',
    ]);
  });

  it('accepts ISO 8601 timestamps and rejects dates without time, impossible dates and other formats', () => {
    const rules: CsvRules = { columns: [{ name: 't', type: 'timestamp' }] };
    const good = [
      '2024-01-01T00:00:00Z',
      '2024-02-29T23:59:59.123+01:00',
      '2024-01-01 08:00:00+00:00',
      '2024-01-01T08:00',
    ];
    const bad = ['2024-01-01', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '01/02/2024 10:00', 'yesterday'];
    const r = validate(`t\n${[...good, ...bad].join('\n')}\n`, rules);
    expect(r.violations.map((v) => v.value)).toEqual(bad);
    expect(r.violations.every((v) => v.expected === 'ISO 8601 timestamp')).toBe(true);
  });

  it('checks booleans', () => {
    const r = validate('b\ntrue\nFalse\n1\n0\nyes\n', { columns: [{ name: 'b', type: 'boolean' }] });
    expect(r.violations.map((v) => `${v.row}:${v.value}`)).toEqual(['5:yes']);
  });

  it('equals: every value equal to the rendered template (numerically for numbers)', () => {
    const text = 'timestamp,prediction,actual,model_version\n2024-01-01T00:00:00Z,1,1,3\n2024-01-01T01:00:00Z,1,1,2\n';
    expect(brief(text)).toEqual(['model_version@2:2 (equal to "3")']);
    const numeric = validate('v\n3\n3.0\n4\n', { columns: [{ name: 'v', type: 'number', equals: '3' }] });
    expect(numeric.violations.map((v) => v.row)).toEqual([3]);
  });

  it('names missing columns and still checks the others', () => {
    const r = validate('timestamp,prediction,actual\n2024-01-01T00:00:00Z,NaN,1\n');
    expect(r.missingColumns).toEqual(['model_version']);
    expect(r.violations.map((v) => v.column)).toEqual(['prediction']);
  });

  it('enforces row-count bounds', () => {
    const rules = (rows: CsvRules['rows']): CsvRules => ({ columns: [{ name: 'a', type: 'string' }], rows });
    expect(validate('a\n', rules({ min: 1 })).rowBounds).toBe('>= 1');
    expect(validate('a\nx\ny\nz\n', rules({ min: 1, max: 2 })).rowBounds).toBe('>= 1 and <= 2');
    expect(validate('a\nx\ny\n', rules({ min: 1, max: 2 })).rowBounds).toBeUndefined();
  });

  it('reports records whose field count differs from the header', () => {
    const r = validate('a,b\n1,2\n3\n4,5,6\n', { columns: [{ name: 'a', type: 'integer' }] });
    expect(r.counts[RECORD_COLUMN]).toBe(2);
    expect(r.violations.filter((v) => v.column === RECORD_COLUMN).map((v) => `${v.row}:${v.expected}`)).toEqual([
      '2:2 fields like the header (saw 1)',
      '3:2 fields like the header (saw 3)',
    ]);
  });

  it('keeps the first N violations per column but counts them all', () => {
    const lines = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'NaN' : '1'));
    const r = validate(`x\n${lines.join('\n')}\n`, {
      columns: [{ name: 'x', type: 'number' }],
      maxViolationsPerColumn: 3,
    });
    expect(r.counts.x).toBe(50);
    expect(r.violations.map((v) => v.row)).toEqual([2, 4, 6]);
  });

  it('an empty object, an unterminated quote and an oversized record are fatal', () => {
    const rules: CsvRules = { columns: [{ name: 'a', type: 'string' }], maxRecordChars: 100 };
    expect(validate('', rules).fatal).toContain('empty');
    expect(validate('a\n"open\nnever closed\n', rules).fatal).toContain('unterminated quoted field in row 1 (line 2)');
    expect(validate(`a\n"${'x\n'.repeat(200)}`, rules, 16).fatal).toContain('longer than 100 characters');
  });

  it('strips a UTF-8 byte order mark from the header', () => {
    expect(validate('\uFEFFa\nx\n', { columns: [{ name: 'a', type: 'string' }] }).missingColumns).toEqual([]);
  });
});

describe('validateCsvStream', () => {
  it('consumes a Node stream chunk by chunk', async () => {
    const chunks = GOLDEN.match(/[\s\S]{1,7}/g) ?? [];
    const r = await validateCsvStream(Readable.from(chunks.map((c) => Buffer.from(c))), { columns: PREDICTIONS });
    expect(r.rows).toBe(3);
    expect(r.violations).toEqual([]);
  });

  it('validates 50 MB of generated rows with flat memory', async () => {
    const header = 'timestamp,prediction,actual,model_name,model_version\n';
    const block = Buffer.from(
      Array.from(
        { length: 1000 },
        (_, i) =>
          `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${(i % 900) + 0.25},${i % 500},poblesec-forecast,3\n`,
      ).join(''),
    );
    const blocks = Math.ceil(50e6 / block.length);
    async function* source() {
      yield Buffer.from(header);
      for (let i = 0; i < blocks; i++) yield block;
    }
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const r = await validateCsvStream(source(), { columns: PREDICTIONS });
      expect(r.rows).toBe(blocks * 1000);
      expect(r.violations).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
    expect((peak - before) / 2 ** 20).toBeLessThan(100);
  }, 60_000);
});
