import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cellViolation, prepareColumn } from './csv-column-check.js';
import { splitRecord } from './csv-tokenizer.js';
import {
  type ColumnRule,
  type CsvResult,
  type CsvRules,
  CsvValidator,
  type CsvViolation,
  RECORD_COLUMN,
  validateCsvStream,
} from './csv-validator.js';

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

/** Feeds the bytes in chunks of the given sizes (cycled). */
function validateChunks(bytes: Buffer, rules: CsvRules, sizes: readonly number[]): CsvResult {
  const v = new CsvValidator(rules);
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length] as number;
    v.push(bytes.subarray(i, i + n));
    i += n;
  }
  return v.finish();
}

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/**
 * The validator's rules applied the plain way — whole text decoded at once, records split by quote
 * parity, every row read as text — to compare the streaming, byte-reading, pattern-matching one with.
 */
function referenceValidate(text: string, rules: CsvRules): Omit<CsvResult, 'bytes'> {
  const records: { raw: string; line: number }[] = [];
  let start = 0;
  let quotes = 0;
  let line = 1;
  let fatal: string | undefined;
  const add = (end: number) => {
    const raw = text.slice(start, end).replace(/\r$/, '');
    records.push({ raw, line });
    line += raw.split('\n').length;
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quotes++;
    else if (text[i] === '\n' && quotes % 2 === 0) {
      add(i);
      start = i + 1;
      quotes = 0;
    }
  }
  if (start < text.length) {
    if (quotes % 2 === 1) fatal = `unterminated quoted field in row ${records.length} (line ${line})`;
    else add(text.length);
  }
  const header = records[0] ? splitRecord(records[0].raw) : undefined;
  if (header?.[0]?.charCodeAt(0) === 0xfeff) header[0] = header[0].slice(1);
  const checks = rules.columns.flatMap((rule) => {
    const index = header?.indexOf(rule.name) ?? -1;
    return index === -1 ? [] : [prepareColumn(rule, index)];
  });
  const kept = new Map<string, CsvViolation[]>();
  const counts: Record<string, number> = {};
  const violate = (column: string, row: number, at: number, value: string, expected: string) => {
    counts[column] = (counts[column] ?? 0) + 1;
    const list = kept.get(column) ?? [];
    kept.set(column, list);
    if (list.length < (rules.maxViolationsPerColumn ?? 5)) {
      list.push({ row, line: at, column, value: value.length > 80 ? `${value.slice(0, 77)}...` : value, expected });
    }
  };
  records.slice(1).forEach(({ raw, line: at }, i) => {
    const fields = splitRecord(raw);
    const width = header?.length ?? 0;
    if (fields.length !== width)
      violate(RECORD_COLUMN, i + 1, at, raw, `${width} fields like the header (saw ${fields.length})`);
    for (const c of checks) {
      const expected = cellViolation(c, fields[c.index] ?? '');
      if (expected !== undefined) violate(c.rule.name, i + 1, at, fields[c.index] ?? '', expected);
    }
  });
  const rows = Math.max(0, records.length - 1);
  const columns = header ?? [];
  const result: Omit<CsvResult, 'bytes'> = {
    rows,
    columns,
    missingColumns: rules.columns.map((c) => c.name).filter((n) => !columns.includes(n)),
    violations: [...kept.values()].flat(),
    counts,
  };
  const { min, max } = rules.rows ?? {};
  if (!fatal && header && ((min !== undefined && rows < min) || (max !== undefined && rows > max))) {
    result.rowBounds = [min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : '']
      .filter(Boolean)
      .join(' and ');
  }
  if (!header && !fatal) fatal = 'the object is empty: no header line';
  if (fatal) result.fatal = fatal;
  return result;
}

/** Every edge at once: BOM, CRLF and LF, quotes with commas, doubled quotes and newlines, UTF-8, violations. */
const TRICKY = [
  '\uFEFFid,note,score,when,flag',
  '1,"plain, with comma",1.5,2024-01-01T00:00:00Z,true',
  '2,"a ""quoted"" word",2,2024-01-01 01:00:00+01:00,0\r',
  '3,"two\r\nlines é",NaN,2024-01-01T02:00,1',
  '4,ünïcødé 😀,,2024-13-01T00:00:00Z,yes',
  '"5","",7,"2024-01-01T04:00:00Z","false"',
  '6,x,1e999,2024-01-01T05:00:00Z',
  '7,"🙂,""\n""",-0.5,2024-01-01T06:00:00.5Z,FALSE,extra',
  '',
  '8,end,3,2024-01-01T07:00:00Z,1',
].join('\n');
const TRICKY_RULES: CsvRules = {
  columns: [
    { name: 'id', type: 'integer', min: 1 },
    { name: 'note', type: 'string' },
    { name: 'score', type: 'number', min: 0, max: 100 },
    { name: 'when', type: 'timestamp' },
    { name: 'flag', type: 'boolean' },
  ],
};

describe('CsvValidator: chunk boundaries', () => {
  const bytes = Buffer.from(TRICKY, 'utf8');
  const whole = validateChunks(bytes, TRICKY_RULES, [bytes.length]);

  it('reads the tricky file as the plain reading does', () => {
    expect(whole).toEqual({ ...referenceValidate(TRICKY, TRICKY_RULES), bytes: bytes.length });
    expect(whole.rows).toBe(9);
    expect(whole.columns).toEqual(['id', 'note', 'score', 'when', 'flag']);
    // Grouped by column in the order of each column's first violation; lines count the quoted newlines.
    expect(whole.violations.map((v) => `${v.column}@${v.row}/line ${v.line}:${v.value} (${v.expected})`)).toEqual([
      'score@3/line 4:NaN (non-null number)',
      'score@4/line 6: (non-null number)',
      'score@6/line 8:1e999 (<= 100)',
      'score@7/line 9:-0.5 (>= 0)',
      'score@8/line 11: (non-null number)',
      'when@4/line 6:2024-13-01T00:00:00Z (ISO 8601 timestamp)',
      'when@8/line 11: (non-null ISO 8601 timestamp)',
      'flag@4/line 6:yes (boolean)',
      'flag@6/line 8: (non-null boolean)',
      'flag@8/line 11: (non-null boolean)',
      'note@5/line 7: (non-null string)',
      'note@8/line 11: (non-null string)',
      `${RECORD_COLUMN}@6/line 8:6,x,1e999,2024-01-01T05:00:00Z (5 fields like the header (saw 4))`,
      `${RECORD_COLUMN}@7/line 9:7,"🙂,""\n""",-0.5,2024-01-01T06:00:00.5Z,FALSE,extra (5 fields like the header (saw 6))`,
      `${RECORD_COLUMN}@8/line 11: (5 fields like the header (saw 1))`,
      'id@8/line 11: (non-null integer)',
    ]);
  });

  it('gives the same verdict when the file is cut at any single byte offset', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const v = new CsvValidator(TRICKY_RULES);
      v.push(bytes.subarray(0, cut));
      v.push(bytes.subarray(cut));
      expect(v.finish(), `cut at byte ${cut}`).toEqual(whole);
    }
  });

  it('gives the same verdict fed one byte at a time and in random chunk sizes', () => {
    expect(validateChunks(bytes, TRICKY_RULES, [1])).toEqual(whole);
    const rnd = random(1);
    for (let n = 0; n < 200; n++) {
      const sizes = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => 1 + Math.floor(rnd() * 24));
      expect(validateChunks(bytes, TRICKY_RULES, sizes), `chunks ${sizes.join(',')}`).toEqual(whole);
    }
  });

  it('splits inside a quote, a CRLF, a multi-byte character and the BOM without changing anything', () => {
    const at = (needle: string, offset: number) => bytes.indexOf(Buffer.from(needle, 'utf8')) + offset;
    const cuts = [
      [1, 2], // inside the BOM (3 bytes)
      [at('"two', 3), at('\r\nlines', 1)], // inside a quoted field, then between the CR and LF inside it
      [at('ü', 1), at('😀', 2)], // inside 2- and 4-byte characters
      [at('""quoted', 1), at('0\r\n3', 2)], // between doubled quotes; between the CR and LF ending a record
    ];
    for (const [a, b] of cuts) {
      const v = new CsvValidator(TRICKY_RULES);
      v.push(bytes.subarray(0, a));
      v.push(bytes.subarray(a, b));
      v.push(bytes.subarray(b));
      expect(v.finish(), `cuts at ${a}, ${b}`).toEqual(whole);
    }
  });

  it('takes text chunks and byte chunks alike', () => {
    const v = new CsvValidator(TRICKY_RULES);
    const half = Math.floor(TRICKY.length / 2);
    v.push(TRICKY.slice(0, half));
    v.push(Buffer.from(TRICKY.slice(half), 'utf8'));
    expect(v.finish()).toEqual(whole);
  });
});

describe('CsvValidator: the same verdict as the plain reading', () => {
  it('on random files (clean and broken rows, quotes, CRLF, UTF-8, blank lines) in random chunks', () => {
    const rnd = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
    const types = ['string', 'number', 'integer', 'timestamp', 'boolean'] as const;
    const clean: Record<(typeof types)[number], string[]> = {
      string: ['x', 'poblesec-forecast', 'ünï', '😀', '3'],
      number: ['0', '41.2', '.5', '999', '+7', '1e2', 'NaN'],
      integer: ['0', '7', '23', '-3'],
      timestamp: ['2024-01-01T00:00:00Z', '2024-02-29 23:59:59.5+01:00', '2024-01-01T08:00'],
      boolean: ['true', 'False', '0', '1'],
    };
    const odd = [
      '',
      ' 7 ',
      '1000',
      '-1',
      'abc',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      'x"y"',
      '"3"',
      'é\r',
      '2024-13-01',
    ];
    for (let n = 0; n < 300; n++) {
      const width = 1 + Math.floor(rnd() * 6);
      const names = Array.from({ length: width }, (_, i) => `c${i}`);
      const colTypes = names.map(() => pick(types));
      const columns: ColumnRule[] = [];
      names.forEach((name, i) => {
        if (rnd() < 0.25) return;
        const rule: ColumnRule = { name, type: colTypes[i] as ColumnRule['type'], nullable: rnd() < 0.3 };
        if (rnd() < 0.3) rule.min = pick([0, -50]);
        if (rnd() < 0.3) rule.max = pick([1000, 23]);
        if (rnd() < 0.15) rule.equals = pick(['3', 'x', 'true']);
        columns.push(rule);
      });
      const rules: CsvRules = { columns, maxViolationsPerColumn: 1 + Math.floor(rnd() * 5) };
      const eol = rnd() < 0.3 ? '\r\n' : '\n';
      const broken = rnd() * 0.3;
      let text = `${rnd() < 0.1 ? '\uFEFF' : ''}${names.join(',')}${eol}`;
      for (let r = Math.floor(rnd() * 120); r > 0; r--) {
        const cells = colTypes.map((t) => (rnd() < broken ? pick(odd) : pick(clean[t])));
        if (rnd() < 0.03) cells.push('extra');
        text += `${cells.join(',')}${rnd() < 0.02 ? `${eol}${eol}` : eol}`;
      }
      if (rnd() < 0.3) text = text.replace(/\r?\n$/, '');
      const bytes = Buffer.from(text, 'utf8');
      const expected = { ...referenceValidate(text, rules), bytes: bytes.length };
      for (const sizes of [[bytes.length || 1], [1 + Math.floor(rnd() * 7)], [1 + Math.floor(rnd() * 300), 3, 17]]) {
        expect(validateChunks(bytes, rules, sizes), `file ${n}, chunks ${sizes.join(',')}`).toEqual(expected);
      }
    }
  });
});

describe('CsvValidator: large chunks', () => {
  it('reads a 400 kB chunk (several text windows for the row patterns) as the plain reading does', () => {
    const rnd = random(3);
    const lines = ['timestamp,prediction,actual,model_name,model_version'];
    for (let i = 0; i < 8000; i++) {
      const ts = `2024-01-01T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`;
      const r = rnd();
      // Mostly clean rows; some broken, some quoted (with a newline inside, which shifts lines).
      if (r < 0.01) lines.push(`${ts},NaN,1,m,3`);
      else if (r < 0.02) lines.push(`${ts},1,1,"two\nlines",3`);
      else if (r < 0.03) lines.push(`${ts},1,1,m,4`);
      else lines.push(`${ts},${(i % 900) + 0.25},${i % 500},poblesec-forecast,3`);
    }
    const text = `${lines.join('\n')}\n`;
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(400_000);
    const expected = { ...referenceValidate(text, { columns: PREDICTIONS }), bytes: bytes.length };
    expect(expected.counts.prediction).toBeGreaterThan(0);
    for (const sizes of [[bytes.length], [65_537], [7_001]]) {
      expect(validateChunks(bytes, { columns: PREDICTIONS }, sizes), `chunks ${sizes[0]}`).toEqual(expected);
    }
  });
});

describe('CsvValidator: records across many chunks', () => {
  it('reads a 300 kB quoted field fed in 1 kB chunks (linear, not one re-scan per chunk)', () => {
    const big = `${'lorem ipsum, "dolor"\n'.repeat(15_000)}`;
    const text = `a,b\n1,"${big.replaceAll('"', '""')}"\n2,x\n`;
    const r = validateChunks(Buffer.from(text), { columns: [{ name: 'a', type: 'integer' }] }, [1024]);
    expect(r.rows).toBe(2);
    expect(r.violations).toEqual([]);
    expect(r.fatal).toBeUndefined();
  });

  it('counts an unfinished record in characters, not bytes, against maxRecordChars', () => {
    const rules = (max: number): CsvRules => ({ columns: [{ name: 'a', type: 'string' }], maxRecordChars: max });
    const record = `"${'é'.repeat(60)}`; // 61 characters, 121 bytes, still open
    const text = Buffer.from(`a\n${record}`, 'utf8');
    expect(validateChunks(text, rules(100), [8]).fatal).toBe('unterminated quoted field in row 1 (line 2)');
    expect(validateChunks(text, rules(60), [8]).fatal).toBe(
      'row 1 (line 2) is longer than 60 characters — an unterminated quote?',
    );
  });
});
